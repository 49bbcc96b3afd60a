"""The resolution order and its messages, with every probe faked: no server is contacted."""

from __future__ import annotations

import socket
import threading
from pathlib import Path

import pytest

from sentia_testkit.services import (
    Probe,
    ServiceHandle,
    SourceBroken,
    SourceUnavailable,
    Unavailable,
    containers,
    postgres,
    redis,
    requires_services,
)
from sentia_testkit.services._core import check, redact, resolve

NO_DOCKER = "faked: no Docker engine"  # what the `no_services` fixture makes the Docker probe say


class FakeSource:
    def __init__(self, name: str, probe: Probe | Exception, start: ServiceHandle | Exception | None = None) -> None:
        self.name = name
        self._probe = probe
        self._start = start
        self.probed = self.started = 0

    def probe(self) -> Probe:
        self.probed += 1
        if isinstance(self._probe, Exception):
            raise self._probe
        return self._probe

    def start(self) -> ServiceHandle:
        self.started += 1
        if isinstance(self._start, Exception):
            raise self._start
        assert self._start is not None
        return self._start


def _handle(source: str) -> ServiceHandle:
    return ServiceHandle("Thing", source, f"thing://{source}")


def _never(*args: object, **kwargs: object) -> object:
    raise AssertionError("this source must not be looked at")


# The generic loop ------------------------------------------------------------------------------------------------


def test_first_usable_source_wins_and_earlier_ones_are_recorded() -> None:
    env = FakeSource("ENV", Probe(False, "not set"))
    docker = FakeSource("docker", Probe(True, "answers"), _handle("docker"))
    local = FakeSource("local", Probe(True, "binaries"), _handle("local"))

    result = resolve("Thing", [env, docker, local], "hint")

    assert isinstance(result, ServiceHandle)
    assert result.source == "docker"
    assert [(a.source, a.reason) for a in result.passed_over] == [("ENV", "not set")]
    assert (local.probed, local.started) == (0, 0)


def test_a_source_that_fails_to_start_falls_through_to_the_next() -> None:
    docker = FakeSource("docker", Probe(True, "answers"), SourceUnavailable("image pull failed"))
    local = FakeSource("local", Probe(True, "binaries"), _handle("local"))

    result = resolve("Thing", [docker, local], "hint")

    assert isinstance(result, ServiceHandle)
    assert result.source == "local"
    assert [(a.source, a.reason) for a in result.passed_over] == [("docker", "image pull failed")]


def test_a_broken_configured_source_stops_resolution() -> None:
    env = FakeSource("ENV", SourceBroken("ENV=x is set but refused"))
    local = FakeSource("local", Probe(True, "binaries"), _handle("local"))

    result = resolve("Thing", [env, local], "hint")

    assert isinstance(result, Unavailable)
    assert result.broken
    assert result.reason == "ENV=x is set but refused"
    assert local.probed == 0


def test_nothing_usable_lists_every_attempt_and_the_hint() -> None:
    result = resolve(
        "Thing",
        [FakeSource("ENV", Probe(False, "not set")), FakeSource("docker", Probe(False, "no engine"))],
        "set ENV=thing://host",
    )

    assert isinstance(result, Unavailable)
    assert not result.broken
    assert result.reason == (
        "Thing is not available. Tried ENV: not set; docker: no engine. To provide one, set ENV=thing://host."
    )


def test_the_dry_check_starts_nothing_and_marks_the_first_usable_source() -> None:
    sources = [
        FakeSource("ENV", Probe(False, "not set")),
        FakeSource("docker", Probe(True, "answers")),
        FakeSource("local", Probe(True, "binaries")),
    ]

    statuses = check(sources)

    assert [(s.source, s.usable, s.selected) for s in statuses] == [
        ("ENV", False, False),
        ("docker", True, True),
        ("local", True, False),
    ]
    assert all(source.started == 0 for source in sources)


