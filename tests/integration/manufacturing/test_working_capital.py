"""manufacturing-working-capital through MCP against the Xero simulator: the same cycle as xero-analytics, the
working capital, each input's amount, period and source, the cash each lever releases, targets and comparisons."""

from __future__ import annotations

from decimal import Decimal

import pytest
from integration.manufacturing.conftest import US
from integration.manufacturing.helpers import registry, structured, text
from mcp.server.mcpserver.exceptions import ToolError

from sentia_server.tools.manufacturing.working_capital import _days
from sentia_server.tools.xero.analytics import AnalyticsResult
from sentia_server.tools.xero.common import TenantRef

pytestmark = pytest.mark.anyio
TOOL = "manufacturing-working-capital"
PERIOD = {"from_date": "2025-11-01", "to_date": "2026-10-31"}


def amount(money: dict) -> Decimal:
    assert money["currency"] == "GBP"
    return Decimal(money["amount"])


async def test_the_tool_is_listed_with_a_precise_schema(connect, principal):
    async with connect(principal(), registry=registry()) as client:
        tool = next(tool for tool in (await client.list_tools()).tools if tool.name == TOOL)
    fields = tool.input_schema["properties"]
    assert set(fields) == {"tenant_id", "from_date", "to_date", "target_ccc_days", "compare_with_previous_period"}
    assert all(field.get("description") for field in fields.values())
    target = next(choice for choice in fields["target_ccc_days"]["anyOf"] if choice.get("type") == "number")
    assert (target["minimum"], target["maximum"]) == (-365, 365)
    assert tool.annotations.read_only_hint is True and tool.annotations.open_world_hint is True


async def test_the_cycle_is_xero_analytics_own_and_working_capital_is_derived_from_its_inputs(call, xero, uk):
    result = structured(await call(TOOL, {"tenant_id": uk, **PERIOD}))
    analysis = structured(
        await call("xero-analytics", {"tenant_id": uk, "analysis": "cash_conversion_cycle", **PERIOD})
    )
    expected = analysis["cash_conversion_cycle"]
    cycle = result["cycle"]
    assert (cycle["period_from"], cycle["period_to"], cycle["period_days"]) == ("2025-11-01", "2026-10-31", 365)
    for name in ("days_sales_outstanding", "days_inventory_outstanding", "days_payables_outstanding"):
        assert cycle[name] == expected[name]
    assert cycle["cash_conversion_cycle_days"] == expected["cash_conversion_cycle_days"]
    inputs = {item["name"]: item for item in result["inputs"]}
    assert list(inputs) == ["receivables", "inventory", "payables", "revenue", "cost of sales"]
    for name, key in (("receivables", "receivables"), ("inventory", "inventory"), ("payables", "payables")):
        assert amount(inputs[name]["amount"]) == Decimal(str(expected[key]))
        assert (inputs[name]["as_of"], inputs[name]["period_from"]) == ("2026-10-31", None)
    for name, key in (("revenue", "revenue"), ("cost of sales", "cost_of_sales")):
        assert amount(inputs[name]["amount"]) == Decimal(str(expected[key]))
        assert (inputs[name]["as_of"], inputs[name]["period_from"], inputs[name]["period_to"]) == (
            None,
            "2025-11-01",
            "2026-10-31",
        )
    assert inputs["receivables"]["source"] == "BalanceSheet at 2026-10-31, account 'Accounts Receivable' (610)"
    assert inputs["revenue"]["source"] == "ProfitAndLoss 2025-11-01 to 2026-10-31, line 'Total Trading Income'"
    assert amount(result["working_capital"]) == (
        amount(inputs["receivables"]["amount"])
        + amount(inputs["inventory"]["amount"])
        - amount(inputs["payables"]["amount"])
    )
    assert result["sources"] == analysis["sources"]
    assert (result["base_currency"], result["tenant"]["tenant_name"]) == ("GBP", "Sentia Spirits Ltd")
    assert result["target"] is None and result["comparison"] is None


async def test_each_lever_releases_a_days_worth_of_revenue_or_cost_of_sales(call, xero, uk):
    result = structured(await call(TOOL, {"tenant_id": uk, **PERIOD}))
    inputs = {item["name"]: amount(item["amount"]) for item in result["inputs"]}
    levers = {lever["name"]: lever for lever in result["levers"]}
    cent = Decimal("0.01")
    assert amount(levers["receivables"]["cash_per_day"]) == (inputs["revenue"] / 365).quantize(cent)
    assert amount(levers["inventory"]["cash_per_day"]) == (inputs["cost of sales"] / 365).quantize(cent)
    assert levers["payables"]["cash_per_day"] == levers["inventory"]["cash_per_day"]
    assert levers["receivables"]["basis"] == "revenue / days, over 365 days from 2025-11-01 to 2026-10-31"


