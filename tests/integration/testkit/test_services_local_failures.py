"""The local-binary sources when the binaries misbehave: small shell scripts stand in for initdb, pg_ctl and
redis-server, so that every failure is a real process exiting, hanging or never listening."""

from __future__ import annotations

import os
import signal
import subprocess
import tempfile
from pathlib import Path

import pytest

from sentia_testkit.services import SourceUnavailable, postgres
from sentia_testkit.services import redis as redis_service
from sentia_testkit.services._core import free_port

IN_USE = 'could not bind IPv4 address "127.0.0.1": Address already in use'


@pytest.fixture
def temp_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Where the sources create their temporary directories, to see that none is left behind."""
    root = tmp_path / "tmp"
    root.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(root))
    return root


def _script(path: Path, body: str) -> str:
    path.write_text(f"#!/bin/sh\n{body}\n")
    path.chmod(0o755)
    return str(path)


def _calls(path: Path) -> list[str]:
    return path.read_text().splitlines() if path.exists() else []


# Running a binary ------------------------------------------------------------------------------------------------


def test_a_binary_that_cannot_be_run_is_unavailable(tmp_path: Path) -> None:
    plan = postgres.LocalPlan(str(tmp_path / "missing" / "initdb"), str(tmp_path / "missing" / "pg_ctl"))

    with pytest.raises(SourceUnavailable, match=r"^initdb failed: FileNotFoundError: "):
        plan.run([plan.initdb, "--version"], cwd=tmp_path, timeout=5)


def test_a_binary_that_hangs_is_unavailable_after_the_timeout(tmp_path: Path) -> None:
    plan = postgres.LocalPlan(_script(tmp_path / "initdb", "exec sleep 30"), str(tmp_path / "pg_ctl"))

    with pytest.raises(SourceUnavailable, match=r"^initdb failed: TimeoutExpired: .* timed out after 0\.3 seconds$"):
        plan.run([plan.initdb], cwd=tmp_path, timeout=0.3)


def test_a_failing_binary_reports_its_status_and_last_error_lines(tmp_path: Path) -> None:
    plan = postgres.LocalPlan(_script(tmp_path / "initdb", "seq 1 8 >&2; exit 3"), str(tmp_path / "pg_ctl"))
    quiet = _script(tmp_path / "pg_ctl", "echo 'no server running'; exit 4")

    with pytest.raises(SourceUnavailable) as raised:
        plan.run([plan.initdb], cwd=tmp_path, timeout=5)

    assert str(raised.value) == "initdb exited with status 3: 4 | 5 | 6 | 7 | 8"
    with pytest.raises(SourceUnavailable, match=r"^pg_ctl exited with status 4: no server running$"):
        plan.run([quiet, "status"], cwd=tmp_path, timeout=5)
    assert plan.run([quiet, "status"], cwd=tmp_path, timeout=5, check=False).returncode == 4


# PostgreSQL from local binaries ----------------------------------------------------------------------------------


def _postgres_plan(tmp_path: Path, *, initdb: str = 'mkdir -p "$2"', start: str) -> postgres.LocalPlan:
    """initdb and pg_ctl scripts; pg_ctl records each call in tmp_path/pg_ctl.calls, its log file is "$4" on start."""
    bindir = tmp_path / "bin"
    bindir.mkdir()
    pg_ctl = f"""echo "$*" >> {tmp_path}/pg_ctl.calls
case "$*" in
  *" start") {start} ;;
