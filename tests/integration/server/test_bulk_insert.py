"""Batches of rows are written in few statements, and stored exactly as the ORM would store them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event, select, text

from sentia_server.storage.bulk_insert import SQLITE_MAX_VARIABLES, insert_rows
from sentia_server.storage.database import Database
from sentia_server.storage.tables import ToolExecution

pytestmark = pytest.mark.anyio

TABLE = ToolExecution.metadata.tables[ToolExecution.__tablename__]
STARTED = datetime(2026, 11, 27, 9, 30, 15, 123456, tzinfo=UTC)


def row(number: int) -> dict[str, object]:
    return {
        "principal_subject": f"api-key:{number}",
        "principal_role": "operator",
        "tenant": "acme" if number % 2 else "globex",
        "auth_method": "api_key",
        "transport": "http",
        "tool": f"tool-{number % 7}",
        "status": "success" if number % 5 else "error",
        "duration_ms": number / 4,
        "error_class": None if number % 5 else "VendorUnavailable",
        "request_id": None if number % 3 else f"req-{number}",
        "occurred_at": STARTED + timedelta(milliseconds=number),
    }


class Statements:
    """Counts the statements a database runs, and how many of them were `executemany`."""

    def __init__(self, database: Database) -> None:
        self.single, self.many = 0, 0
        event.listen(database.engine.sync_engine, "before_cursor_execute", self._count)

    def _count(self, _connection, _cursor, statement: str, _parameters, _context, executemany: bool) -> None:
        if statement.startswith("INSERT"):
            if executemany:
                self.many += 1
            else:
                self.single += 1


async def stored(database: Database) -> list[dict[str, object]]:
    async with database.session() as session:
        found = (await session.scalars(select(ToolExecution).order_by(ToolExecution.id))).all()
    return [{name: getattr(entry, name) for name in row(0)} for entry in found]


async def test_every_row_and_value_is_stored_across_statement_boundaries(database):
    rows = [row(number) for number in range(250)]
    async with database.session() as session:
        await insert_rows(session, TABLE, rows)
    assert await stored(database) == rows


async def test_sqlite_takes_one_statement_per_chunk_and_other_databases_one_executemany(database):
    statements = Statements(database)
    async with database.session() as session:
        await insert_rows(session, TABLE, [row(number) for number in range(250)])
    if database.dialect == "sqlite":
        per_statement = SQLITE_MAX_VARIABLES // len(row(0))
        assert (statements.single, statements.many) == (-(-250 // per_statement), 0)
    else:
        assert (statements.single, statements.many) == (0, 1)


async def test_no_rows_run_no_statement(database):
    statements = Statements(database)
    async with database.session() as session:
        await insert_rows(session, TABLE, [])
    assert (statements.single, statements.many) == (0, 0)


async def test_timestamps_are_stored_in_the_same_form_as_the_orms(database):
    """Range queries compare stored timestamps; on SQLite they are text, so the two writers must agree exactly."""
    async with database.session() as session:
        session.add(ToolExecution(**row(1)))
    async with database.session() as session:
        await insert_rows(session, TABLE, [row(1)])
    async with database.session() as session:
        raw = (await session.execute(text("SELECT CAST(occurred_at AS TEXT) FROM tool_executions"))).scalars().all()
    assert len(raw) == 2
    assert raw[0] == raw[1]