def test_the_dry_check_stops_at_a_broken_configured_source() -> None:
    local = FakeSource("local", Probe(True, "binaries"))

    statuses = check([FakeSource("ENV", SourceBroken("refused")), local])

    assert [(s.source, s.broken, s.detail) for s in statuses] == [("ENV", True, "refused")]
    assert local.probed == 0


def test_stop_is_idempotent() -> None:
    calls: list[str] = []
    handle = ServiceHandle("Thing", "local", "thing://x", stop_callback=lambda: calls.append("stop"))

    handle.stop()
    handle.stop()

    assert calls == ["stop"]


@pytest.mark.parametrize(("value", "expected"), [("1", True), ("true", True), ("yes", True), ("0", False), ("", False)])
def test_require_services_flag(monkeypatch: pytest.MonkeyPatch, value: str, expected: bool) -> None:
    monkeypatch.setenv("SENTIA_REQUIRE_SERVICES", value)
    assert requires_services() is expected


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("postgresql://app:s3cret@db:5432/test", "postgresql://app:***@db:5432/test"),
        ("postgresql://app@db:5432/test", "postgresql://app@db:5432/test"),
        ("redis://:s3cret@cache:6379/0", "redis://:***@cache:6379/0"),
    ],
)
def test_redact_masks_passwords(url: str, expected: str) -> None:
    assert redact(url) == expected


# PostgreSQL ------------------------------------------------------------------------------------------------------


