"""Taking and restoring database dumps: `pg_dump -Fc` / `pg_restore` for PostgreSQL, the online backup API for
SQLite, with per-table row counts from the same snapshot so that a restore can be checked row for row.

Passwords reach pg_dump and pg_restore through PGPASSWORD in their environment, never on the command line.
"""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import sqlite3
from collections.abc import AsyncIterator, Callable, Iterable
from contextlib import asynccontextmanager, closing, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit

import asyncpg

READ_BYTES = 256 * 1024
_VERSION = re.compile(r"\(PostgreSQL\)\s+(\d+)")
_USER_RELATIONS = """
    SELECT n.nspname, c.relname FROM pg_catalog.pg_class c
    JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema')
      AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%'
    ORDER BY 1, 2
"""
_ANY_RELATION = """
    SELECT count(*) FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f') AND n.nspname NOT IN ('pg_catalog', 'information_schema')
      AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%'
"""
_SSL_PARAMETERS = {"sslmode": "PGSSLMODE", "ssl": "PGSSLMODE", "sslrootcert": "PGSSLROOTCERT"}


class DumpError(Exception):
    """A dump or restore failed; the message says why and what to do, never a password."""


@dataclass(frozen=True, slots=True)
class DumpInfo:
    """What a dump recorded about its source, kept in the backup header."""

    row_counts: dict[str, int]
    details: dict[str, Any] = field(default_factory=dict)


def dialect_of(url: str) -> str:
    """`postgresql` or `sqlite` for an async or plain database URL."""
    scheme = urlsplit(url).scheme.split("+", 1)[0]
    if scheme in ("postgresql", "postgres"):
        return "postgresql"
    if scheme == "sqlite":
        return "sqlite"
    raise DumpError(f"unsupported database URL scheme {scheme!r}: use postgresql:// or sqlite:///")


def plain_url(url: str) -> str:
    """The URL without the async driver (`postgresql+asyncpg://` to `postgresql://`), as libpq and asyncpg take it."""
    scheme, separator, rest = url.partition("://")
    base = scheme.split("+", 1)[0]
    return f"{'postgresql' if base == 'postgres' else base}{separator}{rest}"


def display_url(url: str) -> str:
    """The URL without its password, for manifests and messages."""
    plain = plain_url(url)
    parts = urlsplit(plain)
    if parts.password is None:
        return plain
    host = parts.netloc.rsplit("@", 1)[1]
    return parts._replace(netloc=f"{parts.username or ''}:***@{host}").geturl()


def sqlite_path(url: str) -> Path:
    """The file of a `sqlite:///path` URL; in-memory databases cannot be backed up."""
    path = urlsplit(plain_url(url)).path
    database = path[1:] if path.startswith("/") else path
    if not database or database == ":memory:":
        raise DumpError("an in-memory SQLite database cannot be backed up or restored: name a file (sqlite:///path)")
    return Path(unquote(database))


def libpq_environment(url: str) -> dict[str, str]:
    """PG* variables for pg_dump/pg_restore: the connection, password included, without a command-line argument."""
    parts = urlsplit(plain_url(url))
    environment = {"PGCONNECT_TIMEOUT": "10"}
    if parts.hostname:
        environment["PGHOST"] = parts.hostname
    if parts.port:
        environment["PGPORT"] = str(parts.port)
    if parts.username:
        environment["PGUSER"] = unquote(parts.username)
    if parts.password is not None:
        environment["PGPASSWORD"] = unquote(parts.password)
    database = unquote(parts.path.lstrip("/"))
    if database:
        environment["PGDATABASE"] = database
    for name, value in parse_qsl(parts.query):
        variable = _SSL_PARAMETERS.get(name)
        if variable == "PGSSLMODE" and value in ("true", "1"):
            value = "require"
        if variable is not None:
            environment[variable] = value
        if name == "host" and "PGHOST" not in environment:
            environment["PGHOST"] = value
    return environment


def database_name(url: str) -> str:
    name = unquote(urlsplit(plain_url(url)).path.lstrip("/"))
    if not name:
        raise DumpError("the PostgreSQL URL names no database (postgresql://user@host:5432/<database>)")
    return name


def _asyncpg_url(url: str) -> str:
    parts = urlsplit(plain_url(url))
    query = [(key, value) for key, value in parse_qsl(parts.query) if key != "host"]
    return parts._replace(query=urlencode(query)).geturl()


