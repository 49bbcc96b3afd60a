"""URL handling for the dump tools, the SQLite snapshot, and the clear errors for missing or unsuitable tools."""

from __future__ import annotations

import sqlite3
import stat
from contextlib import closing
from pathlib import Path

import pytest

from sentia_server.backup import dumps
from sentia_server.backup.configuration import _without_password
from sentia_server.backup.dumps import (
    DumpError,
    database_exists,
    database_name,
    dialect_of,
    display_url,
    libpq_environment,
    plain_url,
    restore_sqlite,
    snapshot_sqlite,
    sqlite_is_empty,
    sqlite_path,
    sqlite_row_counts,
)

pytestmark = pytest.mark.anyio

PG = "postgresql+asyncpg://sentia:p%40ss@db.internal:6543/sentia_prod?sslmode=verify-full&sslrootcert=/ca.pem"


def test_dialects_and_plain_urls():
    assert dialect_of(PG) == "postgresql"
    assert dialect_of("postgres://u@h/d") == "postgresql"
    assert dialect_of("sqlite+aiosqlite:////tmp/x.db") == "sqlite"
    with pytest.raises(DumpError, match="unsupported database URL scheme 'mysql'"):
        dialect_of("mysql://u@h/d")
    assert plain_url(PG).startswith("postgresql://sentia:")
    assert plain_url("postgres://u@h/d") == "postgresql://u@h/d"
    assert plain_url("sqlite+aiosqlite:////tmp/x.db") == "sqlite:////tmp/x.db"


def test_display_url_hides_the_password():
    assert (
        display_url(PG)
        == "postgresql://sentia:***@db.internal:6543/sentia_prod?sslmode=verify-full&sslrootcert=/ca.pem"
    )
    assert display_url("sqlite+aiosqlite:////tmp/x.db") == "sqlite:////tmp/x.db"


def test_the_password_goes_to_the_environment_only():
    environment = libpq_environment(PG)
    assert environment == {
        "PGCONNECT_TIMEOUT": "10",
        "PGHOST": "db.internal",
        "PGPORT": "6543",
        "PGUSER": "sentia",
        "PGPASSWORD": "p@ss",
        "PGDATABASE": "sentia_prod",
        "PGSSLMODE": "verify-full",
        "PGSSLROOTCERT": "/ca.pem",
    }
    socket = libpq_environment("postgresql:///sentia?host=/run/postgresql&ssl=true")
    assert socket["PGHOST"] == "/run/postgresql"
    assert socket["PGSSLMODE"] == "require"
    assert "PGPASSWORD" not in socket
    assert libpq_environment("postgresql://u@h/d?host=/sock")["PGHOST"] == "h"
    assert "PGDATABASE" not in libpq_environment("postgresql://u@h")
    assert database_name(PG) == "sentia_prod"
    with pytest.raises(DumpError, match="names no database"):
        database_name("postgresql://u@h:5432")


def test_sqlite_paths():
    assert sqlite_path("sqlite+aiosqlite:////var/lib/sentia/sentia.db") == Path("/var/lib/sentia/sentia.db")
    assert sqlite_path("sqlite:///relative.db") == Path("relative.db")
    for url in ("sqlite://", "sqlite:///:memory:"):
        with pytest.raises(DumpError, match="in-memory SQLite"):
            sqlite_path(url)


def test_a_missing_tool_says_how_to_install_it():
    with pytest.raises(
        DumpError, match=r"pg_dump-missing was not found: install the PostgreSQL client tools .* SENTIA_BACKUP__PG_DUMP"
    ):
        dumps.find_tool("pg_dump-missing", "SENTIA_BACKUP__PG_DUMP")


def fake_tool(tmp_path: Path, output: str) -> str:
    script = tmp_path / "fake-tool"
    script.write_text(f"#!/bin/sh\necho '{output}'\n")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return str(script)


async def test_tool_versions_are_read_from_version_output(tmp_path: Path):
    assert await dumps.tool_major_version(fake_tool(tmp_path, "pg_dump (PostgreSQL) 16.4 (Debian)")) == 16
    with pytest.raises(DumpError, match="did not report a PostgreSQL version"):
        await dumps.tool_major_version(fake_tool(tmp_path, "something else"))