async def test_a_target_cycle_says_what_closing_the_gap_through_each_lever_releases(call, xero, uk):
    result = structured(await call(TOOL, {"tenant_id": uk, **PERIOD, "target_ccc_days": 45}))
    levers = {lever["name"]: amount(lever["cash_per_day"]) for lever in result["levers"]}
    target = result["target"]
    gap = round(result["cycle"]["cash_conversion_cycle_days"] - 45, 1)
    assert (target["target_days"], target["gap_days"]) == (45, gap)
    assert gap > 0
    inputs = {item["name"]: amount(item["amount"]) for item in result["inputs"]}
    expected = (Decimal(str(gap)) * inputs["revenue"] / 365).quantize(Decimal("0.01"))
    assert amount(target["cash_released_through_receivables"]) == expected
    assert abs(amount(target["cash_released_through_inventory"]) - Decimal(str(gap)) * levers["inventory"]) < 1
    assert target["cash_released_through_payables"] == target["cash_released_through_inventory"]


async def test_a_target_already_met_releases_nothing_and_says_so(call, xero, uk):
    result = structured(await call(TOOL, {"tenant_id": uk, **PERIOD, "target_ccc_days": 200}))
    target = result["target"]
    assert target["gap_days"] < 0
    assert {amount(target[key]) for key in target if key.startswith("cash_released")} == {Decimal(0)}
    days = result["cycle"]["cash_conversion_cycle_days"]
    assert f"the cycle of {days} days already meets the target" in result["notes"]


async def test_the_previous_period_of_the_same_length_is_compared(call, xero, uk):
    result = structured(await call(TOOL, {"tenant_id": uk, **PERIOD, "compare_with_previous_period": True}))
    comparison = result["comparison"]
    previous = comparison["previous"]
    assert (previous["period_from"], previous["period_to"], previous["period_days"]) == (
        "2024-11-01",
        "2025-10-31",
        365,
    )
    earlier = structured(await call(TOOL, {"tenant_id": uk, "from_date": "2024-11-01", "to_date": "2025-10-31"}))
    assert previous == earlier["cycle"]
    assert comparison["previous_working_capital"] == earlier["working_capital"]
    assert comparison["change_days"] == round(
        result["cycle"]["cash_conversion_cycle_days"] - previous["cash_conversion_cycle_days"], 1
    )


async def test_a_previous_period_the_books_cannot_cover_is_a_note_not_a_failure(call, xero, uk):
    result = structured(
        await call(
            TOOL,
            {"tenant_id": uk, "from_date": "2024-12-01", "to_date": "2025-11-30", "compare_with_previous_period": True},
        )
    )
    assert result["comparison"] is None
    assert any(
        note.startswith(
            "no comparison with 2023-12-02 to 2024-11-30: manufacturing-working-capital: the cash conversion"
        )
        for note in result["notes"]
    ), result["notes"]


async def test_books_without_cost_of_sales_are_refused_with_the_reason(call, xero):
    us = xero.tenant_named(US).tenant_id
    result = await call(TOOL, {"tenant_id": us, **PERIOD})
    assert result.is_error
    assert text(result).endswith(
        "manufacturing-working-capital: the cash conversion cycle is not available: xero-analytics: cannot compute "
        "cash conversion cycle: the ProfitAndLoss 2025-11-01 to 2026-10-31 has no cost of sales"
    )


async def test_a_reversed_period_is_refused_naming_both_dates(call, xero, uk):
    result = await call(TOOL, {"tenant_id": uk, "from_date": "2026-10-31", "to_date": "2026-01-01"})
    assert result.is_error and "from_date (2026-10-31) must not be after to_date (2026-01-01)" in text(result)


def test_an_analysis_without_a_cycle_is_an_error_not_a_crash():
    empty = AnalyticsResult(
        tenant=TenantRef(tenant_id="7b9e6cfd-5559-57d6-b9ee-167908f4e049", tenant_name="Sentia Spirits Ltd"),
        analysis="cash_conversion_cycle",
        base_currency="GBP",
        period_from=None,
        period_to=None,
        as_of=None,
        sources=[],
        notes=[],
    )
    with pytest.raises(ToolError, match="xero-analytics returned no cash conversion cycle"):
        _days(empty)
