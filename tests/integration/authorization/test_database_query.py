"""The database-query tool on SQLite and PostgreSQL: reads work, writes are refused however they are dressed up, and a
slow or large query is cut off by the statement timeout and the row limit."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest
from sqlalchemy import func, select

from sentia_server.auth.principal import Role
from sentia_server.config import Settings
from sentia_server.storage import read_only_query
from sentia_server.storage.read_only_query import QueryRefused, QueryTimeout, run_read_only
from sentia_server.storage.tables import ToolExecution

pytestmark = pytest.mark.anyio

TIMEOUT = 0.5
COUNT_TO_1500 = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1500) SELECT i FROM n"
ENDLESS = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT count(*) FROM n"


@pytest.fixture(params=["sqlite", "postgresql"])
def backend_settings(request: pytest.FixtureRequest, make_settings: Callable[..., Settings]) -> Settings:
    if request.param == "sqlite":
        return make_settings(database_query_timeout_seconds=TIMEOUT)
    return make_settings(
        database_url=request.getfixturevalue("postgres_url"), auto_migrate=True, database_query_timeout_seconds=TIMEOUT
    )


async def query(connect, principal, sql: str, **arguments):
    async with connect(principal(Role.ADMIN)) as client:
        return await client.call_tool("database-query", {"sql": sql, **arguments})


async def audit_rows(runtime) -> int:
    async with runtime.database.session() as session:
        return int((await session.execute(select(func.count()).select_from(ToolExecution))).scalar_one())


async def test_an_admin_reads_the_audit_trail(connect, principal, runtime):
    async with connect(principal(Role.ADMIN)) as client:
        await client.call_tool("list-tools", {})
        result = await client.call_tool(
            "database-query", {"sql": "SELECT tool, status, principal_role FROM tool_executions ORDER BY id"}
        )
    assert not result.is_error, result.content
    answer = result.structured_content
    assert answer["dialect"] == runtime.database.dialect
    assert answer["columns"] == ["tool", "status", "principal_role"]
    assert answer["rows"] == [["list-tools", "success", "admin"]]
    assert (answer["row_count"], answer["truncated"], answer["row_limit"]) == (1, False, 1000)
    # The connection the query used writes again afterwards: the query's own audit row is there.
    assert [row.tool for row in await runtime.tool_log.recent()][:2] == ["database-query", "list-tools"]


async def test_values_come_back_as_json(connect, principal, runtime):
    if runtime.database.dialect == "postgresql":
        sql = (
            "SELECT 12.50::numeric AS price, TIMESTAMPTZ '2026-01-02 03:04:05+00' AS at, DATE '2026-01-02' AS day, "
            "'\\x00ff'::bytea AS blob, INTERVAL '2 minutes' AS span, NULL AS empty, "
            "'12345678-1234-5678-1234-567812345678'::uuid AS id"
        )
        expected = [
            "12.50",
            "2026-01-02T03:04:05+00:00",
            "2026-01-02",
            "AP8=",
            120.0,
            None,
            "12345678-1234-5678-1234-567812345678",
        ]
    else:
        sql = "SELECT 12.5 AS price, '2026-01-02' AS day, X'00FF' AS blob, NULL AS empty"
        expected = [12.5, "2026-01-02", "AP8=", None]
    result = await query(connect, principal, sql)
    assert not result.is_error, result.content
    assert result.structured_content["rows"] == [expected]


async def test_the_row_limit_cuts_large_results_and_says_so(connect, principal):
    result = (await query(connect, principal, COUNT_TO_1500)).structured_content
    assert (result["row_count"], result["truncated"], result["row_limit"]) == (1000, True, 1000)
    assert result["rows"][:2] == [[1], [2]] and result["rows"][-1] == [1000]
    smaller = (await query(connect, principal, COUNT_TO_1500, max_rows=10)).structured_content
    assert (smaller["row_count"], smaller["truncated"], smaller["row_limit"]) == (10, True, 10)
    exact = (await query(connect, principal, "SELECT 1 UNION SELECT 2", max_rows=2)).structured_content
    assert (exact["row_count"], exact["truncated"]) == (2, False)


async def test_a_requested_limit_above_the_configured_one_is_capped(connect, principal):
    result = (await query(connect, principal, COUNT_TO_1500, max_rows=5000)).structured_content
    assert (result["row_count"], result["row_limit"]) == (1000, 1000)


async def test_a_slow_query_is_cancelled_at_the_statement_timeout(connect, principal, runtime):
    queries = [ENDLESS] + (["SELECT pg_sleep(10)"] if runtime.database.dialect == "postgresql" else [])
    for sql in queries:
        started = time.monotonic()
        result = await query(connect, principal, sql)
        assert time.monotonic() - started < 5
        assert result.is_error
        assert result.content[0].text.endswith(
            f"the query ran longer than the statement timeout of {TIMEOUT:g} s and was cancelled; narrow it "
            "(WHERE, LIMIT) or raise SENTIA_DATABASE_QUERY_TIMEOUT_SECONDS"
        )
    # The connection is usable afterwards.
    assert (await query(connect, principal, "SELECT 1")).structured_content["rows"] == [[1]]


@pytest.mark.parametrize(
    ("sql", "message"),
    [
        ("DELETE FROM tool_executions", "this is DELETE"),
        ("SELECT 1; DROP TABLE tool_executions", "exactly one SQL statement is allowed; found 2"),
        ("SELECT 1; DELETE FROM tool_executions", "exactly one SQL statement is allowed; found 2"),
        ("WITH gone AS (DELETE FROM tool_executions RETURNING id) SELECT * FROM gone", "contains DELETE"),
        ("SELECT * INTO stolen FROM tool_executions", "contains INTO"),
        ("SELECT key_hash FROM api_keys", "table 'api_keys' holds credentials and cannot be queried"),
        ("SELECT * FROM vendor_tokens", "table 'vendor_tokens' holds credentials and cannot be queried"),
    ],
)
async def test_writes_and_secrets_are_refused_and_nothing_changes(connect, principal, runtime, sql, message):
    async with connect(principal(Role.ADMIN)) as client:
        await client.call_tool("list-tools", {})
        before = await audit_rows(runtime)
        result = await client.call_tool("database-query", {"sql": sql})
    assert result.is_error
    assert message in result.content[0].text
    assert await audit_rows(runtime) == before + 1  # only the refused call's own audit row was added
    [row, *_] = await runtime.tool_log.recent()
    assert (row.tool, row.status, row.error_class) == ("database-query", "error", "StatementRefused")


async def test_a_query_the_database_rejects_names_the_problem(connect, principal):
    result = await query(connect, principal, "SELECT no_such_column FROM tool_executions")
    assert result.is_error
    text = result.content[0].text
    assert "the database refused the query: " in text and "no_such_column" in text
    assert "Traceback" not in text


@pytest.mark.parametrize(
    "sql",
    [
        "DELETE FROM tool_executions",
        "INSERT INTO tool_executions (principal_subject) VALUES ('x')",
        "CREATE TABLE sneaky (a integer)",
        "DROP TABLE tool_executions",
    ],
)
async def test_the_transaction_itself_refuses_writes_the_parser_would_have_missed(runtime, sql):
    """Defence in depth: even a statement that got past the parser cannot change anything."""
    before = await audit_rows(runtime)
    with pytest.raises(QueryRefused) as raised:
        await run_read_only(runtime.database, sql, max_rows=10, time_limit=TIMEOUT)
    assert "read-only" in str(raised.value) or "readonly" in str(raised.value)
    assert await audit_rows(runtime) == before
    async with runtime.database.session() as session:  # and the pooled connection still writes afterwards
        session.add(
            ToolExecution(
                principal_subject="t",
                principal_role="admin",
                tenant="acme",
                auth_method="api_key",
                transport="memory",
                tool="list-tools",
                status="success",
                duration_ms=1.0,
            )
        )
    assert await audit_rows(runtime) == before + 1


@pytest.mark.parametrize(
    ("sql", "postgresql_says", "sqlite_says"),
    [
        (
            "WITH gone AS (DELETE FROM tool_executions RETURNING id) SELECT * FROM gone",
            "in a read-only transaction",
            "syntax error",  # SQLite has no data-changing WITH clauses at all
        ),
        (
            "SELECT 1; DELETE FROM tool_executions",
            "cannot insert multiple commands into a prepared statement",
            "You can only execute one statement at a time.",
        ),
    ],
)
async def test_the_database_refuses_what_the_parser_would_have_refused(runtime, sql, postgresql_says, sqlite_says):
    before = await audit_rows(runtime)
    with pytest.raises(QueryRefused) as raised:
        await run_read_only(runtime.database, sql, max_rows=10, time_limit=TIMEOUT)
    expected = postgresql_says if runtime.database.dialect == "postgresql" else sqlite_says
    assert expected in str(raised.value)
    assert await audit_rows(runtime) == before


async def test_a_statement_the_server_does_not_stop_in_time_is_abandoned_with_its_connection(runtime, monkeypatch):
    """Should the database miss its own timeout, the server stops waiting and never reuses that connection."""
    monkeypatch.setattr(read_only_query, "_GRACE_SECONDS", -TIMEOUT + 0.1)
    started = time.monotonic()
    with pytest.raises(QueryTimeout):
        await run_read_only(runtime.database, ENDLESS, max_rows=10, time_limit=TIMEOUT)
    assert time.monotonic() - started < 3
    result = await run_read_only(runtime.database, "SELECT 1", max_rows=10, time_limit=TIMEOUT)
    assert result.rows == [(1,)]


async def test_explain_shows_the_plan(connect, principal, runtime):
    sql = {
        "sqlite": "EXPLAIN QUERY PLAN SELECT * FROM tool_executions WHERE tenant = 'acme'",
        "postgresql": "EXPLAIN SELECT * FROM tool_executions WHERE tenant = 'acme'",
    }[runtime.database.dialect]
    result = await query(connect, principal, sql)
    assert not result.is_error, result.content
    assert result.structured_content["row_count"] >= 1
