"""The twelve AI tools as an MCP client lists them: precise schemas, the ai:use permission, open-world
annotations, and a clear error when the vendor is not configured."""

from __future__ import annotations

from typing import Any

import pytest
from integration.vendors.ai.conftest import text
from mcp import MCPError

from sentia_server.auth.principal import Role

pytestmark = pytest.mark.anyio

OPENAI_TOOLS = {
    "openai-data-analysis",
    "openai-content-generation",
    "openai-customer-insights",
    "openai-operational-optimization",
    "openai-forecasting",
    "openai-automated-reporting",
}
CLAUDE_TOOLS = {
    "claude-analyze-financial-data",
    "claude-analyze-sales-performance",
    "claude-generate-business-reports",
    "claude-inventory-optimization",
    "claude-competitive-analysis",
    "claude-strategic-planning",
}


def undescribed(node: Any, path: str) -> list[str]:
    """Every property below `node` without a description."""
    found: list[str] = []
    if isinstance(node, dict):
        for name, child in (node.get("properties") or {}).items():
            if not child.get("description"):
                found.append(f"{path}.{name}")
            found += undescribed(child, f"{path}.{name}")
        for key in ("items", "additionalProperties"):
            if isinstance(node.get(key), dict):
                found += undescribed(node[key], f"{path}[]")
        for key in ("anyOf", "oneOf", "allOf"):
            for option in node.get(key, []):
                found += undescribed(option, path)
    return found


async def test_every_ai_tool_is_listed_read_only_open_world_with_every_field_described(connect, principal, registry):
    async with connect(principal(Role.OPERATOR), registry=registry) as client:
        listed = {tool.name: tool for tool in (await client.list_tools()).tools}
    assert set(listed) >= OPENAI_TOOLS | CLAUDE_TOOLS
    for name in OPENAI_TOOLS | CLAUDE_TOOLS:
        tool = listed[name]
        assert tool.description and tool.annotations is not None
        assert (tool.annotations.read_only_hint, tool.annotations.open_world_hint) == (True, True)
        assert tool.annotations.idempotent_hint is False
        assert tool.input_schema.get("additionalProperties") is False
        assert undescribed(tool.input_schema, name) == []
        assert tool.output_schema is not None and "usage" in tool.output_schema["properties"]


async def test_enums_and_ranges_are_in_the_schemas(connect, principal, registry):
    async with connect(principal(Role.OPERATOR), registry=registry) as client:
        listed = {tool.name: tool.input_schema for tool in (await client.list_tools()).tools}
    forecasting = listed["openai-forecasting"]["properties"]
    assert forecasting["horizon_months"]["maximum"] == 24
    assert "demand_forecasting" in forecasting["forecast_type"]["enum"]
    inventory = listed["claude-inventory-optimization"]["properties"]
    assert (inventory["service_level"]["minimum"], inventory["service_level"]["maximum"]) == (0.8, 0.99)
    sales = listed["claude-analyze-sales-performance"]["properties"]
    assert sales["sales"]["anyOf"][0]["items"]["properties"]["currency"]["pattern"] == "^[A-Z]{3}$"


async def test_a_viewer_may_not_call_an_ai_tool(call):
    with pytest.raises(MCPError, match="requires permission 'ai:use'"):
        await call("openai-content-generation", {}, role=Role.VIEWER)


@pytest.mark.parametrize(
    ("tool", "arguments", "message"),
    [
        (
            "openai-operational-optimization",
            {"optimization_type": "bottleneck_analysis", "processes": [{"name": "Bottling", "cycle_time_minutes": 1}]},
            "openai: not configured; set SENTIA_OPENAI__API_KEY",
        ),
        (
            "claude-strategic-planning",
            {
                "strategic_context": {"current_position": "A young gin distillery."},
                "planning_horizon": "3_years",
                "strategic_focus": ["growth"],
            },
            "anthropic: not configured; set SENTIA_ANTHROPIC__API_KEY",
        ),
    ],
)
async def test_an_unconfigured_vendor_is_a_tool_error_naming_the_setting(call_unconfigured, tool, arguments, message):
    result = await call_unconfigured(tool, arguments)
    assert result.is_error
    assert text(result).endswith(message)


async def test_bad_arguments_are_named(call):
    result = await call(
        "claude-analyze-sales-performance", {"days": 7, "date_from": "2026-03-01", "date_to": "2026-03-02"}
    )
    assert result.is_error
    assert "give days or date_from and date_to, not both" in text(result)
