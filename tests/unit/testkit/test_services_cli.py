"""`sentia-testkit services`: the dry check's output and exit status, with every probe faked."""

from __future__ import annotations

import subprocess
import sys
from importlib.metadata import entry_points

import pytest

from sentia_testkit import cli
from sentia_testkit.services import containers, postgres, redis


@pytest.mark.usefixtures("no_services")
def test_nothing_available_exits_1_and_says_why(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["services"]) == 1

    out = capsys.readouterr().out
    assert out.splitlines()[:8] == [
        "PostgreSQL: not available (tests needing PostgreSQL will be skipped, or error with SENTIA_REQUIRE_SERVICES=1)",
        "  [no  ] SENTIA_TEST_POSTGRES_URL: not set",
        "  [no  ] Docker (testcontainers): faked: no Docker engine",
        "  [no  ] local binaries: initdb and pg_ctl are not on PATH nor in /usr/lib/postgresql/*/bin",
        "Redis: not available (tests needing Redis will be skipped, or error with SENTIA_REQUIRE_SERVICES=1)",
        "  [no  ] SENTIA_TEST_REDIS_URL: not set",
        "  [no  ] Docker (testcontainers): faked: no Docker engine",
        "  [no  ] local binaries: redis-server is not on PATH",
    ]
    assert "To provide a service: set SENTIA_TEST_POSTGRES_URL=postgresql://user@host:5432/db" in out


@pytest.mark.usefixtures("no_services")
def test_both_available_exits_0_naming_the_chosen_source(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv(postgres.ENV, "postgresql://app:s3cret@db.example:5432/test")
    monkeypatch.setattr(postgres, "connection_error", lambda url, timeout=5.0: None)
    monkeypatch.setattr(redis, "find_redis_server", lambda: "/usr/bin/redis-server")

    assert cli.main(["services"]) == 0

    assert capsys.readouterr().out.splitlines() == [
        "PostgreSQL: would use SENTIA_TEST_POSTGRES_URL",
        "  [use ] SENTIA_TEST_POSTGRES_URL: postgresql://app:***@db.example:5432/test accepts connections",
        "  [no  ] Docker (testcontainers): faked: no Docker engine",
        "  [no  ] local binaries: initdb and pg_ctl are not on PATH nor in /usr/lib/postgresql/*/bin",
        "Redis: would use local binaries",
        "  [no  ] SENTIA_TEST_REDIS_URL: not set",
        "  [no  ] Docker (testcontainers): faked: no Docker engine",
        "  [use ] local binaries: /usr/bin/redis-server on a free port, without persistence",
    ]


@pytest.mark.usefixtures("no_services")
def test_a_later_usable_source_is_shown_as_also_available(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(containers, "unreachable_reason", lambda timeout=1.0: None)
    monkeypatch.setattr(redis, "find_redis_server", lambda: "/usr/bin/redis-server")

    cli.main(["services"])

    out = capsys.readouterr().out
    assert "Redis: would use Docker (testcontainers)" in out
    assert "  [also] local binaries: /usr/bin/redis-server on a free port, without persistence" in out


@pytest.mark.usefixtures("no_services")
def test_a_broken_env_var_exits_1_and_stops_there(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv(redis.ENV, "redis://127.0.0.1:1/0")
    monkeypatch.setattr(redis, "connection_error", lambda url, timeout=5.0: "ConnectionError: refused")
    monkeypatch.setattr(redis, "find_redis_server", lambda: "/usr/bin/redis-server")

    assert cli.main(["services"]) == 1

    lines = capsys.readouterr().out.splitlines()
    start = lines.index("Redis: ERROR, SENTIA_TEST_REDIS_URL is set but unusable (tests needing Redis will error)")
    assert lines[start + 1].startswith(
        "  [FAIL] SENTIA_TEST_REDIS_URL: SENTIA_TEST_REDIS_URL=redis://127.0.0.1:1/0 is set but that server cannot "
        "be used: ConnectionError: refused."
    )
    assert lines[start + 2] == "  (later sources are not tried while a configured one is broken)"


def test_help_lists_the_services_command(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["--help"])

    assert exit_info.value.code == 0
    assert "services  show where PostgreSQL and Redis for tests would come from" in capsys.readouterr().out


def test_a_command_is_required(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        cli.main([])

    assert exit_info.value.code == 2
    assert "the following arguments are required: COMMAND" in capsys.readouterr().err


def test_the_console_script_points_at_main() -> None:
    (script,) = entry_points(group="console_scripts", name="sentia-testkit")
    assert script.value == "sentia_testkit.cli:main"


def test_python_dash_m_runs_the_command(monkeypatch: pytest.MonkeyPatch) -> None:
    # Both URLs are malformed, so the dry check needs no server, Docker engine or binaries to reach its verdict.
    monkeypatch.setenv(postgres.ENV, "mysql://app@db.example/test")
    monkeypatch.setenv(redis.ENV, "memcached://cache.example:11211")

    result = subprocess.run(
        [sys.executable, "-m", "sentia_testkit.cli", "services"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert result.returncode == 1, result.stderr
    lines = result.stdout.splitlines()
    assert (
        "PostgreSQL: ERROR, SENTIA_TEST_POSTGRES_URL is set but unusable (tests needing PostgreSQL will error)" in lines
    )
    assert "Redis: ERROR, SENTIA_TEST_REDIS_URL is set but unusable (tests needing Redis will error)" in lines
    assert (
        "  [FAIL] SENTIA_TEST_REDIS_URL: SENTIA_TEST_REDIS_URL=memcached://cache.example:11211 is not a URL like "
        "redis://host:6379/0"
    ) in lines
