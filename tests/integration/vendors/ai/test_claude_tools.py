"""The six Claude tools end to end through the MCP client: data from Shopify, Xero or the arguments, figures
computed by the server (checked here against the seed data and the Xero tools), words from the simulated Claude."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest
from integration.vendors.ai.conftest import structured, text

from sentia_server.auth.principal import Role
from sentia_testkit.simulators.seed_data import seed_dir

pytestmark = pytest.mark.anyio

UK_ORGANISATION = "Sentia Spirits Ltd"


def uk_orders(start: str, end: str) -> list[dict]:
    """The seed's UK orders created from `start` to `end` (UTC equals London time before late March)."""
    orders = json.loads((seed_dir("shopify") / "uk.json").read_text())["orders"]
    return [o for o in orders if start <= o["created_at"][:10] <= end]


def claude_request(anthropic_sim) -> dict:
    return json.loads(next(anthropic_sim.requests_to("messages")).content)


# claude-analyze-sales-performance


async def test_sales_of_the_uk_shop_are_computed_from_its_orders(call, anthropic_sim):
    result = structured(
        await call(
            "claude-analyze-sales-performance", {"shop": "uk", "date_from": "2026-03-01", "date_to": "2026-03-20"}
        )
    )
    counted = [o for o in uk_orders("2026-03-01", "2026-03-20") if o["cancelled_at"] is None]
    [gbp] = result["figures"]["currencies"]
    assert gbp["currency"] == "GBP"
    assert gbp["orders"] == len(counted)
    assert Decimal(str(gbp["revenue"])) == sum(Decimal(o["total"]) for o in counted)
    assert Decimal(str(gbp["refunded"])) == sum(Decimal(o["refunded"]) for o in counted)
    assert gbp["units"] == sum(line["quantity"] for o in counted for line in o["line_items"])
    assert len(result["figures"]["by_period"]) == 20
    previous = [o for o in uk_orders("2026-02-09", "2026-02-28") if o["cancelled_at"] is None]
    assert result["figures"]["previous_period"][0]["previous_orders"] == len(previous)
    top = result["figures"]["top_products"][0]
    assert top["share_of_revenue"] == pytest.approx(top["revenue"] / gbp["revenue"], abs=1e-4)
    assert result["source"] == "shopify" and result["complete"] is True
    assert result["sources"][0].startswith("Shopify orders of shop(s) uk created 2026-03-01 to 2026-03-20")
    assert result["analysis"]["summary"].startswith("[simulated]")
    request = claude_request(anthropic_sim)
    assert request["tool_choice"] == {"type": "tool", "name": "claude_analyze_sales_performance"}
    assert "@" not in request["messages"][0]["content"]  # no customer e-mail reaches the model


async def test_the_customers_scope_reads_customers_and_countries_instead_of_products(call, anthropic_sim):
    arguments = {"shop": "uk", "date_from": "2026-01-01", "date_to": "2026-03-26", "analysis_scope": "customers"}
    result = structured(await call("claude-analyze-sales-performance", arguments))
    counted = [o for o in uk_orders("2026-01-01", "2026-03-26") if o["cancelled_at"] is None]
    per_customer: dict[int, int] = {}
    for order in counted:
        if order["customer_id"] is not None:  # guest checkouts have no customer
            per_customer[order["customer_id"]] = per_customer.get(order["customer_id"], 0) + 1
    [gbp] = result["figures"]["currencies"]
    assert gbp["customers"] == len(per_customer)
    assert gbp["repeat_customers"] == sum(1 for count in per_customer.values() if count > 1)
    countries = {o["shipping_address"]["country_code"] for o in counted if o["shipping_address"]}
    assert {row["name"] for row in result["figures"]["regions"]} == countries
    assert result["figures"]["top_products"] == []
    assert "products are read for the other analysis scopes" in result["notes"][0]
    assert "with customer ids and countries" in result["sources"][0]
    prompt = claude_request(anthropic_sim)["messages"][0]["content"]
    assert "gid://shopify/Customer" not in prompt and "@" not in prompt  # counts only, no identities