async def test_the_real_pg_dump_reports_its_version():
    if dumps.shutil.which("pg_dump") is None:
        pytest.skip("pg_dump is not installed")
    assert await dumps.tool_major_version(dumps.find_tool("pg_dump", "X")) >= 10


def make_db(path: Path, rows: int) -> None:
    with closing(sqlite3.connect(path)) as connection, connection:
        connection.execute('CREATE TABLE "odd ""name""" (id INTEGER PRIMARY KEY, value TEXT)')
        connection.executemany('INSERT INTO "odd ""name""" (value) VALUES (?)', [(str(n),) for n in range(rows)])


def test_sqlite_snapshot_and_restore(tmp_path: Path):
    source, snapshot, target = tmp_path / "source.db", tmp_path / "snapshot.db", tmp_path / "sub" / "target.db"
    make_db(source, 25)
    info = snapshot_sqlite(source, snapshot)
    assert info.row_counts == {'odd "name"': 25}
    assert info.details["sqlite_version"] == sqlite3.sqlite_version
    assert sqlite_is_empty(target)
    restore_sqlite(snapshot, target)
    assert sqlite_row_counts(target) == {'odd "name"': 25}
    assert not sqlite_is_empty(target)
    empty = tmp_path / "empty.db"
    empty.touch()
    assert sqlite_is_empty(empty)
    assert database_exists(f"sqlite:///{source}")
    assert not database_exists(f"sqlite:///{tmp_path / 'nope.db'}")
    assert database_exists("postgresql://u@h/d")


def test_sqlite_errors_are_clear(tmp_path: Path):
    with pytest.raises(DumpError, match="does not exist: nothing to back up"):
        snapshot_sqlite(tmp_path / "missing.db", tmp_path / "snapshot.db")
    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(b"not a database at all" * 100)
    with pytest.raises(DumpError, match="cannot read the SQLite database"):
        snapshot_sqlite(garbage, tmp_path / "snapshot.db")
    with pytest.raises(DumpError, match="cannot restore the SQLite database"):
        restore_sqlite(garbage, tmp_path / "target.db")


def test_a_snapshot_that_fails_its_integrity_check_is_not_restored(tmp_path: Path):
    source = tmp_path / "source.db"
    make_db(source, 2000)
    with closing(sqlite3.connect(source)) as connection:
        page_size = connection.execute("PRAGMA page_size").fetchone()[0]
    raw = bytearray(source.read_bytes())
    raw[page_size * 2 + 100 : page_size * 2 + 400] = bytes(300)  # damage a data page, keep the file header
    source.write_bytes(bytes(raw))
    target = tmp_path / "target.db"
    with pytest.raises(DumpError, match=r"integrity check|cannot restore"):
        restore_sqlite(source, target)
    assert sqlite_is_empty(target)


def test_passwords_are_removed_from_urls_in_settings():
    assert _without_password("redis://user:pw@host:6379/0") == "redis://user@host:6379/0"
    assert _without_password("http://[broken") == "http://[broken"
    assert _without_password("plain text") == "plain text"
    assert _without_password("https://example.com/x") == "https://example.com/x"


def test_inherited_libpq_variables_reach_the_tools_and_the_url_wins(monkeypatch):
    monkeypatch.setenv("PGPASSWORD", "from-the-environment")
    monkeypatch.setenv("PGHOST", "elsewhere")
    environment = dumps._environment(libpq_environment("postgresql://u@db.internal/sentia"))
    assert environment["PGPASSWORD"] == "from-the-environment"
    assert environment["PGHOST"] == "db.internal"


async def test_postgresql_refusals_name_the_database_not_the_password():
    import asyncpg

    with pytest.raises(DumpError, match=r"PostgreSQL at postgresql://u:\*\*\*@h/d refused: .*permission denied"):
        async with dumps._refusals("postgresql://u:secret-pw@h/d"):
            raise asyncpg.exceptions.InsufficientPrivilegeError("permission denied for table api_keys")
