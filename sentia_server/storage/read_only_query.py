"""Runs one SQL statement that cannot change anything: a READ ONLY transaction with a statement timeout on
PostgreSQL, `PRAGMA query_only` and a deadline on SQLite, and at most a given number of rows fetched.

This module enforces read-only execution whatever the statement says; which statements are offered to it at all is
decided by the caller (`tools.database_query`).
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, cast

import aiosqlite
import asyncpg

from sentia_server.storage.database import Database

# How many SQLite virtual-machine instructions run between two deadline checks (microseconds of work).
_SQLITE_PROGRESS_STEPS = 1000
# Extra seconds the event loop waits for PostgreSQL's own statement timeout before giving up on the connection.
_GRACE_SECONDS = 2.0


class QueryTimeout(Exception):
    """The statement ran longer than its timeout and was cancelled."""


class QueryRefused(Exception):
    """The database refused the statement; the message is the database's own first line, which names the problem."""


@dataclass(frozen=True, slots=True)
class QueryResult:
    columns: list[str]
    rows: list[tuple[Any, ...]]
    truncated: bool


async def run_read_only(database: Database, sql: str, *, max_rows: int, time_limit: float) -> QueryResult:
    """Run `sql` on `database` in a read-only transaction and return at most `max_rows` rows. The drivers run a single
    statement only (asyncpg prepares one; sqlite3 refuses a second), whatever the text holds."""
    if database.dialect == "postgresql":
        return await _postgresql(database, sql, max_rows=max_rows, time_limit=time_limit)
    return await _sqlite(database, sql, max_rows=max_rows, time_limit=time_limit)


async def _postgresql(database: Database, sql: str, *, max_rows: int, time_limit: float) -> QueryResult:
    async with database.engine.connect() as connection:
        raw = await connection.get_raw_connection()
        driver: asyncpg.Connection = raw.driver_connection
        try:
            async with asyncio.timeout(time_limit + _GRACE_SECONDS):
                async with driver.transaction(readonly=True):
                    await driver.execute(f"SET LOCAL statement_timeout = {max(int(time_limit * 1000), 1)}")
                    statement = await driver.prepare(sql)
                    columns = [attribute.name for attribute in statement.get_attributes()]
                    # A portal fetched once: the server stops after max_rows + 1 rows (enough to know "truncated").
                    cursor = await statement.cursor()
                    rows = await cursor.fetch(max_rows + 1)
                    # Leaving the block commits a transaction that could not write anything.
        except asyncpg.QueryCanceledError:
            raise QueryTimeout() from None
        except TimeoutError:
            await connection.invalidate()  # the server may still be working on it: never reuse this connection
            raise QueryTimeout() from None
        except asyncpg.PostgresError as error:
            raise QueryRefused(_first_line(str(error))) from None
    return _result(columns, [tuple(row) for row in rows], max_rows)


async def _sqlite(database: Database, sql: str, *, max_rows: int, time_limit: float) -> QueryResult:
    async with database.engine.connect() as connection:
        raw = await connection.get_raw_connection()
        driver = cast("aiosqlite.Connection", raw.driver_connection)
        await driver.execute("PRAGMA query_only = ON")
        await driver.set_progress_handler(_deadline(time.monotonic() + time_limit), _SQLITE_PROGRESS_STEPS)
        try:
            cursor = await driver.execute(sql)
            try:
                rows = await cursor.fetchmany(max_rows + 1)
                columns = [str(column[0]) for column in cursor.description or ()]
            finally:
                await cursor.close()
        except sqlite3.OperationalError as error:
            if str(error) == "interrupted":
                raise QueryTimeout() from None
            raise QueryRefused(_first_line(str(error))) from None
        except sqlite3.Error as error:
            raise QueryRefused(_first_line(str(error))) from None
        finally:
            await driver.rollback()
            # None removes the handler (sqlite3 allows it; aiosqlite's annotation does not say so).
            await driver.set_progress_handler(None, _SQLITE_PROGRESS_STEPS)  # type: ignore[arg-type]
            await driver.execute("PRAGMA query_only = OFF")
    return _result(columns, [tuple(row) for row in rows], max_rows)


def _deadline(at: float) -> Callable[[], int]:
    """A SQLite progress handler that aborts the running statement once `at` (monotonic seconds) has passed."""

    def check() -> int:
        return 1 if time.monotonic() > at else 0

    return check


def _result(columns: list[str], rows: Sequence[tuple[Any, ...]], max_rows: int) -> QueryResult:
    return QueryResult(columns=columns, rows=list(rows[:max_rows]), truncated=len(rows) > max_rows)


def _first_line(message: str) -> str:
    return message.strip().splitlines()[0] if message.strip() else "no reason given"
