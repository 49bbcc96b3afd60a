"""PostgreSQL for tests: where the server comes from, and a fresh, empty database per test on it."""

from __future__ import annotations

import atexit
import glob
import os
import re
import secrets
import shlex
import shutil
import subprocess
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

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
    redact,
    resolve,
    run_async,
    wait_until,
)

SERVICE = "PostgreSQL"
ENV = "SENTIA_TEST_POSTGRES_URL"
HINT = f"set {ENV}=postgresql://user@host:5432/db, or start Docker, or install PostgreSQL (initdb and pg_ctl)"
LOCAL_SOURCE_NAME = "local binaries"
BINARY_DIRS = "/usr/lib/postgresql/*/bin"
SYSTEM_USER = "postgres"
"""The system user a root process runs the server as: PostgreSQL refuses to run as root."""
CONNECT_TIMEOUT = 5.0
DATABASE_PREFIX = "sentia_test_"
_IDENTIFIER = re.compile(r"[a-z_][a-z0-9_]{0,62}")


# A fresh database per test ------------------------------------------------------------------------------------


def new_database_name() -> str:
    """A unique name like `sentia_test_0123456789ab`."""
    return f"{DATABASE_PREFIX}{secrets.token_hex(6)}"


def quote_ident(name: str) -> str:
    """The database name as a quoted SQL identifier; anything but a plain lower-case name is refused."""
    if not _IDENTIFIER.fullmatch(name):
        raise ValueError(f"{name!r} is not a plain database name (lower-case letters, digits, _; at most 63)")
    return '"' + name.replace('"', '""') + '"'


def database_url(server_url: str, name: str) -> str:
    """`server_url` pointing at database `name` instead of the maintenance database."""
    parts = urlsplit(server_url)
    query = [
        (key, value)
        for key, value in parse_qsl(parts.query, keep_blank_values=True)
        if key not in {"dbname", "database"}
    ]
    return urlunsplit(parts._replace(path=f"/{name}", query=urlencode(query)))


def _asyncpg() -> Any:
    """asyncpg, imported on first use so that loading the plugin stays cheap."""
    import asyncpg

    return asyncpg


async def _create(server_url: str, name: str) -> None:
    asyncpg = _asyncpg()
    connection = await asyncpg.connect(server_url, timeout=CONNECT_TIMEOUT)
    try:
        await connection.execute(f"CREATE DATABASE {quote_ident(name)}")
    finally:
        await connection.close()


async def _drop(server_url: str, name: str) -> None:
    asyncpg = _asyncpg()
    connection = await asyncpg.connect(server_url, timeout=CONNECT_TIMEOUT)
    try:
        if connection.get_server_version().major >= 13:
            # FORCE ends connections a test left open, which would otherwise block the drop.
            await connection.execute(f"DROP DATABASE IF EXISTS {quote_ident(name)} WITH (FORCE)")
        else:
            await connection.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()",
                name,
            )
            await connection.execute(f"DROP DATABASE IF EXISTS {quote_ident(name)}")
    finally:
        await connection.close()


def create_database(server_url: str, name: str | None = None) -> str:
    """Create an empty database on the server `server_url` (a maintenance connection) and return its URL."""
    name = name or new_database_name()
    quote_ident(name)
    try:
        run_async(_create(server_url, name))
    except Exception as exc:
        raise RuntimeError(
            f"could not create test database {name} on {redact(server_url)}: {describe_error(exc)}"
        ) from exc
    return database_url(server_url, name)


def drop_database(server_url: str, name: str) -> None:
    """Drop database `name`, ending any connection still open to it."""
    quote_ident(name)
    try:
        run_async(_drop(server_url, name))
    except Exception as exc:
        raise RuntimeError(
            f"could not drop test database {name} on {redact(server_url)}: {describe_error(exc)}"
        ) from exc


@contextmanager
def temporary_database(server_url: str) -> Iterator[str]:
    """The URL of a new empty database that is dropped on exit."""
    name = new_database_name()
    url = create_database(server_url, name)
    try:
        yield url
    finally:
        drop_database(server_url, name)


# Checking a server ----------------------------------------------------------------------------------------------