async def test_the_last_30_days_of_every_shop_keep_currencies_apart(call, today):
    today(date(2026, 3, 27))
    result = structured(await call("claude-analyze-sales-performance", {"compare_previous_period": False}))
    assert (result["figures"]["date_from"], result["figures"]["date_to"]) == ("2026-02-25", "2026-03-26")
    assert [row["currency"] for row in result["figures"]["currencies"]] == ["GBP", "USD"]
    assert {row["name"] for row in result["figures"]["channels"]} == {"shopify:uk", "shopify:usa"}
    assert result["figures"]["previous_period"] is None


async def test_max_orders_says_the_reading_stopped_early(call):
    arguments = {"shop": "all", "date_from": "2026-01-01", "date_to": "2026-03-26", "max_orders": 5}
    result = structured(await call("claude-analyze-sales-performance", arguments))
    assert result["complete"] is False
    assert "max_orders stopped the reading early" in result["notes"][0]
    assert [row["orders"] for row in result["figures"]["currencies"]] == [5]  # the US shop was not reached


async def test_sales_passed_in_get_targets_and_a_forecast(call):
    sales = [
        {
            "sold_on": f"2026-{month:02d}-10",
            "currency": "GBP",
            "amount": str(1000 + 100 * month),
            "units": 10,
            "product": "Sentia Gold 70cl",
            "channel": "trade",
            "customer": f"c{month % 3}",
            "region": "GB",
        }
        for month in range(1, 9)
    ]
    sales.append({"order_id": "A-1", "sold_on": "2026-08-11", "currency": "EUR", "amount": "40", "product": "Red 50cl"})
    sales.append(
        {"order_id": "A-1", "sold_on": "2026-08-11", "currency": "EUR", "amount": "60", "product": "Gold 70cl"}
    )
    arguments = {
        "sales": sales,
        "revenue_targets": [{"currency": "GBP", "amount": "12000"}],
        "include_forecast": True,
        "forecast_months": 2,
        "compare_previous_period": True,
    }
    result = structured(await call("claude-analyze-sales-performance", arguments))
    figures = result["figures"]
    assert (figures["date_from"], figures["date_to"], figures["granularity"]) == ("2026-01-10", "2026-08-11", "month")
    gbp, eur = sorted(figures["currencies"], key=lambda row: row["currency"], reverse=True)
    assert (gbp["revenue"], gbp["orders"], gbp["customers"], gbp["repeat_customers"]) == (11600.0, 8, 3, 3)
    assert (eur["revenue"], eur["orders"]) == (100.0, 1)
    assert figures["targets"] == [
        {"currency": "GBP", "target_revenue": 12000.0, "revenue": 11600.0, "attainment": 0.9667, "gap": 400.0}
    ]
    [forecast] = result["forecasts"]
    assert forecast["currency"] == "GBP" and len(forecast["forecast"]["forecast"]) == 2
    assert "no EUR forecast" in result["notes"][-1]
    assert "no sales passed for the previous period" in result["notes"][0]
    assert result["source"] == "provided"


async def test_a_period_without_sales_is_refused_before_any_model_call(call, anthropic_sim):
    result = await call(
        "claude-analyze-sales-performance", {"shop": "uk", "date_from": "2025-06-01", "date_to": "2025-06-30"}
    )
    assert result.is_error
    assert "claude-analyze-sales-performance: no sales from 2025-06-01 to 2025-06-30" in text(result)
    assert list(anthropic_sim.requests_to("messages")) == []


async def test_reading_shopify_needs_the_commerce_read_permission(call):
    from sentia_server.auth.permissions import Permission, permissions_of

    assert Permission.COMMERCE_READ in permissions_of(Role.OPERATOR)
    result = await call("claude-analyze-sales-performance", {"shop": "nowhere", "days": 7})
    assert result.is_error
    assert "shopify: no shop named 'nowhere' is configured" in text(result)


# claude-analyze-financial-data


