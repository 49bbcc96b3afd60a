"""A whole tool call through the official MCP client, in memory: transport, RBAC, validation, the tool, the audit."""

from __future__ import annotations


def test_list_tools_call(benchmark, mcp_session):
    result = benchmark(mcp_session.call_tool, "list-tools", {"category": "system"})
    assert not result.is_error
    assert {tool["name"] for tool in result.structured_content["tools"]} >= {"list-tools", "system-status"}
    # The executor swallows audit failures, so check the measured path really wrote the audit trail.
    recorded = mcp_session.portal.call(mcp_session.runtime.tool_log.recent)
    assert [entry.tool for entry in recorded[:1]] == ["list-tools"]