def find_tool(name: str, setting: str) -> str:
    """The path of a PostgreSQL client tool, or a DumpError that says how to install it."""
    path = shutil.which(name)
    if path is None:
        raise DumpError(
            f"{name} was not found: install the PostgreSQL client tools (e.g. the postgresql-client package of the "
            f"server's major version) or set {setting} to its path"
        )
    return path


async def tool_major_version(path: str) -> int:
    """The major version `pg_dump --version` (or pg_restore's) reports."""
    output = await _run_capture([path, "--version"], environment={})
    match = _VERSION.search(output)
    if match is None:
        raise DumpError(f"{Path(path).name} --version did not report a PostgreSQL version: {output.strip()[:200]}")
    return int(match.group(1))


async def _run_capture(argv: list[str], environment: dict[str, str]) -> str:
    process = await asyncio.create_subprocess_exec(
        *argv, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT, env=_environment(environment)
    )
    output, _ = await process.communicate()
    return output.decode("utf-8", "replace")


def _environment(extra: dict[str, str]) -> dict[str, str]:
    # Inherited PG* variables stay (PGPASSWORD or PGPASSFILE for a URL without a password); the URL's parts win.
    return {**os.environ, **extra}


@asynccontextmanager
async def _refusals(url: str) -> AsyncIterator[None]:
    """PostgreSQL errors (no permission on a table, a cancelled query) as a DumpError naming the database."""
    try:
        yield
    except asyncpg.PostgresError as error:
        raise DumpError(f"PostgreSQL at {display_url(url)} refused: {type(error).__name__}: {error}") from None


async def _connect(url: str) -> Any:
    try:
        return await asyncpg.connect(_asyncpg_url(url), timeout=10)
    except (OSError, asyncpg.PostgresError, TimeoutError) as error:
        raise DumpError(f"cannot connect to {display_url(url)}: {type(error).__name__}: {error}") from None


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _count_query(*names: str) -> str:
    """`SELECT count(*)` of a table named by the catalogue, each part a quoted identifier."""
    return "SELECT count(*) FROM " + ".".join(_quote(name) for name in names)  # noqa: S608 - quoted identifiers


async def _postgres_counts(connection: Any) -> dict[str, int]:
    counts: dict[str, int] = {}
    for schema, table in await connection.fetch(_USER_RELATIONS):
        name = table if schema == "public" else f"{schema}.{table}"
        counts[name] = int(await connection.fetchval(_count_query(schema, table)))
    return counts


def _stderr_tail(raw: bytes) -> str:
    lines = [line.strip() for line in raw.decode("utf-8", "replace").splitlines() if line.strip()]
    return " | ".join(lines[-5:]) or "no message"


async def dump_postgres(
    url: str, open_sink: Callable[[DumpInfo], Callable[[bytes], None]], *, pg_dump: str, setting: str
) -> DumpInfo:
    """Stream `pg_dump -Fc` of `url` into the sink `open_sink` returns once the row counts are known; the dump is
    taken from the snapshot the rows were counted in, so the counts describe exactly what it holds."""
    tool = find_tool(pg_dump, setting)
    tool_major = await tool_major_version(tool)
    connection = await _connect(url)
    try:
        server_major = int(await connection.fetchval("SHOW server_version_num")) // 10_000
        if server_major > tool_major:
            raise DumpError(
                f"pg_dump {tool_major} cannot dump a PostgreSQL {server_major} server: install the PostgreSQL "
                f"{server_major} client tools (or newer) or set {setting} to their pg_dump"
            )
        async with _refusals(url), connection.transaction(isolation="repeatable_read", readonly=True):
            snapshot = await connection.fetchval("SELECT pg_export_snapshot()")
            info = DumpInfo(
                await _postgres_counts(connection), {"server_major": server_major, "dump_tool_major": tool_major}
            )
            argv = [tool, "--format=custom", "--no-password", f"--snapshot={snapshot}"]
            await _stream_out(argv, libpq_environment(url), open_sink(info))
    finally:
        await connection.close()
    return info


async def _stream_out(argv: list[str], environment: dict[str, str], sink: Callable[[bytes], None]) -> None:
    process = await asyncio.create_subprocess_exec(
        *argv,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env=_environment(environment),
    )
    assert process.stdout is not None
    assert process.stderr is not None

    async def pump() -> None:
        assert process.stdout is not None
        while data := await process.stdout.read(READ_BYTES):
            sink(data)

    try:
        _, errors = await asyncio.gather(pump(), process.stderr.read())
        await process.wait()
    except BaseException:
        with suppress(ProcessLookupError):
            process.kill()
        await process.wait()
        raise
    if process.returncode != 0:
        raise DumpError(f"{Path(argv[0]).name} exited with status {process.returncode}: {_stderr_tail(errors)}")