async def test_financial_ratios_from_xero_match_the_xero_analytics_tool(call, xero_sim, today):
    today(date(2026, 11, 27))
    tenant = xero_sim.tenant_named(UK_ORGANISATION).tenant_id
    result = structured(await call("claude-analyze-financial-data", {"tenant_id": tenant, "include_forecast": True}))
    ratios = result["figures"]["ratios"]
    xero = structured(await call("xero-analytics", {"tenant_id": tenant, "analysis": "financial_ratios"}))
    assert ratios["current_ratio"] == xero["financial_ratios"]["current_ratio"]
    assert ratios["quick_ratio"] == xero["financial_ratios"]["quick_ratio"]
    assert ratios["gross_margin"] == xero["financial_ratios"]["gross_margin"]
    assert ratios["net_margin"] == xero["financial_ratios"]["net_margin"]
    cycle = structured(await call("xero-analytics", {"tenant_id": tenant, "analysis": "cash_conversion_cycle"}))
    assert ratios["cash_conversion_cycle_days"] == cycle["cash_conversion_cycle"]["cash_conversion_cycle_days"]
    assert (result["period_from"], result["period_to"]) == ("2025-11-01", "2026-10-31")
    assert result["organisation"] == UK_ORGANISATION
    assert result["growth"]["periods"] == len(result["forecast"]["history"])
    assert len(result["forecast"]["forecast"]) == 6
    assert any(source.startswith("revenue: ProfitAndLoss 2025-11-01 to 2026-10-31") for source in result["sources"])


async def test_an_organisation_without_an_inventory_account_gets_those_ratios_left_out(
    call, xero_sim, today, monkeypatch
):
    from sentia_server.integrations.xero import figures

    today(date(2026, 11, 27))
    tenant = xero_sim.tenant_named(UK_ORGANISATION)
    for key in [key for key, account in tenant.accounts.items() if account.get("Type") == "INVENTORY"]:
        del tenant.accounts[key]
    monkeypatch.setattr(figures, "MAX_PAGES", 1)
    result = structured(await call("claude-analyze-financial-data", {"tenant_id": tenant.tenant_id}))
    assert "the chart of accounts has no inventory account, so the ratios that need it are left out" in result["notes"]
    assert result["figures"]["ratios"]["quick_ratio"] is None
    assert "quick_ratio: no inventory" in result["figures"]["not_computed"]
    assert "more invoices existed than one analysis reads (2000); the latest months are partial" in result["notes"]


async def test_statements_passed_in_give_exact_ratios_and_name_what_is_missing(call):
    arguments = {
        "statements": {
            "currency": "GBP",
            "period_days": 365,
            "revenue": "1000000",
            "cost_of_sales": "400000",
            "operating_expenses": "350000",
            "net_profit": "180000",
            "current_assets": "500000",
            "inventory": "100000",
            "current_liabilities": "250000",
            "receivables": "150000",
            "payables": "80000",
        },
        "history": [
            {"period_end": "2024-12-31", "revenue": "800000", "net_profit": "120000"},
            {"period_end": "2025-12-31", "revenue": "1000000", "net_profit": "180000"},
        ],
        "analysis_type": "growth",
    }
    result = structured(await call("claude-analyze-financial-data", arguments))
    ratios = result["figures"]["ratios"]
    assert (ratios["gross_margin"], ratios["operating_margin"], ratios["net_margin"]) == (0.6, 0.25, 0.18)
    assert (ratios["current_ratio"], ratios["quick_ratio"]) == (2.0, 1.6)
    assert (ratios["days_sales_outstanding"], ratios["days_inventory_outstanding"]) == (54.8, 91.2)
    assert ratios["cash_conversion_cycle_days"] == 73.0
    assert ratios["cash_ratio"] is None and ratios["debt_to_equity"] is None
    assert result["figures"]["not_computed"] == [
        "cash_ratio: no cash",
        "debt_to_equity: no total_liabilities and no equity",
    ]
    assert result["growth"]["revenue_growth"] == [0.25]
    assert result["growth"]["net_margin_by_period"] == [0.15, 0.18]
    assert result["source"] == "provided" and result["organisation"] is None


