"""Redis for tests: where the server comes from, and a per-test key prefix that is emptied afterwards."""

from __future__ import annotations

import atexit
import secrets
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from . import containers
from ._core import (
    READY_TIMEOUT,
    EnvSource,
    Probe,
    ServiceHandle,
    Source,
    SourceStatus,
    SourceUnavailable,
    Unavailable,
    check,
    describe_error,
    free_port,
    log_tail,
    resolve,
    wait_until,
)

if TYPE_CHECKING:
    import redis

SERVICE = "Redis"
ENV = "SENTIA_TEST_REDIS_URL"
HINT = f"set {ENV}=redis://host:6379/0, or start Docker, or install Redis (redis-server)"
LOCAL_SOURCE_NAME = "local binaries"
CONNECT_TIMEOUT = 5.0
STOP_TIMEOUT = 5.0
"""Seconds a local redis-server gets to exit after SIGTERM before it is killed."""
KEY_PREFIX_ROOT = "sentia-test"
_GLOB_SPECIALS = "\\*?[]"


# A key prefix per test -------------------------------------------------------------------------------------------


def new_key_prefix() -> str:
    """A unique prefix like `sentia-test:0123456789ab:`."""
    return f"{KEY_PREFIX_ROOT}:{secrets.token_hex(6)}:"


def _client(url: str, timeout: float) -> redis.Redis:
    import redis

    return redis.Redis.from_url(url, socket_connect_timeout=timeout, socket_timeout=timeout)


def _escape_glob(text: str) -> str:
    return "".join(f"\\{char}" if char in _GLOB_SPECIALS else char for char in text)


def _unlink(client: redis.Redis, keys: list[bytes]) -> int:
    import redis

    try:
        return int(client.unlink(*keys))
    except redis.ResponseError as exc:
        if "unknown command" not in str(exc).lower():
            raise
        return int(client.delete(*keys))  # Redis < 4.0 has no UNLINK


def delete_keys(url: str, prefix: str, *, batch: int = 500) -> int:
    """Delete every key that starts with `prefix` (SCAN, then UNLINK in batches); return how many went."""
    if not prefix:
        raise ValueError("refusing to delete keys under an empty prefix: that would empty the whole database")
    client = _client(url, CONNECT_TIMEOUT)
    deleted = 0
    pending: list[bytes] = []
    try:
        for key in client.scan_iter(match=f"{_escape_glob(prefix)}*", count=batch):
            pending.append(key)
            if len(pending) >= batch:
                deleted += _unlink(client, pending)
                pending = []
        if pending:
            deleted += _unlink(client, pending)
    finally:
        client.close()
    return deleted


@contextmanager
def key_prefix(url: str) -> Iterator[str]:
    """A new key prefix whose keys are all deleted on exit."""
    prefix = new_key_prefix()
    try:
        yield prefix
    finally:
        delete_keys(url, prefix)


# Checking a server -----------------------------------------------------------------------------------------------


def connection_error(url: str, *, timeout: float = CONNECT_TIMEOUT) -> str | None:
    """Why the server at `url` does not answer PING, or None when it does."""
    try:
        client = _client(url, timeout)
    except Exception as exc:  # from_url rejects malformed URLs
        return describe_error(exc)
    try:
        client.ping()
    except Exception as exc:  # refused, timeout, auth required: all reported as-is
        return describe_error(exc)
    finally:
        client.close()
    return None


def wait_ready(url: str, *, what: str, timeout: float = READY_TIMEOUT) -> None:
    """Block until the server at `url` answers PING, or raise `SourceUnavailable` after `timeout` s."""
    wait_until(lambda: connection_error(url, timeout=2.0), what=what, timeout=timeout)


# Local binary ----------------------------------------------------------------------------------------------------


def find_redis_server() -> str | None:
    """The `redis-server` on PATH, if any."""
    return shutil.which("redis-server")


def _stop_process(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            process.kill()
    process.wait()


def start_local(binary: str, *, timeout: float = READY_TIMEOUT) -> ServiceHandle:
    """Start `redis-server` without persistence on a free port of 127.0.0.1, in a temporary directory.

    The handle's `stop()` stops the server and removes the directory (also registered with atexit).
    """
    tmp = Path(tempfile.mkdtemp(prefix="sentia-redis-"))
    try:
        process, port = _spawn(binary, tmp, timeout)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise

    def stop() -> None:
        try:
            _stop_process(process)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)

    handle = ServiceHandle(SERVICE, LOCAL_SOURCE_NAME, f"redis://127.0.0.1:{port}/0", stop_callback=stop)
    atexit.register(handle.stop)
    return handle


def _spawn(binary: str, tmp: Path, timeout: float) -> tuple[subprocess.Popen[bytes], int]:
    """Start the server and wait for PING, retrying on another port when the free one was taken meanwhile."""
    log_path = tmp / "redis.log"
    for _ in range(3):
        port = free_port()
        argv = [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        argv += ["--dir", str(tmp), "--daemonize", "no"]
        with log_path.open("ab") as log:
            # Our own argv: the redis-server found on PATH and fixed options.
            process = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, cwd=tmp)
        url = f"redis://127.0.0.1:{port}/0"
        deadline = time.monotonic() + timeout
        while process.poll() is None:
            problem = connection_error(url, timeout=1.0)
            if problem is None:
                return process, port
            if time.monotonic() >= deadline:
                _stop_process(process)
                raise SourceUnavailable(
                    f"redis-server on 127.0.0.1:{port} was not ready within {timeout:.0f} s; "
                    f"last error: {problem}; log: {log_tail(log_path)}"
                )
            time.sleep(0.05)
        if "already in use" not in log_path.read_text(errors="replace"):
            break
    raise SourceUnavailable(f"redis-server exited with status {process.returncode}; log: {log_tail(log_path)}")


# Sources ---------------------------------------------------------------------------------------------------------


class LocalSource:
    """A throwaway `redis-server` from this machine."""

    name = LOCAL_SOURCE_NAME

    def probe(self) -> Probe:
        binary = find_redis_server()
        if binary is None:
            return Probe(False, "redis-server is not on PATH")
        return Probe(True, f"{binary} on a free port, without persistence")

    def start(self) -> ServiceHandle:
        binary = find_redis_server()
        if binary is None:
            raise SourceUnavailable("redis-server is not on PATH")
        return start_local(binary)


def sources() -> list[Source]:
    """The sources in the order they are tried."""
    env = EnvSource(
        SERVICE, ENV, frozenset({"redis", "rediss", "unix"}), "redis://host:6379/0", connection_error, "answers PING"
    )
    return [env, containers.DockerSource(containers.start_redis), LocalSource()]


def resolve_redis() -> ServiceHandle | Unavailable:
    """A running Redis server from the first source that works, or what was tried and how to provide one."""
    return resolve(SERVICE, sources(), HINT)


def check_redis() -> list[SourceStatus]:
    """The dry check behind `sentia-testkit services`: each source's verdict, nothing started."""
    return check(sources())
