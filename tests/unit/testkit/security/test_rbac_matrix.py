"""The RBAC matrix check fails when a viewer may call a write tool (or when the table and the server disagree in
either direction), and passes on the toy whose permissions match its table."""

from __future__ import annotations

import pytest
from mcp import MCPError
from mcp_types import CallToolResult, TextContent
from support.vulnerable_app import TABLE

from sentia_testkit.security import check_rbac_matrix, is_permission_error
from sentia_testkit.security.rbac import describe

pytestmark = pytest.mark.anyio


def connector(toy_mcp, flaws):
    return lambda role: toy_mcp(role, flaws)


async def test_a_viewer_that_may_write_is_found(toy_mcp):
    report = await check_rbac_matrix(connector(toy_mcp, {"rbac"}), TABLE)
    [finding] = report.findings
    assert (finding.title, finding.target, finding.severity) == (
        "denied call not refused for permission",
        "viewer calls delete-stock",
        "critical",
    )
    assert finding.detail == "the table denies it; the server answered a successful result"
    assert finding.reproducer == "as viewer: tools/call delete-stock {}"
    assert report.probes == 12


async def test_the_secure_toy_matches_its_table(toy_mcp):
    report = await check_rbac_matrix(connector(toy_mcp, ()), TABLE)
    assert report.ok and report.probes == 12


async def test_an_allowed_call_refused_for_permission_is_found(toy_mcp):
    expected = {**TABLE, "viewer": {**TABLE["viewer"], "delete-stock": True}}
    report = await check_rbac_matrix(connector(toy_mcp, ()), expected)
    [finding] = report.findings
    assert finding.title == "allowed call refused for permission"
    assert "JSON-RPC error -32003: permission denied: delete-stock needs the admin role" in finding.detail


async def test_a_table_that_misses_or_invents_tools_is_found(toy_mcp):
    expected = {"viewer": {"read-stock": True, "drop-database": False}}
    report = await check_rbac_matrix(connector(toy_mcp, ()), expected, arguments={"read-stock": {"sku": "X"}})
    assert {(finding.title, finding.target) for finding in report.findings} == {
        ("tool missing from the expected table", "viewer calls count-words"),
        ("tool missing from the expected table", "viewer calls delete-stock"),
        ("tool missing from the expected table", "viewer calls find-product"),
        ("tool missing from the expected table", "viewer calls lookup-product"),
        ("tool missing from the expected table", "viewer calls render-label"),
        ("tool in the table not listed by the server", "viewer calls drop-database"),
    }
    assert report.probes == 1


def tool_error(text: str) -> CallToolResult:
    return CallToolResult(content=[TextContent(text=text)], is_error=True)


@pytest.mark.parametrize(
    ("outcome", "refused", "description"),
    [
        (MCPError(-32003, "nope"), True, "JSON-RPC error -32003: nope"),
        (
            MCPError(-32602, "Permission denied for this tool"),
            True,
            "JSON-RPC error -32602: Permission denied for this tool",
        ),
        (MCPError(-32602, "invalid params"), False, "JSON-RPC error -32602: invalid params"),
        (RuntimeError("connection reset"), False, "RuntimeError: connection reset"),
        (tool_error("Forbidden: needs admin"), True, "tool error: Forbidden: needs admin"),
        (tool_error("Xero is not configured"), False, "tool error: Xero is not configured"),
        (CallToolResult(content=[TextContent(text="12")]), False, "a successful result"),
    ],
)
def test_what_counts_as_a_permission_error(outcome, refused, description):
    assert is_permission_error(outcome) is refused
    assert describe(outcome) == description


async def test_the_permission_predicate_is_configurable(toy_mcp):
    report = await check_rbac_matrix(connector(toy_mcp, ()), TABLE, is_permission_error=lambda outcome: False)
    assert [finding.target for finding in report.findings] == ["viewer calls delete-stock"]