async def test_a_forecast_from_too_little_history_is_a_note_not_a_guess(call):
    arguments = {"statements": {"currency": "GBP", "revenue": "100"}, "include_forecast": True}
    result = structured(await call("claude-analyze-financial-data", arguments))
    assert result["forecast"] is None
    assert "no forecast: 0 months of history; at least 6 are needed to fit a trend" in result["notes"]


# claude-generate-business-reports


async def test_a_monthly_report_combines_kpis_shopify_sales_and_xero_statements(call, xero_sim, anthropic_sim):
    arguments = {
        "report_type": "monthly_report",
        "timeframe": "custom",
        "date_from": "2026-03-01",
        "date_to": "2026-03-31",
        "kpis": [
            {"name": "Bottling line OEE", "value": "0.71", "target": "0.75", "previous": "0.68", "unit": "%"},
            {"name": "Customer complaints", "value": "4", "target": "6", "higher_is_better": False, "alert_max": "3"},
            {"name": "Gin stock weeks", "value": "5"},
        ],
        "sales_shop": "uk",
        "include_financials": True,
        "tenant_id": xero_sim.tenant_named(UK_ORGANISATION).tenant_id,
        "custom_sections": [{"title": "Launch", "content": "Sentia Gold launched in Waitrose."}],
        "include_action_items": False,
    }
    result = structured(await call("claude-generate-business-reports", arguments))
    figures = result["figures"]
    oee, complaints, stock = figures["kpis"]["kpis"]
    assert (oee["status"], oee["attainment"], oee["change"]) == ("off_track", 0.9467, 0.0441)
    assert (complaints["status"], complaints["attainment"]) == ("on_track", 1.5)
    assert stock["status"] == "no_target"
    assert figures["kpis"]["alerts"] == [
        {"name": "Customer complaints", "value": 4.0, "threshold": 3.0, "breach": "above_maximum"}
    ]
    assert figures["sales"]["currencies"][0]["currency"] == "GBP"
    assert figures["financials"]["statements"]["currency"] == "GBP"
    assert figures["organisation"] == UK_ORGANISATION
    assert result["report"]["action_items"] == []
    assert "## Launch" in claude_request(anthropic_sim)["messages"][0]["content"]


async def test_last_month_is_the_default_period(call, today):
    today(date(2026, 4, 10))
    arguments = {"report_type": "kpi_dashboard", "kpis": [{"name": "Orders", "value": "120", "target": "100"}]}
    result = structured(await call("claude-generate-business-reports", arguments))
    assert (result["period_from"], result["period_to"]) == ("2026-03-01", "2026-03-31")
    assert result["report"]["action_items"]


async def test_a_report_without_data_is_refused(call):
    result = await call("claude-generate-business-reports", {"report_type": "custom"})
    assert "a report needs data" in text(result)


# claude-inventory-optimization


async def test_stock_and_demand_of_the_uk_shop_give_each_sku_a_policy(call, today, shopify_sim):
    today(date(2026, 3, 27))
    arguments = {
        "shop": "uk",
        "demand_days": 90,
        "lead_time_days": 14,
        "unit_costs": {"SEN-GLD-50": "9.40"},
        "ordering_cost": "45",
        "holding_cost_rate": 0.25,
        "optimization_goals": ["maximize_service_level", "improve_cash_flow"],
    }
    result = structured(await call("claude-inventory-optimization", arguments))
    figures = result["figures"]
    assert figures["z_score"] == 1.6449
    items = {item["sku"]: item for item in figures["items"]}
    gold = items["SEN-GLD-50"]
    assert gold["on_hand"] == 121 + 10 + 19  # on hand at the three active locations
    sold = sum(
        line["quantity"]
        for o in uk_orders("2025-12-27", "2026-03-26")
        if o["cancelled_at"] is None
        for line in o["line_items"]
        if line["sku"] == "SEN-GLD-50"
    )
    assert gold["history_days"] == 90
    assert gold["average_daily_demand"] == round(sold / 90, 3)
    assert gold["reorder_point"] == pytest.approx(gold["average_daily_demand"] * 14 + gold["safety_stock"], abs=0.2)
    assert gold["economic_order_quantity"] is not None and gold["stock_value"] is not None
    assert figures["abc_basis"] == "units"
    assert sum(figures["status_counts"].values()) == len(items)
    assert result["sources"][0].startswith("stock: Shopify inventory of shop uk, summed over")


