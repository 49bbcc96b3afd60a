"""Every AI tool's input model refuses inconsistent arguments with a message that names the problem."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

from sentia_server.tools.anthropic.competition import CompetitiveAnalysisInput
from sentia_server.tools.anthropic.financial import FinancialAnalysisInput
from sentia_server.tools.anthropic.inventory import InventoryInput, InventoryItemIn
from sentia_server.tools.anthropic.planning import StrategicPlanningInput
from sentia_server.tools.anthropic.reports import BusinessReportInput
from sentia_server.tools.anthropic.sales import SalesPerformanceInput
from sentia_server.tools.openai.customer_insights import CustomerInsightsInput
from sentia_server.tools.openai.forecasting import ForecastingInput
from sentia_server.tools.openai.operations import OperationsInput
from sentia_server.tools.openai.reporting import AutomatedReportInput

TENANT = "0b0c6d3e-54a8-4b0f-a0a1-7e2f3c9d4e10"
WEEK = [1, 2, 3, 4, 5, 6, 7]
SALE = {"sold_on": "2026-03-01", "currency": "GBP", "amount": "10"}
ITEM = {"sku": "GIN-70", "on_hand": 5, "daily_demand": WEEK}
CONTEXT = {"current_position": "A gin distillery."}
FEEDBACK = {"id": "a", "text": "Nice", "source": "reviews"}

CASES: list[tuple[type[BaseModel], dict[str, Any], str]] = [
    (SalesPerformanceInput, {"days": 7, "date_from": "2026-03-01", "date_to": "2026-03-02"}, "not both"),
    (SalesPerformanceInput, {"date_from": "2026-03-01"}, "date_from and date_to go together"),
    (SalesPerformanceInput, {"date_from": "2026-03-02", "date_to": "2026-03-01"}, "must not be after"),
    (SalesPerformanceInput, {"date_from": "2024-01-01", "date_to": "2026-03-01"}, "spans more than 731 days"),
    (
        SalesPerformanceInput,
        {"revenue_targets": [{"currency": "GBP", "amount": 1}, {"currency": "GBP", "amount": 2}]},
        "revenue_targets has a currency twice",
    ),
    (FinancialAnalysisInput, {"date_from": "2026-03-02", "date_to": "2026-03-01"}, "must not be after"),
    (FinancialAnalysisInput, {"history": [{"period_end": "2026-01-31", "revenue": 1}]}, "history goes with statements"),
    (FinancialAnalysisInput, {"statements": {"currency": "GBP"}, "tenant_id": TENANT}, "do not apply to statements"),
    (FinancialAnalysisInput, {"focus_areas": ["debt", "debt"]}, "focus_areas has an area twice"),
    (BusinessReportInput, {"report_type": "custom", "timeframe": "custom", "kpis": []}, "go with timeframe=custom"),
    (
        BusinessReportInput,
        {
            "report_type": "custom",
            "timeframe": "custom",
            "date_from": "2026-03-02",
            "date_to": "2026-03-01",
            "include_financials": True,
        },
        "must not be after",
    ),
    (
        BusinessReportInput,
        {"report_type": "custom", "sales_shop": "uk", "tenant_id": TENANT},
        "tenant_id selects the Xero organisation of include_financials",
    ),
    (InventoryInput, {"optimization_goals": ["reduce_waste"]}, "pass either shop"),
    (InventoryInput, {"optimization_goals": ["reduce_waste"], "items": [ITEM]}, "every item needs lead_time_days"),
    (
        InventoryInput,
        {"optimization_goals": ["reduce_waste"], "items": [ITEM, ITEM], "lead_time_days": 3},
        "items has a SKU twice",
    ),
    (
        InventoryInput,
        {"optimization_goals": ["reduce_waste"], "items": [ITEM], "lead_time_days": 3, "unit_costs": {"GIN-70": 1}},
        "unit_costs go with shop",
    ),
    (InventoryItemIn, {**ITEM, "daily_demand": [1, 2, 3, 4, 5, 6, -1]}, "daily_demand cannot be negative"),
    (
        CompetitiveAnalysisInput,
        {"company": {"name": "A"}, "competitors": [{"name": "A"}]},
        "competitor names must be unique",
    ),
    (
        CompetitiveAnalysisInput,
        {"company": {"name": "A"}, "competitors": [{"name": "B"}], "competitor_focus": ["C"]},
        "competitor_focus names unknown competitors: C",
    ),
    (
        StrategicPlanningInput,
        {"strategic_context": CONTEXT, "planning_horizon": "1_year", "strategic_focus": ["growth", "growth"]},
        "strategic_focus has an area twice",
    ),
    (
        StrategicPlanningInput,
        {
            "strategic_context": CONTEXT,
            "planning_horizon": "1_year",
            "strategic_focus": ["growth"],
            "tenant_id": TENANT,
        },
        "tenant_id selects the Xero organisation of include_xero_financials",
    ),
    (CustomerInsightsInput, {"analysis_type": "voice_of_customer", "feedback": [FEEDBACK, FEEDBACK]}, "unique"),
    (
        OperationsInput,
        {"optimization_type": "lean_manufacturing", "processes": [{"name": "A", "cycle_time_minutes": 1}] * 2},
        "process step names must be unique",
    ),
    (ForecastingInput, {"forecast_type": "demand_forecasting"}, "choose one source"),
    (
        ForecastingInput,
        {"forecast_type": "demand_forecasting", "shop": "uk", "tenant_id": TENANT},
        "tenant_id selects the Xero organisation of xero_revenue",
    ),
    (
        AutomatedReportInput,
        {"report_type": "custom_report", "period_start": "2026-03-02", "period_end": "2026-03-01", "sales_shop": "uk"},
        "period_start must not be after period_end",
    ),
    (
        AutomatedReportInput,
        {"report_type": "custom_report", "period_start": "2026-03-01", "period_end": "2026-03-31"},
        "a report needs data",
    ),
    (
        AutomatedReportInput,
        {
            "report_type": "custom_report",
            "period_start": "2026-03-01",
            "period_end": "2026-03-31",
            "sales_shop": "uk",
            "tenant_id": TENANT,
        },
        "tenant_id selects the Xero organisation of include_financials",
    ),
]


@pytest.mark.parametrize(("model", "arguments", "message"), CASES)
def test_inconsistent_arguments_are_refused_with_the_reason(model, arguments, message):
    with pytest.raises(ValidationError, match=message):
        model.model_validate(arguments)


def test_sales_passed_in_set_the_period_when_no_dates_are_given():
    params = SalesPerformanceInput.model_validate(
        {"sales": [SALE, {**SALE, "sold_on": "2026-01-05"}], "compare_previous_period": False}
    )
    from datetime import date

    assert params.period(date(2026, 11, 27)) == (date(2026, 1, 5), date(2026, 3, 1))


def test_an_item_keeps_its_own_lead_time():
    params = InventoryInput.model_validate(
        {"optimization_goals": ["minimize_costs"], "items": [{**ITEM, "lead_time_days": 2}], "lead_time_days": 9}
    )
    assert (params.lead_time(2), params.lead_time(None)) == (2, 9)
    bare = InventoryInput.model_validate(
        {"optimization_goals": ["minimize_costs"], "items": [{**ITEM, "lead_time_days": 2}]}
    )
    from mcp.server.mcpserver.exceptions import ToolError

    with pytest.raises(ToolError, match="lead_time_days is missing"):
        bare.lead_time(None)
