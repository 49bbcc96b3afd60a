"""claude-generate-business-reports: a business report for a period from the caller's KPIs and, when asked, the
period's Shopify sales and Xero statements, with every figure computed by the server and Claude writing the
report."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from sentia_server.ai import periods
from sentia_server.ai.figures.kpis import KpiIn
from sentia_server.ai.narrative import ReportNarrative
from sentia_server.ai.periods import Timeframe
from sentia_server.ai.snapshot import Snapshot, SnapshotRequest, business_snapshot
from sentia_server.ai.tooling import AiResult, AiTool
from sentia_server.tools.anthropic.common import VENDOR, claude_tool
from sentia_server.tools.context import ToolContext
from sentia_server.tools.registry import ToolInput
from sentia_server.tools.xero.common import TenantId

NAME = "claude-generate-business-reports"
ReportType = Literal[
    "executive_summary", "quarterly_review", "monthly_report", "annual_report", "kpi_dashboard", "custom"
]
FocusArea = Literal[
    "financial_performance",
    "operational_efficiency",
    "sales_growth",
    "quality_metrics",
    "strategic_initiatives",
    "risk_management",
]


class CustomSection(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: str = Field(description="The section's title.", min_length=1, max_length=160)
    content: str = Field(min_length=1, max_length=8000, description="Material for the section, in your words.")


class BusinessReportInput(ToolInput):
    report_type: ReportType = Field(description="The kind of report.")
    timeframe: Timeframe = Field(
        default="last_month", description="The reporting period; custom needs date_from and date_to."
    )
    date_from: date | None = Field(default=None, description="With timeframe=custom: first day (YYYY-MM-DD).")
    date_to: date | None = Field(default=None, description="With timeframe=custom: last day (YYYY-MM-DD), inclusive.")
    audience: Literal["board", "executives", "management", "stakeholders", "investors"] = Field(
        default="executives", description="Who will read the report."
    )
    focus_areas: list[FocusArea] = Field(description="Areas to stress.", default_factory=list, max_length=6)
    kpis: list[KpiIn] = Field(
        description="KPIs with targets, previous values and alert limits.", default_factory=list, max_length=60
    )
    sales_shop: str | None = Field(
        default=None,
        pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$",
        description="Add the period's sales of this Shopify shop (uk, usa or all).",
    )
    include_financials: bool = Field(default=False, description="Add the period's Xero statements and ratios.")
    tenant_id: TenantId
    custom_sections: list[CustomSection] = Field(
        description="Sections of material to include, in your words.", default_factory=list, max_length=10
    )
    include_action_items: bool = Field(default=True, description="Add action items with owners and due times.")

    @model_validator(mode="after")
    def _consistent(self) -> BusinessReportInput:
        if (self.timeframe == "custom") != (self.date_from is not None and self.date_to is not None):
            raise ValueError("date_from and date_to go with timeframe=custom, and custom needs both")
        if self.date_from and self.date_to and self.date_from > self.date_to:
            raise ValueError("date_from must not be after date_to")
        if not (self.kpis or self.sales_shop or self.include_financials or self.custom_sections):
            raise ValueError("a report needs data: kpis, sales_shop, include_financials or custom_sections")
        if self.tenant_id and not self.include_financials:
            raise ValueError("tenant_id selects the Xero organisation of include_financials")
        return self

    def period(self, today: date) -> tuple[date, date]:
        if self.date_from and self.date_to:
            return self.date_from, self.date_to
        return periods.named_period(self.timeframe, today)


class BusinessReportResult(AiResult):
    report_type: str
    period_from: date
    period_to: date
    figures: Snapshot
    report: ReportNarrative


@claude_tool(NAME, "Claude: business report")
async def generate_business_report(params: BusinessReportInput, ctx: ToolContext) -> BusinessReportResult:
    """Write a business report (executive summary, monthly, quarterly or annual review, KPI dashboard, custom)
    for a period: the server computes KPI attainment, variances, changes and alerts from the KPIs you pass, and,
    when asked, the period's Shopify sales and Xero statements and ratios; Claude writes the report's sections and
    action items."""
    ai = AiTool.start(ctx, NAME, VENDOR)
    start, end = params.period(periods.utc_today())
    request = SnapshotRequest(
        start=start,
        end=end,
        kpis=params.kpis,
        shop=params.sales_shop,
        financials=params.include_financials,
        tenant_id=params.tenant_id,
    )
    snapshot = await business_snapshot(ctx, request)
    if params.custom_sections:
        request.sources.append(f"{len(params.custom_sections)} sections of material passed by the caller")
    material = "\n\n".join(f"## {section.title}\n{section.content}" for section in params.custom_sections)
    answer = await ai.write(
        ReportNarrative,
        task=f"Write a {params.report_type.replace('_', ' ')} for {start} to {end}."
        + (" Include action items." if params.include_action_items else " Leave action_items empty."),
        options={"audience": params.audience, "focus_areas": params.focus_areas, "report_type": params.report_type},
        data=snapshot,
        material=material or None,
    )
    report = answer.value
    if not params.include_action_items:
        report.action_items = []
    return BusinessReportResult(
        report_type=params.report_type,
        period_from=start,
        period_to=end,
        figures=snapshot,
        report=report,
        usage=answer.usage,
        sources=request.sources,
        notes=request.notes,
    )