async def test_stock_is_read_page_by_page_within_a_request_budget(call, today, monkeypatch):
    from sentia_server.ai.sources import shopify

    today(date(2026, 3, 27))
    monkeypatch.setattr(shopify, "STOCK_PAGE", 4)
    monkeypatch.setattr(shopify, "MAX_STOCK_REQUESTS", 2)
    arguments = {"shop": "uk", "lead_time_days": 10, "optimization_goals": ["optimize_turnover"], "include_abc": False}
    result = structured(await call("claude-inventory-optimization", arguments))
    assert len(result["figures"]["items"]) == 8  # two pages of four levels
    assert result["figures"]["abc_counts"] is None
    assert "the shop has more inventory levels than one analysis reads; some SKUs are missing" in result["notes"]
    assert any(note.startswith("sold but not in the shop's tracked stock:") for note in result["notes"])


async def test_items_passed_in_get_the_textbook_policy(call):
    arguments = {
        "items": [
            {
                "sku": "GIN-70",
                "on_hand": 40,
                "daily_demand": [4, 6, 5, 5, 4, 6, 5],
                "unit_cost": "8",
                "lead_time_days": 4,
            },
            {"sku": "TONIC-4", "on_hand": 900, "daily_demand": [1, 1, 1, 1, 1, 1, 1], "unit_cost": "1"},
            {"sku": "GLASS", "on_hand": 10, "daily_demand": [0, 0, 0, 0, 0, 0, 0], "unit_cost": "3"},
        ],
        "lead_time_days": 9,
        "service_level": 0.95,
        "optimization_goals": ["minimize_costs"],
        "forecast_horizon": "1_month",
    }
    result = structured(await call("claude-inventory-optimization", arguments))
    gin, tonic, glass = result["figures"]["items"]
    assert (gin["average_daily_demand"], gin["demand_std_dev"]) == (5.0, 0.816)
    assert gin["safety_stock"] == 2.7  # 1.6449 * 0.8165 * sqrt(4)
    assert gin["reorder_point"] == 22.7
    assert (gin["days_of_cover"], gin["horizon_demand"], gin["status"]) == (8.0, 150.0, "ok")
    assert gin["suggested_order_units"] == 133
    assert (tonic["lead_time_days"], tonic["status"], tonic["abc_class"]) == (9.0, "overstock", "C")
    assert (glass["status"], glass["days_of_cover"], glass["abc_class"]) == ("no_demand", None, "C")
    assert gin["abc_class"] == "A"
    assert result["figures"]["total_stock_value"] == 1250.0


async def test_a_shop_needs_a_lead_time(call):
    result = await call("claude-inventory-optimization", {"shop": "uk", "optimization_goals": ["reduce_waste"]})
    assert "lead_time_days is needed with shop" in text(result)


# claude-competitive-analysis


