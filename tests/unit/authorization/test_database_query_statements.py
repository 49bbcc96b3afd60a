"""Which statements the database-query tool agrees to run, on both dialects, and how it renders values as JSON."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from uuid import UUID

import pytest

from sentia_server.tools.database_query import StatementRefused, checked_statement, json_safe

DIALECTS = ["sqlite", "postgresql"]


@pytest.mark.parametrize("dialect", DIALECTS)
@pytest.mark.parametrize(
    "sql",
    [
        "SELECT 1",
        "select tool, count(*) from tool_executions group by tool order by 2 desc;",
        "WITH recent AS (SELECT * FROM tool_executions) SELECT tool FROM recent",
        "SELECT 1 UNION SELECT 2",
        "SELECT 1 INTERSECT SELECT 1",
        "SELECT 1 EXCEPT SELECT 2",
        "EXPLAIN SELECT * FROM quality_records",
        "SELECT 'DELETE FROM api_keys; DROP TABLE x' AS text_that_looks_bad",
        "SELECT count(*) FROM audit_events -- a comment; DROP TABLE audit_events",
    ],
)
def test_read_only_queries_are_accepted_unchanged(dialect: str, sql: str):
    assert checked_statement(sql, dialect) == sql


@pytest.mark.parametrize(
    ("sql", "dialect"),
    [
        ("EXPLAIN QUERY PLAN SELECT 1", "sqlite"),
        ("EXPLAIN ANALYZE SELECT 1", "postgresql"),
        ("EXPLAIN (ANALYZE, BUFFERS) SELECT 1", "postgresql"),
        ("EXPLAIN (FORMAT JSON) SELECT 1", "postgresql"),
        ("SELECT pg_sleep(10)", "postgresql"),
        ("SELECT now()::date", "postgresql"),
    ],
)
def test_dialect_specific_reads_are_accepted(sql: str, dialect: str):
    assert checked_statement(sql, dialect) == sql


@pytest.mark.parametrize("dialect", DIALECTS)
@pytest.mark.parametrize(
    ("sql", "message"),
    [
        ("SELECT 1; DROP TABLE tool_executions", "exactly one SQL statement is allowed; found 2"),
        ("SELECT 1; SELECT 2", "exactly one SQL statement is allowed; found 2"),
        (";", "exactly one SQL statement is allowed; found 0"),
        (
            "DELETE FROM tool_executions",
            "only SELECT (with WITH, UNION, ...) or EXPLAIN of a SELECT is allowed; this is DELETE",
        ),
        ("UPDATE quality_records SET lot = 'x'", "this is UPDATE"),
        ("INSERT INTO audit_events (id) VALUES (1)", "this is INSERT"),
        ("DROP TABLE audit_events", "this is DROP"),
        ("CREATE TABLE t (a int)", "this is CREATE"),
        ("VALUES (1)", "this is VALUES"),
        ("EXPLAIN DELETE FROM audit_events", "this is DELETE"),
        ("SELECT * INTO copied FROM audit_events", "the query contains INTO, which this read-only tool does not run"),
        ("SELECT * FROM api_keys", "table 'api_keys' holds credentials and cannot be queried"),
        ("SELECT * FROM public.VENDOR_TOKENS", "table 'VENDOR_TOKENS' holds credentials and cannot be queried"),
        (
            "SELECT id FROM audit_events WHERE id IN (SELECT id FROM api_keys)",
            "table 'api_keys' holds credentials and cannot be queried",
        ),
        ("SELECT load_extension('evil')", "function 'load_extension' is not allowed in a read-only query"),
        ("SELECT nonsense FROM (", "could not parse the SQL"),
    ],
)
def test_anything_but_one_read_only_query_is_refused(dialect: str, sql: str, message: str):
    with pytest.raises(StatementRefused) as raised:
        checked_statement(sql, dialect)
    assert message in str(raised.value)


@pytest.mark.parametrize(
    ("sql", "message"),
    [
        ("WITH gone AS (DELETE FROM audit_events RETURNING *) SELECT * FROM gone", "contains DELETE"),
        ("WITH changed AS (UPDATE audit_events SET id = id RETURNING *) SELECT 1", "contains UPDATE"),
        ("SELECT * FROM audit_events FOR UPDATE", "contains LOCK"),
        ("SELECT pg_terminate_backend(1)", "function 'pg_terminate_backend' is not allowed"),
        ("SELECT set_config('work_mem', '1GB', false)", "function 'set_config' is not allowed"),
        ("SELECT pg_advisory_lock(1)", "function 'pg_advisory_lock' is not allowed"),
        ("SELECT pg_read_file('/etc/passwd')", "function 'pg_read_file' is not allowed"),
        ("SELECT query_to_xml('select * from api_keys', true, true, '')", "function 'query_to_xml' is not allowed"),
        ("SELECT * FROM pg_authid", "table 'pg_authid' holds credentials"),
        ("COPY audit_events TO '/tmp/out'", "this is COPY"),
        ("SET statement_timeout = 0", "this is"),
        ("BEGIN", "this is"),
    ],
)
def test_disguised_writes_and_escapes_are_refused_on_postgresql(sql: str, message: str):
    with pytest.raises(StatementRefused) as raised:
        checked_statement(sql, "postgresql")
    assert message in str(raised.value)


def test_a_parse_error_says_where_without_terminal_codes():
    with pytest.raises(StatementRefused) as raised:
        checked_statement("SELECT (SELECT 1 FROM (DELETE FROM t RETURNING 1) d)", "postgresql")
    text = str(raised.value)
    assert text.startswith("could not parse the SQL at line 1, column ")
    assert "\x1b" not in text


@pytest.mark.parametrize("sql", ["\x1b[31mred\x1b[0m", "[[${7*7}]]", "SELECT 'unterminated"])
def test_sql_that_cannot_even_be_tokenized_is_refused_as_unreadable(sql: str):
    with pytest.raises(StatementRefused, match="could not read the SQL"):
        checked_statement(sql, "sqlite")


def test_json_safe_renders_every_database_type():
    value = {
        "decimal": Decimal("12.345600"),
        "when": datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC),
        "day": date(2026, 1, 2),
        "clock": time(3, 4, 5),
        "span": timedelta(minutes=2),
        "blob": b"\x00\xffsecret",
        "view": memoryview(b"ab"),
        "id": UUID("12345678-1234-5678-1234-567812345678"),
        "nested": [Decimal("1.5"), (1, None, True, 2.5, "x")],
        "other": object.__new__(type("Opaque", (), {"__str__": lambda self: "opaque"})),
    }
    rendered = json_safe(value)
    assert rendered == {
        "decimal": "12.345600",
        "when": "2026-01-02T03:04:05+00:00",
        "day": "2026-01-02",
        "clock": "03:04:05",
        "span": 120.0,
        "blob": "AP9zZWNyZXQ=",
        "view": "YWI=",
        "id": "12345678-1234-5678-1234-567812345678",
        "nested": ["1.5", [1, None, True, 2.5, "x"]],
        "other": "opaque",
    }
    json.dumps(rendered)
