"""The sources' own edges: local binaries that are missing, malformed URLs, how a plan describes itself."""

from __future__ import annotations

import pwd
import shutil
from pathlib import Path

import pytest

from sentia_testkit.services import SourceUnavailable, Unavailable, postgres, redis


def test_no_binaries_on_path_nor_in_the_versioned_directories(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    (tmp_path / "16" / "bin").mkdir(parents=True)  # a directory without the binaries does not count
    monkeypatch.setattr(postgres, "BINARY_DIRS", f"{tmp_path}/*/bin")
    monkeypatch.setattr(shutil, "which", lambda name: None)

    assert postgres.find_binaries() is None
    assert postgres.local_plan() == f"initdb and pg_ctl are not on PATH nor in {tmp_path}/*/bin"


def test_system_users_are_looked_up_in_the_user_database() -> None:
    existing = pwd.getpwuid(0).pw_name

    assert postgres._system_user_exists(existing)
    assert not postgres._system_user_exists("sentia-no-such-user")


def test_a_plan_without_a_user_runs_the_binaries_directly() -> None:
    plan = postgres.LocalPlan("/opt/pg/bin/initdb", "/opt/pg/bin/pg_ctl")

    assert plan.describe() == "initdb and pg_ctl in /opt/pg/bin"
    assert plan.command(["/opt/pg/bin/pg_ctl", "status"]) == ["/opt/pg/bin/pg_ctl", "status"]


@pytest.mark.usefixtures("no_services")
def test_local_postgres_cannot_start_without_binaries() -> None:
    with pytest.raises(SourceUnavailable, match=r"^initdb and pg_ctl are not on PATH nor in /usr/lib/postgresql/"):
        postgres.LocalSource().start()


@pytest.mark.usefixtures("no_services")
def test_local_redis_cannot_start_without_redis_server() -> None:
    with pytest.raises(SourceUnavailable, match=r"^redis-server is not on PATH$"):
        redis.LocalSource().start()


@pytest.mark.usefixtures("no_services")
def test_redis_env_var_that_is_not_a_redis_url_is_broken(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(redis.ENV, "http://:s3cret@cache.example:6379")

    result = redis.resolve_redis()

    assert isinstance(result, Unavailable)
    assert result.broken
    assert result.reason == "SENTIA_TEST_REDIS_URL=http://:***@cache.example:6379 is not a URL like redis://host:6379/0"


def test_a_malformed_redis_url_is_reported_without_connecting() -> None:
    problem = redis.connection_error("redis://cache.example:notaport/0")

    assert problem is not None
    assert problem.startswith("ValueError: ")