async def test_price_positions_and_concentration_are_computed(call):
    arguments = {
        "company": {
            "name": "Sentia Spirits",
            "market_share": 0.05,
            "products": [
                {"name": "Sentia Gold 70cl", "category": "Gin", "price": "34", "currency": "GBP", "size_ml": 700},
                {"name": "Sentia Tonic", "category": "Tonic", "price": "2.50", "currency": "GBP"},
            ],
            "strengths": ["botanical expertise"],
        },
        "competitors": [
            {
                "name": "Hedgerow",
                "market_share": 0.30,
                "products": [
                    {"name": "Hedgerow Dry 70cl", "category": "gin", "price": "28", "currency": "GBP", "size_ml": 700}
                ],
            },
            {
                "name": "Coastline",
                "market_share": 0.20,
                "products": [
                    {"name": "Coastline 50cl", "category": "gin", "price": "32", "currency": "GBP", "size_ml": 500}
                ],
            },
        ],
        "market": {
            "size": "2000000",
            "currency": "GBP",
            "growth_rate": 0.04,
            "segments": [{"name": "premium gin", "size": "800000"}, {"name": "mixers", "size": "1200000"}],
        },
        "competitor_focus": ["Hedgerow"],
    }
    result = structured(await call("claude-competitive-analysis", arguments))
    figures = result["figures"]
    [gin] = figures["price_positions"]
    assert (gin["our_average_price"], gin["competitor_average_price"], gin["price_index"]) == (34.0, 30.0, 113.3)
    assert (gin["position"], gin["our_price_per_litre"], gin["competitor_price_per_litre"]) == ("premium", 48.57, 52.0)
    assert figures["categories_without_comparison"] == ["Tonic (GBP)"]
    assert [(row["name"], row["rank"], row["revenue_estimate"]) for row in figures["shares"]] == [
        ("Hedgerow", 1, 600000.0),
        ("Coastline", 2, 400000.0),
        ("Sentia Spirits", 3, 100000.0),
    ]
    assert (figures["hhi"], figures["concentration"]) == (1325.0, "unconcentrated")
    assert figures["segments_by_size"] == ["mixers", "premium gin"]
    assert result["analysis"]["positioning"].startswith("[simulated]")
    assert "Tonic (GBP)" in result["notes"][0]


async def test_shares_over_one_are_refused(call):
    arguments = {
        "company": {"name": "A", "market_share": 0.7},
        "competitors": [{"name": "B", "market_share": 0.6}],
    }
    assert "the market shares add up to 1.300, more than 1" in text(
        await call("claude-competitive-analysis", arguments)
    )


# claude-strategic-planning


async def test_a_plan_weights_the_scenarios_and_adds_xero_ratios(call, xero_sim, today):
    today(date(2026, 11, 27))
    arguments = {
        "strategic_context": {
            "current_position": "A botanical spirits maker selling in the UK, EU and US.",
            "market_environment": "Premium gin is flat; alcohol-free grows.",
            "capabilities": ["distilling", "botanical sourcing"],
        },
        "planning_horizon": "3_years",
        "strategic_focus": ["growth", "sustainability"],
        "objectives": [
            {"category": "market", "description": "Grow US revenue", "target": "30% of revenue", "priority": "high"},
            {"category": "sustainability", "description": "Lightweight glass", "priority": "medium"},
        ],
        "scenarios": [
            {
                "name": "US tariff",
                "description": "25% tariff on EU spirits",
                "probability": 0.3,
                "revenue_impact_pct": -12,
            },
            {
                "name": "Retail listing",
                "description": "National grocer lists Sentia Gold",
                "probability": 0.5,
                "revenue_impact_pct": 20,
            },
        ],
        "include_xero_financials": True,
        "tenant_id": xero_sim.tenant_named(UK_ORGANISATION).tenant_id,
    }
    result = structured(await call("claude-strategic-planning", arguments))
    figures = result["figures"]
    assert figures["horizon_years"] == 3
    assert figures["objectives_by_priority"] == {"high": 1, "medium": 1}
    assert figures["expected_revenue_impact_pct"] == 6.4  # 0.3 * -12 + 0.5 * 20
    assert figures["scenario_probability_total"] == 0.8
    assert result["financials"]["ratios"]["current_ratio"] is not None
    assert "the scenarios' probabilities add up to less than 1" in result["notes"][-1]
    assert result["plan"]["pillars"][0]["initiatives"][0]["phase"] == "year_1"


async def test_probabilities_over_one_are_refused(call):
    arguments = {
        "strategic_context": {"current_position": "x"},
        "planning_horizon": "1_year",
        "strategic_focus": ["efficiency"],
        "scenarios": [
            {"name": "a", "description": "a", "probability": 0.7},
            {"name": "b", "description": "b", "probability": 0.6},
        ],
    }
    assert "probabilities add up to 1.300, more than 1" in text(await call("claude-strategic-planning", arguments))