async def _connection_problem(url: str, connect_timeout: float, need_createdb: bool) -> str | None:
    asyncpg = _asyncpg()
    try:
        connection = await asyncpg.connect(url, timeout=connect_timeout)
    except Exception as exc:  # refused, unknown host, bad password, missing database, timeout: all reported as-is
        return describe_error(exc)
    try:
        if need_createdb:
            allowed = await connection.fetchval(
                "SELECT rolcreatedb OR rolsuper FROM pg_roles WHERE rolname = current_user"
            )
            if not allowed:
                user = await connection.fetchval("SELECT current_user")
                return f"role {user} may not create databases (ALTER ROLE {user} CREATEDB)"
        else:
            await connection.fetchval("SELECT 1")
    finally:
        await connection.close()
    return None


def connection_error(url: str, *, timeout: float = CONNECT_TIMEOUT) -> str | None:
    """Why `url` cannot serve as the maintenance connection for per-test databases, or None when it can."""
    return run_async(_connection_problem(url, timeout, need_createdb=True))


def wait_ready(url: str, *, what: str, timeout: float = READY_TIMEOUT) -> None:
    """Block until the server at `url` accepts connections, or raise `SourceUnavailable` after `timeout` s."""
    wait_until(lambda: run_async(_connection_problem(url, 2.0, need_createdb=False)), what=what, timeout=timeout)


