"""Many rows into one table in as few statements as the database allows.

On SQLite the driver runs in a worker thread and releases the GIL around every step of a statement; `executemany`
steps once per row. A batch of N rows written that way takes the GIL from the event loop N times, and each time
the loop is made to stop serving requests for a thread switch. Under load that costs the request path more than
the write itself. Here a SQLite batch becomes a few multi-row INSERTs: one step, one switch, each.

Other databases keep the driver's `executemany`: asyncpg runs in the event loop and pipelines the rows itself.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from functools import lru_cache
from typing import Any

from sqlalchemy import Table, bindparam, insert
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import AsyncSession

SQLITE_MAX_VARIABLES = 999
"""Bound parameters per statement that every SQLite build accepts (newer builds allow more)."""

BindProcessor = Callable[[Any], Any] | None


async def insert_rows(session: AsyncSession, table: Table, rows: Sequence[Mapping[str, Any]]) -> None:
    """Insert `rows` (each with the same keys, every key a column of `table`) in the session's transaction."""
    if not rows:
        return
    connection = await session.connection()
    dialect = connection.dialect
    if dialect.name != "sqlite":
        await session.execute(insert(table), list(rows))
        return
    columns = tuple(rows[0])
    processors = _processors(table, columns, dialect)
    per_statement = max(1, SQLITE_MAX_VARIABLES // len(columns))
    for start in range(0, len(rows), per_statement):
        chunk = rows[start : start + per_statement]
        parameters: list[Any] = []
        for row in chunk:
            for name, process in processors:
                value = row[name]
                parameters.append(value if process is None else process(value))
        await connection.exec_driver_sql(_statement(table, columns, len(chunk), dialect), tuple(parameters))


@lru_cache(maxsize=32)
def _processors(table: Table, columns: tuple[str, ...], dialect: Dialect) -> tuple[tuple[str, BindProcessor], ...]:
    """Each column in statement order, with the conversion SQLAlchemy would apply to its value for `dialect`."""
    order = _single_row(table, columns, dialect)[1]
    return tuple((name, table.c[name].type.dialect_impl(dialect).bind_processor(dialect)) for name in order)


@lru_cache(maxsize=256)
def _statement(table: Table, columns: tuple[str, ...], rows: int, dialect: Dialect) -> str:
    """`INSERT INTO table (...) VALUES (?, ...), (?, ...), ...` for `rows` rows, in the driver's qmark style."""
    sql = _single_row(table, columns, dialect)[0]
    head, separator, group = sql.rpartition(" VALUES ")
    if not separator or not group.startswith("(") or dialect.paramstyle != "qmark":
        raise RuntimeError(f"unexpected single-row INSERT for {table.name}: {sql}")
    return head + separator + ", ".join([group] * rows)


@lru_cache(maxsize=32)
def _single_row(table: Table, columns: tuple[str, ...], dialect: Dialect) -> tuple[str, tuple[str, ...]]:
    compiled = insert(table).values({name: bindparam(name) for name in columns}).compile(dialect=dialect)
    return compiled.string, tuple(compiled.positiontup or ())
