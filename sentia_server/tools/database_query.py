"""The database-query tool: one read-only SQL statement against the server's own database, for administrators.

Two independent guards. The statement is parsed (sqlglot) and refused unless it is exactly one SELECT (WITH and set
operations included) or an EXPLAIN of one, with nothing inside that writes, locks or reaches outside the database, and
without the tables that hold credentials. Then it runs in a read-only transaction with a statement timeout and a row
limit (`storage.read_only_query`), so a statement the parser misjudges still cannot change anything.
"""

from __future__ import annotations

import base64
import re
import time
from datetime import date, datetime, timedelta
from datetime import time as time_of_day
from decimal import Decimal
from typing import Any
from uuid import UUID

import sqlglot
from mcp.server.mcpserver.exceptions import ToolError
from pydantic import Field
from sqlglot import exp

from sentia_server.storage.read_only_query import QueryRefused, QueryTimeout, run_read_only
from sentia_server.tools.context import ToolContext
from sentia_server.tools.registry import ToolCategory, ToolGroup, ToolInput, ToolOutput

group = ToolGroup(ToolCategory.SYSTEM)

# Tables whose rows are credentials (API key hashes, encrypted vendor tokens) and PostgreSQL catalogs of passwords.
DENIED_TABLES = frozenset(
    {"api_keys", "vendor_tokens", "pg_authid", "pg_shadow", "pg_user_mapping", "pg_user_mappings"}
)
# Functions with effects outside the read-only transaction, or that read files or run SQL given as a string (which
# would escape the table check).
_DENIED_FUNCTIONS = frozenset(
    {
        "pg_terminate_backend",
        "pg_cancel_backend",
        "pg_reload_conf",
        "pg_rotate_logfile",
        "pg_promote",
        "pg_switch_wal",
        "pg_notify",
        "set_config",
        "pg_read_file",
        "pg_read_binary_file",
        "pg_stat_file",
        "load_extension",
    }
)
_DENIED_FUNCTION_PREFIXES = (
    "pg_advisory_",
    "pg_ls_",
    "lo_",
    "dblink",
    "query_to_",
    "table_to_",
    "cursor_to_",
    "schema_to_",
    "database_to_",
)
# Nodes that write, lock, change settings or are statements sqlglot could not parse (kept as opaque commands).
_DENIED_NODES: tuple[type[exp.Expression], ...] = tuple(
    getattr(exp, name)
    for name in (
        "Insert",
        "Update",
        "Delete",
        "Merge",
        "Create",
        "Drop",
        "Alter",
        "AlterTable",
        "TruncateTable",
        "Command",
        "Into",
        "Lock",
        "Copy",
        "Pragma",
        "Set",
        "Transaction",
        "Commit",
        "Rollback",
        "Use",
        "Grant",
        "Revoke",
        "Analyze",
        "Attach",
        "Detach",
    )
    if hasattr(exp, name)
)
_QUERY_ROOTS = (exp.Select, exp.Union, exp.Intersect, exp.Except)
_EXPLAIN = re.compile(
    r"^\s*explain\b(?:\s+query\s+plan\b)?(?:\s*\((?:[a-z_]+(?:\s+[a-z_]+)?\s*,?\s*)+\)|\s+(?:analyze|verbose)\b)*",
    re.IGNORECASE,
)
_DIALECTS = {"postgresql": "postgres", "sqlite": "sqlite"}


class StatementRefused(ToolError):
    """A statement the tool does not run; the message says why and what is allowed."""


