"""xero-analytics through MCP: every figure computed from the simulated books, with its sources, or refused."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from integration.vendors.xero.helpers import structured, text

pytestmark = pytest.mark.anyio
PERIOD = {"from_date": "2025-11-01", "to_date": "2026-10-31"}


def line(report: dict, label: str) -> float:
    return next(row["amounts"][0] for s in report["sections"] for row in s["lines"] if row["label"] == label)


async def test_financial_ratios_come_from_the_balance_sheet_and_profit_and_loss(call, xero, uk):
    result = structured(await call("xero-analytics", {"tenant_id": uk, "analysis": "financial_ratios", **PERIOD}))
    ratios = result["financial_ratios"]
    sheet = structured(
        await call(
            "xero-get-financial-reports", {"tenant_id": uk, "report": "BalanceSheet", "report_date": "2026-10-31"}
        )
    )
    profit = structured(
        await call("xero-get-financial-reports", {"tenant_id": uk, "report": "ProfitAndLoss", **PERIOD})
    )
    assets = line(sheet, "Total Bank") + line(sheet, "Total Current Assets")
    liabilities = line(sheet, "Total Current Liabilities")
    inventory = line(sheet, "Inventory")
    revenue = line(profit, "Total Trading Income")
    assert ratios["current_assets"] == pytest.approx(assets) and ratios["inventory"] == inventory
    assert ratios["current_ratio"] == pytest.approx(assets / liabilities, abs=1e-4)
    assert ratios["quick_ratio"] == pytest.approx((assets - inventory) / liabilities, abs=1e-4)
    assert ratios["gross_margin"] == pytest.approx(line(profit, "Gross Profit") / revenue, abs=1e-4)
    assert ratios["net_margin"] == pytest.approx(line(profit, "Net Profit") / revenue, abs=1e-4)
    assert result["base_currency"] == "GBP"
    assert (result["period_from"], result["period_to"], result["as_of"]) == ("2025-11-01", "2026-10-31", None)
    assert "inventory: BalanceSheet at 2026-10-31, account 'Inventory' (630)" in result["sources"]
    assert "revenue: ProfitAndLoss 2025-11-01 to 2026-10-31, line 'Total Trading Income'" in result["sources"]


async def test_receivables_are_aged_from_open_sales_invoices(call, xero, uk):
    result = structured(
        await call("xero-analytics", {"tenant_id": uk, "analysis": "receivables_aging", "as_of": "2026-10-31"})
    )
    ageing = result["receivables_aging"]
    tenant = xero.tenant_named("Sentia Spirits Ltd")
    owed = [
        i
        for i in tenant.invoices.values()
        if i["Type"] == "ACCREC"
        and i["Status"] == "AUTHORISED"
        and i["AmountDue"] > 0
        and i["Date"] <= date(2026, 10, 31)
    ]
    assert ageing["invoices_considered"] == len(owed)
    assert ageing["base_currency_total"] == pytest.approx(
        float(sum(i["AmountDue"] / i["CurrencyRate"] for i in owed)), abs=0.02
    )
    assert sum(b["count"] for b in ageing["base_currency_buckets"]) == len(owed)
    assert "amounts due are today's: payments received after as_of are not added back" in ageing["notes"]
    assert result["as_of"] == "2026-10-31" and result["period_from"] is None


async def test_cash_conversion_cycle_says_which_input_came_from_where(call, xero, uk):
    result = structured(await call("xero-analytics", {"tenant_id": uk, "analysis": "cash_conversion_cycle", **PERIOD}))
    cycle = result["cash_conversion_cycle"]
    days = 365
    assert cycle["period_days"] == days
    assert cycle["days_sales_outstanding"] == pytest.approx(cycle["receivables"] / cycle["revenue"] * days, abs=0.1)
    assert cycle["days_inventory_outstanding"] == pytest.approx(
        cycle["inventory"] / cycle["cost_of_sales"] * days, abs=0.1
    )
    assert cycle["days_payables_outstanding"] == pytest.approx(
        cycle["payables"] / cycle["cost_of_sales"] * days, abs=0.1
    )
    assert cycle["cash_conversion_cycle_days"] == pytest.approx(
        cycle["days_sales_outstanding"] + cycle["days_inventory_outstanding"] - cycle["days_payables_outstanding"],
        abs=0.2,
    )
    assert [source.split(":")[0] for source in result["sources"]] == [
        "receivables",
        "inventory",
        "payables",
        "revenue",
        "cost of sales",
    ]
    assert "account 'Accounts Receivable' (610)" in result["sources"][0]


async def test_an_organisation_without_cost_of_sales_gets_a_clear_refusal(call, xero):
    us = xero.tenant_named("Sentia Spirits USA Inc.").tenant_id
    result = await call("xero-analytics", {"tenant_id": us, "analysis": "cash_conversion_cycle", **PERIOD})
    assert result.is_error
    assert text(result).endswith(
        "xero-analytics: cannot compute cash conversion cycle: the ProfitAndLoss 2025-11-01 to 2026-10-31 has no "
        "cost of sales"
    )
    tenant = xero.tenant_named("Sentia Spirits USA Inc.")
    for account in tenant.accounts.values():
        if account.get("SystemAccount") == "CREDITORS":
            account["SystemAccount"] = ""
        if account["Type"] == "INVENTORY":
            account["Type"] = "CURRENT"
    refused = await call(
        "xero-analytics", {"tenant_id": us, "analysis": "cash_conversion_cycle", "to_date": "2026-09-30"}
    )
    assert text(refused).endswith(
        "the chart of accounts of Sentia Spirits USA Inc. has no a payables account (system account CREDITORS), no an "
        "inventory account (type INVENTORY)"
    )
    ratios = structured(await call("xero-analytics", {"tenant_id": us, "analysis": "financial_ratios", **PERIOD}))
    assert ratios["financial_ratios"]["inventory"] == 0.0
    assert "no current liabilities line on the report, so the ratios that need it are not given" in ratios["notes"]
    assert ratios["financial_ratios"]["current_ratio"] is None


async def test_cash_flow_trend_counts_receipts_spending_and_payments_but_not_transfers(call, xero, uk):
    result = structured(
        await call(
            "xero-analytics",
            {"tenant_id": uk, "analysis": "cash_flow_trend", "from_date": "2026-01-01", "to_date": "2026-06-30"},
        )
    )
    trend = result["cash_flow_trend"]
    assert [m["month"] for m in trend["months"]] == ["2026-01", "2026-02", "2026-03", "2026-04", "2026-05", "2026-06"]
    tenant = xero.tenant_named("Sentia Spirits Ltd")
    inflow = Decimal(0)
    for txn in tenant.bank_transactions.values():
        if (
            txn["Status"] == "AUTHORISED"
            and txn["Type"] == "RECEIVE"
            and date(2026, 1, 1) <= txn["Date"] <= date(2026, 6, 30)
        ):
            inflow += txn["Total"] / txn["CurrencyRate"]
    for invoice in tenant.invoices.values():
        for payment in invoice["Payments"]:
            if invoice["Type"] == "ACCREC" and date(2026, 1, 1) <= payment["Date"] <= date(2026, 6, 30):
                inflow += payment["Amount"] / invoice["CurrencyRate"]
    assert trend["total_inflow"] == pytest.approx(float(inflow), abs=0.1)
    assert trend["total_net"] == pytest.approx(trend["total_inflow"] - trend["total_outflow"], abs=0.02)
    assert trend["complete"] and trend["net_trend_per_month"] is not None
    assert any("transfers between own accounts excluded" in source for source in result["sources"])


async def test_revenue_is_forecast_from_the_invoice_history_with_intervals(call, xero, uk):
    result = structured(
        await call(
            "xero-analytics",
            {
                "tenant_id": uk,
                "analysis": "forecast",
                "periods": 6,
                "from_date": "2024-12-01",
                "to_date": "2026-10-31",
                "confidence": 0.9,
            },
        )
    )
    forecast = result["forecast"]
    assert "ETS" in forecast["method"] and "statsmodels" in forecast["method"]
    assert forecast["history_points"] == 23 and forecast["confidence"] == 0.9
    assert [m["month"] for m in forecast["forecast"]] == [
        "2026-11",
        "2026-12",
        "2027-01",
        "2027-02",
        "2027-03",
        "2027-04",
    ]
    assert all(0 <= m["lower"] <= m["revenue"] <= m["upper"] for m in forecast["forecast"])
    assert len({m["revenue"] for m in forecast["forecast"]}) > 1  # never a flat stand-in
    history = forecast["history"]
    assert history[0]["month"] == "2024-12" and history[-1]["month"] == "2026-10"
    tenant = xero.tenant_named("Sentia Spirits Ltd")
    october = sum(
        i["SubTotal"] / i["CurrencyRate"]
        for i in tenant.invoices.values()
        if i["Type"] == "ACCREC" and i["Status"] in ("AUTHORISED", "PAID") and i["Date"].strftime("%Y-%m") == "2026-10"
    )
    assert history[-1]["revenue"] == pytest.approx(float(october), abs=0.05)


async def test_a_forecast_with_too_little_history_is_refused_with_the_count(call, xero):
    us = xero.tenant_named("Sentia Spirits USA Inc.").tenant_id
    result = await call(
        "xero-analytics", {"tenant_id": us, "analysis": "forecast", "from_date": "2025-01-01", "to_date": "2026-03-31"}
    )
    assert result.is_error
    assert text(result).endswith(
        "xero-analytics: cannot compute forecast: 4 months of history; at least 6 are needed to fit a trend "
        "(monthly revenue from 2025-01-01 to 2026-03-31)"
    )


async def test_analysis_arguments_that_do_not_apply_are_named(call, xero, uk):
    result = await call("xero-analytics", {"tenant_id": uk, "analysis": "forecast", "as_of": "2026-01-01"})
    assert result.is_error and "as_of applies to receivables_aging only" in text(result)