esac"""
    return postgres.LocalPlan(_script(bindir / "initdb", initdb), _script(bindir / "pg_ctl", pg_ctl))


def test_a_failing_initdb_is_unavailable_and_leaves_nothing_behind(tmp_path: Path, temp_root: Path) -> None:
    plan = _postgres_plan(
        tmp_path,
        initdb='echo "initdb: error: could not create directory \\"$2\\": No space left on device" >&2; exit 1',
        start="exit 0",
    )

    with pytest.raises(SourceUnavailable, match=r"^initdb exited with status 1: .*No space left on device$"):
        postgres.start_local(plan)

    assert list(temp_root.iterdir()) == []
    assert _calls(tmp_path / "pg_ctl.calls") == []


def test_a_port_taken_in_the_meantime_is_retried_on_other_ports(tmp_path: Path, temp_root: Path) -> None:
    plan = _postgres_plan(tmp_path, start=f"echo 'FATAL:  {IN_USE}' >> \"$4\"; exit 1")

    with pytest.raises(SourceUnavailable) as raised:
        postgres.start_local(plan)

    assert (
        str(raised.value) == f"pg_ctl start exited with status 1; server log: {' | '.join([f'FATAL:  {IN_USE}'] * 3)}"
    )
    assert [call.split()[-1] for call in _calls(tmp_path / "pg_ctl.calls")] == ["start"] * 3
    assert list(temp_root.iterdir()) == []


def test_any_other_start_failure_is_not_retried(tmp_path: Path, temp_root: Path) -> None:
    plan = _postgres_plan(tmp_path, start="echo 'FATAL:  data directory has invalid permissions' >> \"$4\"; exit 1")

    with pytest.raises(SourceUnavailable) as raised:
        postgres.start_local(plan)

    assert str(raised.value) == (
        "pg_ctl start exited with status 1; server log: FATAL:  data directory has invalid permissions"
    )
    assert len(_calls(tmp_path / "pg_ctl.calls")) == 1
    assert list(temp_root.iterdir()) == []


def test_a_server_that_never_accepts_connections_is_stopped_and_its_log_shown(tmp_path: Path, temp_root: Path) -> None:
    plan = _postgres_plan(tmp_path, start="echo 'LOG:  starting PostgreSQL, listening nowhere' >> \"$4\"; exit 0")

    with pytest.raises(SourceUnavailable) as raised:
        postgres.start_local(plan, timeout=1)

    message = str(raised.value)
    assert message.startswith(f"PostgreSQL from {tmp_path / 'bin'} on 127.0.0.1:")
    assert " was not ready within 1 s; last error: " in message
    assert message.endswith("; server log: LOG:  starting PostgreSQL, listening nowhere")
    start, stop = _calls(tmp_path / "pg_ctl.calls")
    assert start.endswith(" start")
    assert stop.endswith(" -m immediate -w stop")
    assert list(temp_root.iterdir()) == []


# redis-server from the local binary ------------------------------------------------------------------------------


def test_a_redis_server_that_exits_is_unavailable_with_its_log(tmp_path: Path, temp_root: Path) -> None:
    binary = _script(tmp_path / "redis-server", f"echo x >> {tmp_path}/calls; echo '# FATAL CONFIG FILE ERROR'; exit 1")

    with pytest.raises(SourceUnavailable, match=r"^redis-server exited with status 1; log: # FATAL CONFIG FILE ERROR$"):
        redis_service.start_local(binary)

    assert len(_calls(tmp_path / "calls")) == 1
    assert list(temp_root.iterdir()) == []


def test_a_redis_port_taken_in_the_meantime_is_retried_on_other_ports(tmp_path: Path, temp_root: Path) -> None:
    complaint = "# Could not create server TCP listening socket 127.0.0.1:$2: bind: Address already in use"
    binary = _script(tmp_path / "redis-server", f'echo x >> {tmp_path}/calls; echo "{complaint}"; exit 1')

    with pytest.raises(SourceUnavailable, match=r"^redis-server exited with status 1; log: .*Address already in use$"):
        redis_service.start_local(binary)

    assert len(_calls(tmp_path / "calls")) == 3
    assert list(temp_root.iterdir()) == []


def test_a_redis_server_that_never_answers_is_stopped(tmp_path: Path, temp_root: Path) -> None:
    binary = _script(tmp_path / "redis-server", f"echo $$ > {tmp_path}/pid; exec sleep 30")

    with pytest.raises(SourceUnavailable) as raised:
        redis_service.start_local(binary, timeout=1)

    assert str(raised.value).startswith("redis-server on 127.0.0.1:")
    assert " was not ready within 1 s; last error: ConnectionError: " in str(raised.value)
    with pytest.raises(ProcessLookupError):
        os.kill(int((tmp_path / "pid").read_text()), 0)
    assert list(temp_root.iterdir()) == []


def test_stopping_a_server_that_already_exited_leaves_its_status() -> None:
    with subprocess.Popen(["/bin/sh", "-c", "exit 3"]) as process:
        process.wait()

        redis_service._stop_process(process)

    assert process.returncode == 3


def test_a_server_that_ignores_sigterm_is_killed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(redis_service, "STOP_TIMEOUT", 0.2)
    stubborn = ["/bin/sh", "-c", 'trap "" TERM; echo ready; exec sleep 30']
    with subprocess.Popen(stubborn, stdout=subprocess.PIPE) as process:
        assert process.stdout is not None and process.stdout.readline() == b"ready\n"

        redis_service._stop_process(process)

    assert process.returncode == -signal.SIGKILL


def test_a_server_is_stopped_with_sigterm() -> None:
    with subprocess.Popen(["sleep", "30"]) as process:
        redis_service._stop_process(process)

    assert process.returncode == -signal.SIGTERM


# Databases on a server that is not there ---------------------------------------------------------------------------


def test_creating_or_dropping_a_database_on_an_unreachable_server_fails_without_the_password() -> None:
    server = f"postgresql://app:s3cret@127.0.0.1:{free_port()}/postgres"
    redacted = server.replace("s3cret", "***")

    with pytest.raises(RuntimeError) as created:
        postgres.create_database(server, "sentia_test_unreachable")
    with pytest.raises(RuntimeError) as dropped:
        postgres.drop_database(server, "sentia_test_unreachable")

    assert str(created.value).startswith(f"could not create test database sentia_test_unreachable on {redacted}: ")
    assert str(dropped.value).startswith(f"could not drop test database sentia_test_unreachable on {redacted}: ")
    assert "s3cret" not in str(created.value) + str(dropped.value)
