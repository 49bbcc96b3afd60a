"""openai-automated-reporting: a report for a period from the caller's metrics (attainment, variances, changes
and threshold alerts computed by the server) and, when asked, the period's Shopify sales and Xero statements;
the model writes the report."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import Field, model_validator

from sentia_server.ai.figures.kpis import Category, KpiIn
from sentia_server.ai.narrative import ReportNarrative
from sentia_server.ai.snapshot import Snapshot, SnapshotRequest, business_snapshot
from sentia_server.ai.tooling import AiResult, AiTool
from sentia_server.tools.context import ToolContext
from sentia_server.tools.openai.common import VENDOR, Context, openai_tool
from sentia_server.tools.registry import ToolInput
from sentia_server.tools.xero.common import TenantId

NAME = "openai-automated-reporting"
ACTIONS = " Give recommendations as action items."
NO_ACTIONS = " Leave action_items empty."
ReportType = Literal[
    "executive_summary",
    "operational_report",
    "financial_report",
    "quality_report",
    "performance_dashboard",
    "kpi_monitoring",
    "trend_analysis",
    "compliance_report",
    "custom_report",
]


class AutomatedReportInput(ToolInput):
    report_type: ReportType = Field(description="The kind of report.")
    period_start: date = Field(description="First day of the period (YYYY-MM-DD).")
    period_end: date = Field(description="Last day of the period (YYYY-MM-DD), inclusive.")
    metrics: list[KpiIn] = Field(
        default_factory=list, max_length=100, description="Metrics with targets, previous values and alert limits."
    )
    comparison: Literal["previous_period", "previous_year", "target"] = Field(
        default="previous_period", description="What metrics' previous values stand for, in the report's words."
    )
    sales_shop: str | None = Field(
        default=None,
        pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$",
        description="Add the period's sales of this Shopify shop (uk, usa or all).",
    )
    include_financials: bool = Field(default=False, description="Add the period's Xero statements and ratios.")
    tenant_id: TenantId
    audience: Literal["executives", "managers", "operators", "board", "stakeholders"] = Field(
        default="managers", description="Who will read the report."
    )
    detail_level: Literal["high_level", "detailed", "technical"] = Field(
        default="detailed", description="How much detail to give."
    )
    format: Literal["narrative", "structured", "dashboard", "mixed"] = Field(
        default="mixed", description="How the report is laid out."
    )
    focus_areas: list[Category] = Field(description="Areas to stress.", default_factory=list, max_length=10)
    include_recommendations: bool = Field(default=True, description="Add recommendations as action items.")
    context: Context

    @model_validator(mode="after")
    def _consistent(self) -> AutomatedReportInput:
        if self.period_start > self.period_end:
            raise ValueError("period_start must not be after period_end")
        if not (self.metrics or self.sales_shop or self.include_financials):
            raise ValueError("a report needs data: metrics, sales_shop or include_financials")
        if self.tenant_id and not self.include_financials:
            raise ValueError("tenant_id selects the Xero organisation of include_financials")
        return self


class AutomatedReportResult(AiResult):
    report_type: str
    period_start: date
    period_end: date
    figures: Snapshot
    report: ReportNarrative


@openai_tool(NAME, "OpenAI: automated reporting")
async def automated_report(params: AutomatedReportInput, ctx: ToolContext) -> AutomatedReportResult:
    """Produce a report (executive, operational, financial, quality, dashboard, KPI monitoring, trend, compliance)
    for a period: the server computes each metric's attainment, variance and change and raises alerts where values
    cross their limits, and, when asked, adds the period's Shopify sales and Xero statements and ratios; the model
    writes the report's sections and, when asked, recommendations as action items."""
    ai = AiTool.start(ctx, NAME, VENDOR)
    request = SnapshotRequest(
        start=params.period_start,
        end=params.period_end,
        kpis=params.metrics,
        shop=params.sales_shop,
        financials=params.include_financials,
        tenant_id=params.tenant_id,
    )
    snapshot = await business_snapshot(ctx, request)
    answer = await ai.write(
        ReportNarrative,
        task=f"Write a {params.report_type.replace('_', ' ')} for {params.period_start} to {params.period_end}; "
        "call out every alert."
        + (
            " Give recommendations as action items." if params.include_recommendations else " Leave action_items empty."
        ),
        options={
            "audience": params.audience,
            "detail_level": params.detail_level,
            "format": params.format,
            "focus_areas": params.focus_areas,
            "previous values are": params.comparison,
        },
        data=snapshot,
        material=params.context,
    )
    report = answer.value
    if not params.include_recommendations:
        report.action_items = []
    return AutomatedReportResult(
        report_type=params.report_type,
        period_start=params.period_start,
        period_end=params.period_end,
        figures=snapshot,
        report=report,
        usage=answer.usage,
        sources=request.sources,
        notes=request.notes,
    )