def checked_statement(sql: str, dialect: str) -> str:
    """`sql` when it is one read-only query this tool runs, else StatementRefused naming the problem."""
    explain = _EXPLAIN.match(sql)
    query = sql[explain.end() :] if explain else sql
    try:
        statements = [statement for statement in sqlglot.parse(query, read=_DIALECTS[dialect]) if statement is not None]
    except sqlglot.errors.ParseError as error:
        detail = error.errors[0] if error.errors else {}
        where = f" at line {detail.get('line')}, column {detail.get('col')}" if detail.get("line") else ""
        raise StatementRefused(
            f"could not parse the SQL{where}: {detail.get('description', 'invalid syntax')}"
        ) from None
    except sqlglot.errors.TokenError:
        raise StatementRefused(
            "could not read the SQL: it contains characters or quoting no SQL dialect allows"
        ) from None
    if len(statements) != 1:
        raise StatementRefused(f"exactly one SQL statement is allowed; found {len(statements)}")
    [statement] = statements
    if not isinstance(statement, _QUERY_ROOTS):
        raise StatementRefused(
            f"only SELECT (with WITH, UNION, ...) or EXPLAIN of a SELECT is allowed; this is {_kind(statement)}"
        )
    for node in statement.walk():
        if isinstance(node, _DENIED_NODES):
            raise StatementRefused(f"the query contains {_kind(node)}, which this read-only tool does not run")
        if isinstance(node, exp.Table) and node.name.lower() in DENIED_TABLES:
            raise StatementRefused(f"table '{node.name}' holds credentials and cannot be queried")
        if isinstance(node, exp.Func):
            name = (node.name if isinstance(node, exp.Anonymous) else node.sql_name()).lower()
            if name in _DENIED_FUNCTIONS or name.startswith(_DENIED_FUNCTION_PREFIXES):
                raise StatementRefused(f"function '{name}' is not allowed in a read-only query")
    return sql


def _kind(node: Any) -> str:
    """The node's SQL keyword, e.g. DELETE (sqlglot's expression classes differ between its versions)."""
    return str(node.key).upper().replace("_", " ")


def json_safe(value: Any) -> Any:
    """A database value as JSON: exact decimals as strings, times in ISO 8601, bytes in base64."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date | time_of_day):
        return value.isoformat()
    if isinstance(value, timedelta):
        return value.total_seconds()
    if isinstance(value, bytes | bytearray | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, dict):
        return {str(key): json_safe(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(item) for item in value]
    if isinstance(value, UUID):
        return str(value)
    return str(value)


class DatabaseQueryInput(ToolInput):
    sql: str = Field(
        min_length=1,
        max_length=20_000,
        description="One SELECT statement (WITH, UNION and EXPLAIN allowed); nothing that writes.",
    )
    max_rows: int | None = Field(
        default=None, ge=1, description="Return at most this many rows (capped by SENTIA_DATABASE_QUERY_MAX_ROWS)."
    )


class DatabaseQueryResult(ToolOutput):
    dialect: str = Field(description="sqlite or postgresql")
    columns: list[str]
    rows: list[list[Any]] = Field(description="One list of values per row, in column order.")
    row_count: int
    truncated: bool = Field(description="True when the query had more rows than the row limit.")
    row_limit: int
    duration_ms: float


@group.tool("database-query", title="Query the server database (read-only)", read_only=True)
async def database_query(params: DatabaseQueryInput, ctx: ToolContext) -> DatabaseQueryResult:
    """Run one read-only SQL statement (SELECT, WITH ... SELECT, EXPLAIN) on the server's own database and return its
    rows. It runs in a read-only transaction with a statement timeout and a row limit; tables holding credentials
    (api_keys, vendor_tokens) are refused. For administrators investigating audit, usage and quality data."""
    await ctx.runtime.tool_log.flush()  # the audit trail read includes the calls still queued for writing
    settings = ctx.runtime.settings
    database = ctx.runtime.database
    sql = checked_statement(params.sql, database.dialect)
    row_limit = min(params.max_rows or settings.database_query_max_rows, settings.database_query_max_rows)
    timeout = settings.database_query_timeout_seconds
    started = time.perf_counter()
    try:
        result = await run_read_only(database, sql, max_rows=row_limit, time_limit=timeout)
    except QueryTimeout:
        raise ToolError(
            f"the query ran longer than the statement timeout of {timeout:g} s and was cancelled; narrow it "
            "(WHERE, LIMIT) or raise SENTIA_DATABASE_QUERY_TIMEOUT_SECONDS"
        ) from None
    except QueryRefused as error:
        raise ToolError(f"the database refused the query: {error}") from None
    return DatabaseQueryResult(
        dialect=database.dialect,
        columns=result.columns,
        rows=[[json_safe(value) for value in row] for row in result.rows],
        row_count=len(result.rows),
        truncated=result.truncated,
        row_limit=row_limit,
        duration_ms=round((time.perf_counter() - started) * 1000, 3),
    )