@pytest.mark.usefixtures("no_services")
def test_postgres_env_var_wins_without_looking_at_docker(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(postgres.ENV, "postgresql://app@db.example:5432/test")
    monkeypatch.setattr(postgres, "connection_error", lambda url, timeout=5.0: None)
    monkeypatch.setattr(containers, "unreachable_reason", _never)
    monkeypatch.setattr(postgres, "find_binaries", _never)

    result = postgres.resolve_postgres()

    assert isinstance(result, ServiceHandle)
    assert (result.source, result.url) == ("SENTIA_TEST_POSTGRES_URL", "postgresql://app@db.example:5432/test")
    assert result.stop_callback is None


@pytest.mark.usefixtures("no_services")
def test_postgres_broken_env_var_names_it_and_does_not_fall_through(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(postgres.ENV, "postgresql://app:s3cret@db.example:5432/test")
    monkeypatch.setattr(postgres, "connection_error", lambda url, timeout=5.0: "ConnectionRefusedError: refused")
    monkeypatch.setattr(containers, "unreachable_reason", _never)

    result = postgres.resolve_postgres()

    assert isinstance(result, Unavailable)
    assert result.broken
    assert result.reason.startswith(
        "SENTIA_TEST_POSTGRES_URL=postgresql://app:***@db.example:5432/test is set but that server cannot be used: "
        "ConnectionRefusedError: refused. "
    )
    assert "unset SENTIA_TEST_POSTGRES_URL" in result.reason
    assert "s3cret" not in result.reason


@pytest.mark.usefixtures("no_services")
def test_postgres_env_var_that_is_not_a_postgres_url_is_broken(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(postgres.ENV, "mysql://app@db.example/test")

    result = postgres.resolve_postgres()

    assert isinstance(result, Unavailable)
    assert result.broken
    assert "SENTIA_TEST_POSTGRES_URL=mysql://app@db.example/test is not a URL like postgresql://" in result.reason


@pytest.mark.usefixtures("no_services")
def test_postgres_nothing_available_says_how_to_provide_one() -> None:
    result = postgres.resolve_postgres()

    assert isinstance(result, Unavailable)
    assert not result.broken
    assert result.reason == (
        "PostgreSQL is not available. Tried SENTIA_TEST_POSTGRES_URL: not set; "
        f"Docker (testcontainers): {NO_DOCKER}; "
        "local binaries: initdb and pg_ctl are not on PATH nor in /usr/lib/postgresql/*/bin. "
        "To provide one, set SENTIA_TEST_POSTGRES_URL=postgresql://user@host:5432/db, or start Docker, "
        "or install PostgreSQL (initdb and pg_ctl)."
    )


@pytest.mark.usefixtures("no_services")
def test_postgres_docker_comes_before_local_binaries(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(containers, "unreachable_reason", lambda timeout=1.0: None)
    monkeypatch.setattr(containers, "start_postgres", lambda: _handle("docker"))
    monkeypatch.setattr(postgres, "find_binaries", _never)

    result = postgres.resolve_postgres()

    assert isinstance(result, ServiceHandle)
    assert result.source == "docker"


@pytest.mark.usefixtures("no_services")
def test_postgres_docker_that_cannot_start_a_container_falls_back_to_local(monkeypatch: pytest.MonkeyPatch) -> None:
    def failing_start() -> ServiceHandle:
        raise SourceUnavailable("could not start a container from postgres:16-alpine: pull denied")

    monkeypatch.setattr(containers, "unreachable_reason", lambda timeout=1.0: None)
    monkeypatch.setattr(containers, "start_postgres", failing_start)
    monkeypatch.setattr(postgres, "find_binaries", lambda: ("/opt/pg/bin/initdb", "/opt/pg/bin/pg_ctl"))
    monkeypatch.setattr(postgres, "_is_root", lambda: False)
    monkeypatch.setattr(postgres, "start_local", lambda plan: _handle(f"local {plan.initdb}"))

    result = postgres.resolve_postgres()

    assert isinstance(result, ServiceHandle)
    assert result.source == "local /opt/pg/bin/initdb"
    assert result.passed_over[-1].reason.endswith("pull denied")


def test_local_plan_runs_directly_when_not_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(postgres, "find_binaries", lambda: ("/opt/pg/bin/initdb", "/opt/pg/bin/pg_ctl"))
    monkeypatch.setattr(postgres, "_is_root", lambda: False)

    plan = postgres.local_plan()

    assert isinstance(plan, postgres.LocalPlan)
    assert plan.command(["/opt/pg/bin/initdb", "-D", "/tmp/x"]) == ["/opt/pg/bin/initdb", "-D", "/tmp/x"]


def test_local_plan_as_root_switches_to_the_postgres_user(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(postgres, "find_binaries", lambda: ("/opt/pg/bin/initdb", "/opt/pg/bin/pg_ctl"))
    monkeypatch.setattr(postgres, "_is_root", lambda: True)
    monkeypatch.setattr(postgres, "_system_user_exists", lambda name: name == "postgres")
    monkeypatch.setattr(postgres.shutil, "which", lambda name: f"/usr/sbin/{name}" if name == "runuser" else None)

    plan = postgres.local_plan()

    assert isinstance(plan, postgres.LocalPlan)
    assert plan.command(["initdb", "-D", "/tmp/x"]) == [
        "/usr/sbin/runuser",
        "-u",
        "postgres",
        "--",
        "initdb",
        "-D",
        "/tmp/x",
    ]
    assert "run as the 'postgres' user via runuser" in plan.describe()


def test_local_plan_falls_back_to_su_with_a_quoted_command() -> None:
    plan = postgres.LocalPlan("initdb", "pg_ctl", user="postgres", switch="/bin/su")

    command = plan.command(["pg_ctl", "-o", "-p 5 -k /tmp/a b"])

    assert command == ["/bin/su", "-s", "/bin/sh", "postgres", "-c", "pg_ctl -o '-p 5 -k /tmp/a b'"]


def test_local_plan_as_root_without_a_postgres_user_is_unavailable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(postgres, "find_binaries", lambda: ("/opt/pg/bin/initdb", "/opt/pg/bin/pg_ctl"))
    monkeypatch.setattr(postgres, "_is_root", lambda: True)
    monkeypatch.setattr(postgres, "_system_user_exists", lambda name: False)

    assert postgres.local_plan() == (
        "running as root, which PostgreSQL refuses, and there is no 'postgres' system user to run it as"
    )


def test_local_plan_as_root_without_runuser_or_su_is_unavailable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(postgres, "find_binaries", lambda: ("/opt/pg/bin/initdb", "/opt/pg/bin/pg_ctl"))
    monkeypatch.setattr(postgres, "_is_root", lambda: True)
    monkeypatch.setattr(postgres, "_system_user_exists", lambda name: True)
    monkeypatch.setattr(postgres.shutil, "which", lambda name: None)

    reason = postgres.local_plan()

    assert reason == (
        "running as root, which PostgreSQL refuses, and neither runuser nor su is available to switch to 'postgres'"
    )


def test_binaries_come_from_path_first_then_the_newest_versioned_directory(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    for version in ("9.6", "13", "15", "16"):
        bindir = tmp_path / version / "bin"
        bindir.mkdir(parents=True)
        # 16 is incomplete (no pg_ctl), so 15 is the newest usable one.
        for tool in ("initdb",) if version == "16" else ("initdb", "pg_ctl"):
            (bindir / tool).write_text("#!/bin/sh\n")
            (bindir / tool).chmod(0o755)
    monkeypatch.setattr(postgres, "BINARY_DIRS", f"{tmp_path}/*/bin")
    monkeypatch.setattr(postgres.shutil, "which", lambda name: None)

    assert postgres.find_binaries() == (f"{tmp_path}/15/bin/initdb", f"{tmp_path}/15/bin/pg_ctl")

    monkeypatch.setattr(postgres.shutil, "which", lambda name: f"/usr/bin/{name}")
    assert postgres.find_binaries() == ("/usr/bin/initdb", "/usr/bin/pg_ctl")


@pytest.mark.parametrize("name", ["sentia_test_0123456789ab", "postgres", "a_1"])
def test_plain_database_names_are_quoted(name: str) -> None:
    assert postgres.quote_ident(name) == f'"{name}"'


@pytest.mark.parametrize("name", ["", "Upper", 'x"; DROP DATABASE y; --', "1abc", "a" * 64, "a-b"])
def test_other_database_names_are_refused(name: str) -> None:
    with pytest.raises(ValueError, match="is not a plain database name"):
        postgres.quote_ident(name)


def test_new_database_names_are_unique_and_valid() -> None:
    names = {postgres.new_database_name() for _ in range(50)}
    assert len(names) == 50
    for name in names:
        assert name.startswith("sentia_test_") and len(name) == len("sentia_test_") + 12
        postgres.quote_ident(name)


@pytest.mark.parametrize(
    ("server", "expected"),
    [
        ("postgresql://postgres@127.0.0.1:5432/test", "postgresql://postgres@127.0.0.1:5432/sentia_test_x"),
        ("postgresql://u:p@h:1", "postgresql://u:p@h:1/sentia_test_x"),
        ("postgres://u@h/test?sslmode=disable&dbname=test", "postgres://u@h/sentia_test_x?sslmode=disable"),
    ],
)
def test_database_url_points_at_the_new_database(server: str, expected: str) -> None:
    assert postgres.database_url(server, "sentia_test_x") == expected


# Redis -----------------------------------------------------------------------------------------------------------


@pytest.mark.usefixtures("no_services")
def test_redis_env_var_wins_without_looking_at_docker(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(redis.ENV, "redis://cache.example:6379/3")
    monkeypatch.setattr(redis, "connection_error", lambda url, timeout=5.0: None)
    monkeypatch.setattr(containers, "unreachable_reason", _never)

    result = redis.resolve_redis()

    assert isinstance(result, ServiceHandle)
    assert (result.source, result.url) == ("SENTIA_TEST_REDIS_URL", "redis://cache.example:6379/3")


@pytest.mark.usefixtures("no_services")
def test_redis_broken_env_var_names_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(redis.ENV, "redis://cache.example:6379/3")
    monkeypatch.setattr(redis, "connection_error", lambda url, timeout=5.0: "ConnectionError: refused")

    result = redis.resolve_redis()

    assert isinstance(result, Unavailable)
    assert result.broken
    assert result.reason.startswith(
        "SENTIA_TEST_REDIS_URL=redis://cache.example:6379/3 is set but that server cannot be used: "
        "ConnectionError: refused."
    )


@pytest.mark.usefixtures("no_services")
def test_redis_nothing_available_says_how_to_provide_one() -> None:
    result = redis.resolve_redis()

    assert isinstance(result, Unavailable)
    assert result.reason == (
        "Redis is not available. Tried SENTIA_TEST_REDIS_URL: not set; "
        f"Docker (testcontainers): {NO_DOCKER}; local binaries: redis-server is not on PATH. "
        "To provide one, set SENTIA_TEST_REDIS_URL=redis://host:6379/0, or start Docker, "
        "or install Redis (redis-server)."
    )


def test_key_prefixes_are_unique_and_namespaced() -> None:
    prefixes = {redis.new_key_prefix() for _ in range(50)}
    assert len(prefixes) == 50
    assert all(
        p.startswith("sentia-test:") and p.endswith(":") and len(p) == len("sentia-test::") + 12 for p in prefixes
    )


def test_an_empty_prefix_is_refused_before_connecting() -> None:
    with pytest.raises(ValueError, match="empty prefix"):
        redis.delete_keys("redis://127.0.0.1:1/0", "")


def test_glob_characters_in_a_prefix_are_escaped() -> None:
    assert redis._escape_glob("a*b?c[d]e\\f") == "a\\*b\\?c\\[d\\]e\\\\f"


# Docker probe ----------------------------------------------------------------------------------------------------


def _serve_once(path: Path, answer: bytes) -> threading.Thread:
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(str(path))
    server.listen(1)

    def serve() -> None:
        with server:
            connection, _ = server.accept()
            with connection:
                connection.recv(1024)
                connection.sendall(answer)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    return thread


def test_docker_probe_reports_a_missing_socket(monkeypatch: pytest.MonkeyPatch, socket_dir: Path) -> None:
    monkeypatch.setenv("DOCKER_HOST", f"unix://{socket_dir}/docker.sock")

    reason = containers.unreachable_reason()

    assert reason is not None
    assert reason.startswith(f"no Docker engine answers at unix://{socket_dir}/docker.sock: FileNotFoundError")


def test_docker_probe_accepts_an_engine_that_answers_ping(monkeypatch: pytest.MonkeyPatch, socket_dir: Path) -> None:
    thread = _serve_once(socket_dir / "docker.sock", b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nOK")
    monkeypatch.setenv("DOCKER_HOST", f"unix://{socket_dir}/docker.sock")

    assert containers.unreachable_reason() is None
    thread.join(timeout=5)


def test_docker_probe_rejects_an_engine_that_errors(monkeypatch: pytest.MonkeyPatch, socket_dir: Path) -> None:
    thread = _serve_once(socket_dir / "docker.sock", b"HTTP/1.1 500 Internal Server Error\r\n\r\n")
    monkeypatch.setenv("DOCKER_HOST", f"unix://{socket_dir}/docker.sock")

    reason = containers.unreachable_reason()

    assert reason is not None
    assert "/_ping answered 'HTTP/1.1 500 Internal Server Error'" in reason
    thread.join(timeout=5)


def test_docker_probe_without_testcontainers(monkeypatch: pytest.MonkeyPatch) -> None:
    real_find_spec = containers.importlib.util.find_spec
    monkeypatch.setattr(
        containers.importlib.util,
        "find_spec",
        lambda name, *args: None if name == "testcontainers" else real_find_spec(name, *args),
    )

    assert containers.unreachable_reason() == (
        "the testcontainers package is not installed (pip install 'sentia[testkit]')"
    )


def test_docker_host_default_is_named_in_the_reason(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DOCKER_HOST", raising=False)
    monkeypatch.setattr(containers, "DEFAULT_DOCKER_HOST", "unix:///nonexistent/docker.sock")

    reason = containers.unreachable_reason()

    assert reason is not None
    assert reason.startswith("no Docker engine answers at unix:///nonexistent/docker.sock (DOCKER_HOST is not set)")