async def restore_postgres(
    url: str, chunks: Iterable[bytes], *, pg_restore: str, setting: str, clean: bool, dump_major: int
) -> None:
    """Feed a custom-format dump to `pg_restore` in one transaction: on any error nothing is kept."""
    tool = find_tool(pg_restore, setting)
    tool_major = await tool_major_version(tool)
    if tool_major < dump_major:
        raise DumpError(
            f"the backup was made by pg_dump {dump_major}; pg_restore {tool_major} cannot read it: install the "
            f"PostgreSQL {dump_major} client tools (or newer) or set {setting} to their pg_restore"
        )
    argv = [tool, "--no-password", "--no-owner", "--no-privileges", "--single-transaction", "--exit-on-error"]
    if clean:
        argv += ["--clean", "--if-exists"]
    argv += ["--dbname", database_name(url)]
    process = await asyncio.create_subprocess_exec(
        *argv,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
        env=_environment(libpq_environment(url)),
    )
    assert process.stdin is not None
    assert process.stderr is not None

    async def feed() -> None:
        assert process.stdin is not None
        try:
            for chunk in chunks:
                process.stdin.write(chunk)
                await process.stdin.drain()
        except (BrokenPipeError, ConnectionResetError):
            return  # pg_restore stopped reading: its exit status and message say why
        process.stdin.close()

    try:
        _, errors = await asyncio.gather(feed(), process.stderr.read())
        await process.wait()
    except BaseException:
        # The transaction is still open: killing pg_restore rolls it back, so nothing of the stream is kept.
        with suppress(ProcessLookupError):
            process.kill()
        await process.wait()
        raise
    if process.returncode != 0:
        raise DumpError(f"pg_restore exited with status {process.returncode}: {_stderr_tail(errors)}")


async def postgres_is_empty(url: str) -> bool:
    connection = await _connect(url)
    try:
        async with _refusals(url):
            return int(await connection.fetchval(_ANY_RELATION)) == 0
    finally:
        await connection.close()


async def postgres_row_counts(url: str) -> dict[str, int]:
    connection = await _connect(url)
    try:
        async with _refusals(url):
            return await _postgres_counts(connection)
    finally:
        await connection.close()


def snapshot_sqlite(source: Path, destination: Path) -> DumpInfo:
    """Copy `source` into `destination` with the online backup API (consistent while the server writes)."""
    if not source.is_file():
        raise DumpError(f"the SQLite database {source} does not exist: nothing to back up")
    try:
        with closing(sqlite3.connect(source)) as reader, closing(sqlite3.connect(destination)) as writer:
            reader.backup(writer)
    except sqlite3.Error as error:
        raise DumpError(f"cannot read the SQLite database {source}: {error}") from None
    return DumpInfo(sqlite_row_counts(destination), {"sqlite_version": sqlite3.sqlite_version})


def sqlite_row_counts(path: Path) -> dict[str, int]:
    with closing(sqlite3.connect(path)) as connection:
        tables = [
            row[0]
            for row in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' "
                "ORDER BY name"
            )
        ]
        return {table: int(connection.execute(_count_query(table)).fetchone()[0]) for table in tables}


def database_exists(url: str) -> bool:
    """False for a SQLite file that does not exist yet (opening it would create it); True otherwise."""
    return dialect_of(url) != "sqlite" or sqlite_path(url).is_file()


def sqlite_is_empty(path: Path) -> bool:
    if not path.exists() or path.stat().st_size == 0:
        return True
    with closing(sqlite3.connect(path)) as connection:
        return int(connection.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]) == 0


def restore_sqlite(snapshot: Path, target: Path) -> None:
    """Replace `target` with `snapshot` through the backup API, after checking the snapshot is a sound database."""
    try:
        with closing(sqlite3.connect(snapshot)) as reader:
            verdict = reader.execute("PRAGMA integrity_check").fetchone()[0]
            if verdict != "ok":
                raise DumpError(f"the SQLite database in the backup fails its integrity check: {verdict}")
            target.parent.mkdir(parents=True, exist_ok=True)
            with closing(sqlite3.connect(target)) as writer:
                reader.backup(writer)
    except sqlite3.DatabaseError as error:
        raise DumpError(f"cannot restore the SQLite database into {target}: {error}") from None
