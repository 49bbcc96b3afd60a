"""The Xero tools as MCP clients see them: names, precise input schemas, annotations and permissions."""

from __future__ import annotations

from typing import Any

import pytest
from integration.vendors.xero.helpers import registry
from mcp import MCPError

from sentia_server.auth.principal import Role

pytestmark = pytest.mark.anyio
XERO_TOOLS = {
    "xero-get-financial-reports",
    "xero-get-invoices",
    "xero-create-invoice",
    "xero-get-contacts",
    "xero-get-bank-transactions",
    "xero-analytics",
}


def undescribed(schema: dict[str, Any], path: str = "") -> list[str]:
    """Every property (at any depth, inside arrays and optional values too) without a description."""
    missing = []
    for name, prop in schema.get("properties", {}).items():
        if not prop.get("description"):
            missing.append(f"{path}{name}")
        options = [prop, *prop.get("anyOf", [])]
        for option in [*options, *(o.get("items", {}) for o in options)]:
            if "properties" in option:
                missing += undescribed(option, f"{path}{name}.")
    return missing


async def test_every_xero_tool_is_listed_with_a_described_precise_schema(connect, principal, xero):
    async with connect(principal(), registry=registry()) as client:
        listed = {tool.name: tool for tool in (await client.list_tools()).tools}
    assert set(listed) >= XERO_TOOLS
    for name in XERO_TOOLS:
        tool = listed[name]
        assert tool.description and tool.annotations is not None and tool.annotations.open_world_hint is True
        assert undescribed(tool.input_schema) == [], name
        assert tool.input_schema.get("additionalProperties") is False
    reports = listed["xero-get-financial-reports"].input_schema["properties"]
    assert set(reports["report"]["enum"]) >= {
        "ProfitAndLoss",
        "BalanceSheet",
        "TrialBalance",
        "BudgetSummary",
        "BankSummary",
        "AgedReceivablesByContact",
    }
    assert "report" in listed["xero-get-financial-reports"].input_schema["required"]
    invoices = listed["xero-get-invoices"].input_schema["properties"]
    assert invoices["page_size"]["maximum"] == 100 and invoices["page"]["minimum"] == 1
    assert invoices["statuses"]["items"]["enum"] == ["DRAFT", "SUBMITTED", "AUTHORISED", "PAID", "VOIDED", "DELETED"]
    assert invoices["tenant_id"]["anyOf"][0]["pattern"].startswith("^[0-9a-fA-F]{8}")
    analytics = listed["xero-analytics"].input_schema["properties"]
    assert analytics["analysis"]["enum"] == [
        "financial_ratios",
        "receivables_aging",
        "cash_conversion_cycle",
        "cash_flow_trend",
        "forecast",
    ]
    periods = analytics["periods"]["anyOf"][0]
    assert (periods["minimum"], periods["maximum"]) == (1, 24)
    create = listed["xero-create-invoice"]
    assert set(create.input_schema["required"]) == {"contact_id", "line_items"}
    line = create.input_schema["properties"]["line_items"]
    assert line["minItems"] == 1 and set(line["items"]["required"]) == {"description", "unit_amount"}
    annotations = create.annotations
    assert (annotations.read_only_hint, annotations.destructive_hint, annotations.idempotent_hint) == (
        False,
        False,
        False,
    )
    assert "idempotency_key" in create.description
    for name in XERO_TOOLS - {"xero-create-invoice"}:
        assert listed[name].annotations.read_only_hint is True


async def test_reading_needs_operator_and_creating_needs_manager(call, uk):
    with pytest.raises(MCPError, match=r"tool 'xero-get-contacts' requires permission 'financial:read'"):
        await call("xero-get-contacts", {"tenant_id": uk}, role=Role.VIEWER)
    line = {"description": "x", "unit_amount": 1}
    with pytest.raises(MCPError, match=r"'financial:write' \(granted to role 'manager' and above\)"):
        await call("xero-create-invoice", {"tenant_id": uk, "contact_id": uk, "line_items": [line]}, role=Role.OPERATOR)
    allowed = await call("xero-get-contacts", {"tenant_id": uk, "page_size": 1}, role=Role.OPERATOR)
    assert not allowed.is_error