# Local binaries -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LocalPlan:
    """The binaries to run and, when this process is root, the system user and switch command to run them as."""

    initdb: str
    pg_ctl: str
    user: str | None = None
    switch: str | None = None
    """Path of `runuser` or `su`, when `user` is set."""

    def command(self, argv: Sequence[str]) -> list[str]:
        if self.user is None or self.switch is None:
            return list(argv)
        if Path(self.switch).name == "runuser":
            return [self.switch, "-u", self.user, "--", *argv]
        return [self.switch, "-s", "/bin/sh", self.user, "-c", shlex.join(argv)]

    def describe(self) -> str:
        where = f"{Path(self.initdb).parent}"
        if self.user is None:
            return f"initdb and pg_ctl in {where}"
        return f"initdb and pg_ctl in {where}, run as the '{self.user}' user via {Path(self.switch or '').name}"

    def run(
        self, argv: Sequence[str], *, cwd: Path, timeout: float, check: bool = True
    ) -> subprocess.CompletedProcess[str]:
        try:
            result = subprocess.run(
                self.command(argv), cwd=cwd, capture_output=True, text=True, timeout=timeout, check=False
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise SourceUnavailable(f"{Path(argv[0]).name} failed: {describe_error(exc)}") from exc
        if check and result.returncode != 0:
            output = " | ".join((result.stderr or result.stdout).strip().splitlines()[-5:])
            raise SourceUnavailable(f"{Path(argv[0]).name} exited with status {result.returncode}: {output}")
        return result


def _version_key(bindir: str) -> tuple[int, ...]:
    return tuple(int(part) for part in Path(bindir).parent.name.split(".") if part.isdigit())


def find_binaries() -> tuple[str, str] | None:
    """`(initdb, pg_ctl)` from PATH, else from the newest /usr/lib/postgresql/*/bin; None when neither has both."""
    initdb, pg_ctl = shutil.which("initdb"), shutil.which("pg_ctl")
    if initdb and pg_ctl:
        return initdb, pg_ctl
    for bindir in sorted(glob.glob(BINARY_DIRS), key=_version_key, reverse=True):
        initdb, pg_ctl = os.path.join(bindir, "initdb"), os.path.join(bindir, "pg_ctl")
        if os.access(initdb, os.X_OK) and os.access(pg_ctl, os.X_OK):
            return initdb, pg_ctl
    return None


def _is_root() -> bool:
    geteuid = getattr(os, "geteuid", None)
    return geteuid is not None and geteuid() == 0


def _system_user_exists(name: str) -> bool:
    import pwd

    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True


def local_plan() -> LocalPlan | str:
    """How the local binaries would be run, or why they cannot be."""
    binaries = find_binaries()
    if binaries is None:
        return f"initdb and pg_ctl are not on PATH nor in {BINARY_DIRS}"
    initdb, pg_ctl = binaries
    if not _is_root():
        return LocalPlan(initdb, pg_ctl)
    if not _system_user_exists(SYSTEM_USER):
        return f"running as root, which PostgreSQL refuses, and there is no '{SYSTEM_USER}' system user to run it as"
    switch = shutil.which("runuser") or shutil.which("su")
    if switch is None:
        return (
            "running as root, which PostgreSQL refuses, "
            f"and neither runuser nor su is available to switch to '{SYSTEM_USER}'"
        )
    return LocalPlan(initdb, pg_ctl, user=SYSTEM_USER, switch=switch)


def start_local(plan: LocalPlan, *, timeout: float = READY_TIMEOUT) -> ServiceHandle:
    """initdb a throwaway cluster in a temporary directory and start it on a free port of 127.0.0.1.

    The handle's `stop()` stops the server and removes the directory (also registered with atexit).
    """
    owner = None
    if plan.user is not None:
        import pwd

        owner = pwd.getpwnam(plan.user)
    # The server's user must be able to reach the directory, and $TMPDIR may be private to root: use that user's
    # home directory, which it can always traverse.
    base = owner.pw_dir if owner is not None and os.path.isdir(owner.pw_dir) else None
    tmp = Path(tempfile.mkdtemp(prefix="sentia-pg-", dir=base))
    data, log = tmp / "data", tmp / "postgres.log"
    try:
        if owner is not None:
            os.chown(tmp, owner.pw_uid, owner.pw_gid)
        initdb = [plan.initdb, "-D", str(data), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C"]
        plan.run([*initdb, "--no-sync"], cwd=tmp, timeout=timeout)
        port = _pg_ctl_start(plan, tmp, data, log, timeout)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise

    def stop() -> None:
        try:
            stop_now = [plan.pg_ctl, "-D", str(data), "-m", "immediate", "-w", "stop"]
            plan.run(stop_now, cwd=tmp, timeout=timeout, check=False)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)

    url = f"postgresql://postgres@127.0.0.1:{port}/postgres"
    handle = ServiceHandle(SERVICE, LOCAL_SOURCE_NAME, url, stop_callback=stop)
    atexit.register(handle.stop)
    try:
        wait_ready(url, what=f"PostgreSQL from {Path(plan.pg_ctl).parent} on 127.0.0.1:{port}", timeout=timeout)
    except SourceUnavailable as exc:
        tail = log_tail(log)
        handle.stop()
        raise SourceUnavailable(f"{exc}; server log: {tail}") from exc
    return handle


def _pg_ctl_start(plan: LocalPlan, tmp: Path, data: Path, log: Path, timeout: float) -> int:
    """Start the server, retrying on another port when the free one was taken in the meantime."""
    for _ in range(3):
        port = free_port()
        options = " ".join(
            [
                f"-p {port}",
                f"-k {shlex.quote(str(tmp))}",
                "-c listen_addresses=127.0.0.1",
                "-c fsync=off",
                "-c full_page_writes=off",
                "-c synchronous_commit=off",
            ]
        )
        start = [plan.pg_ctl, "-D", str(data), "-l", str(log), "-o", options, "-w", "-t", str(int(timeout)), "start"]
        result = plan.run(start, cwd=tmp, timeout=timeout + 5, check=False)
        if result.returncode == 0:
            return port
        log_text = log.read_text(errors="replace") if log.exists() else ""
        if "already in use" not in log_text:
            break
    raise SourceUnavailable(f"pg_ctl start exited with status {result.returncode}; server log: {log_tail(log)}")


# Sources --------------------------------------------------------------------------------------------------------


class LocalSource:
    """A throwaway cluster from the PostgreSQL binaries installed on this machine."""

    name = LOCAL_SOURCE_NAME

    def probe(self) -> Probe:
        plan = local_plan()
        return Probe(False, plan) if isinstance(plan, str) else Probe(True, plan.describe())

    def start(self) -> ServiceHandle:
        plan = local_plan()
        if isinstance(plan, str):
            raise SourceUnavailable(plan)
        return start_local(plan)


def sources() -> list[Source]:
    """The sources in the order they are tried."""
    env = EnvSource(
        SERVICE,
        ENV,
        frozenset({"postgresql", "postgres"}),
        "postgresql://user@host:5432/db",
        connection_error,
        "accepts connections",
    )
    return [env, containers.DockerSource(containers.start_postgres), LocalSource()]


def resolve_postgres() -> ServiceHandle | Unavailable:
    """A running PostgreSQL server from the first source that works, or what was tried and how to provide one."""
    return resolve(SERVICE, sources(), HINT)


def check_postgres() -> list[SourceStatus]:
    """The dry check behind `sentia-testkit services`: each source's verdict, nothing started."""
    return check(sources())
