"""claude-analyze-financial-data: ratios, working-capital days, growth and a revenue forecast computed from an
organisation's Xero reports and invoices (or statements the caller passes), and Claude's reading of them."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Literal

import anyio
from pydantic import Field, model_validator

from sentia_server.ai import periods
from sentia_server.ai.figures.financial import (
    FinancialFigures,
    GrowthOut,
    PeriodResult,
    Statements,
    financial_figures,
    growth,
)
from sentia_server.ai.figures.timeseries import ForecastOut, forecast, monthly_series
from sentia_server.ai.narrative import Narrative
from sentia_server.ai.sources.xero import xero_revenue_entries, xero_statements
from sentia_server.ai.tooling import AiResult, AiTool
from sentia_server.analytics.forecast import MAX_PERIODS, ForecastRefused
from sentia_server.analytics.trend import shift_months
from sentia_server.tools.anthropic.common import VENDOR, Context, claude_tool
from sentia_server.tools.context import ToolContext
from sentia_server.tools.registry import ToolInput
from sentia_server.tools.xero.common import TenantId

NAME = "claude-analyze-financial-data"
HISTORY_MONTHS = 24
AnalysisType = Literal["comprehensive", "profitability", "liquidity", "efficiency", "growth", "risk"]
FocusArea = Literal["revenue", "costs", "margins", "cash_flow", "working_capital", "debt", "returns"]
TASKS: dict[str, str] = {
    "comprehensive": "Analyse the business's financial health: profitability, liquidity, efficiency, growth, risk.",
    "profitability": "Analyse profitability: gross, operating and net margins and what drives them.",
    "liquidity": "Analyse liquidity: current, quick and cash ratios, and the ability to meet short-term debts.",
    "efficiency": "Analyse working-capital efficiency: days sales, inventory and payables outstanding, the cycle.",
    "growth": "Analyse growth: revenue change period on period, the trend, margins over time and the forecast.",
    "risk": "Analyse financial risk: leverage, liquidity buffers, margin pressure and concentration.",
}


class FinancialAnalysisInput(ToolInput):
    tenant_id: TenantId
    date_from: date | None = Field(default=None, description="Start of the period; default 12 full months back.")
    date_to: date | None = Field(default=None, description="End of the period; default the end of last month.")
    statements: Statements | None = Field(
        default=None, description="The period's statements; when given they are analysed instead of reading Xero."
    )
    history: list[PeriodResult] = Field(
        default_factory=list, max_length=120, description="With statements: past periods, for growth and forecast."
    )
    analysis_type: AnalysisType = Field(default="comprehensive", description="What the analysis concentrates on.")
    focus_areas: list[FocusArea] = Field(description="Areas to stress.", default_factory=list, max_length=7)
    include_forecast: bool = Field(default=False, description="Forecast revenue from the monthly history.")
    forecast_months: int = Field(
        description="With include_forecast: months to forecast (1-24).", default=6, ge=1, le=MAX_PERIODS
    )
    confidence_level: float = Field(default=0.95, ge=0.5, le=0.99, description="Of the forecast's intervals.")
    audience: Literal["board", "executives", "management", "investors", "lenders"] = Field(
        default="management", description="Who will read the analysis."
    )
    context: Context

    @model_validator(mode="after")
    def _consistent(self) -> FinancialAnalysisInput:
        if self.date_from and self.date_to and self.date_from > self.date_to:
            raise ValueError("date_from must not be after date_to")
        if self.statements is None and self.history:
            raise ValueError("history goes with statements; without them the history is read from Xero")
        if self.statements is not None and (self.tenant_id or self.date_from or self.date_to):
            raise ValueError("tenant_id, date_from and date_to select Xero data; they do not apply to statements")
        if len(set(self.focus_areas)) != len(self.focus_areas):
            raise ValueError("focus_areas has an area twice")
        return self


class FinancialAnalysisResult(AiResult):
    source: Literal["xero", "provided"]
    organisation: str | None = Field(description="The Xero organisation the figures came from.")
    period_from: date | None
    period_to: date | None
    figures: FinancialFigures
    growth: GrowthOut | None
    forecast: ForecastOut | None
    analysis: Narrative


def _monthly_history(entries: list[tuple[date, Decimal]]) -> list[PeriodResult]:
    return [PeriodResult(period_end=month, revenue=value) for month, value in monthly_series(entries)]


@claude_tool(NAME, "Claude: financial analysis")
async def analyze_financial_data(params: FinancialAnalysisInput, ctx: ToolContext) -> FinancialAnalysisResult:
    """Analyse financial performance: the server computes gross, operating and net margins, current, quick and
    cash ratios, debt to equity, DSO, DIO, DPO and the cash conversion cycle, period-on-period revenue growth and
    (optionally) a revenue forecast, from a Xero organisation's ProfitAndLoss, BalanceSheet and sales invoices or
    from statements you pass; Claude writes the findings and recommendations."""
    ai = AiTool.start(ctx, NAME, VENDOR)
    sources: list[str] = []
    notes: list[str] = []
    organisation = None
    start: date | None = None
    end: date | None = None
    history = list(params.history)
    if params.statements is not None:
        statements = params.statements
        sources.append("statements passed by the caller")
        if history:
            sources.append(f"{len(history)} past periods passed by the caller")
    else:
        default_start, default_end = periods.full_months_before(periods.utc_today(), 12)
        start, end = params.date_from or default_start, params.date_to or default_end
        statements, pull = await xero_statements(ctx, params.tenant_id, start, end)
        organisation = pull.tenant.tenant_name
        sources += pull.sources
        notes += pull.notes
        if params.include_forecast or params.analysis_type in ("growth", "comprehensive"):
            history_start = shift_months(end, -(HISTORY_MONTHS - 1))
            entries, revenue_pull, _ = await xero_revenue_entries(ctx, params.tenant_id, history_start, end)
            history = _monthly_history(entries)
            sources += revenue_pull.sources
            notes += revenue_pull.notes
    figures = financial_figures(statements)
    trend = growth(history) if len(history) >= 2 else None
    if trend is None and params.analysis_type == "growth":
        notes.append("growth needs at least two past periods")
    projected = None
    if params.include_forecast:
        series = [(period.period_end, period.revenue) for period in sorted(history, key=lambda p: p.period_end)]
        try:
            projected = await anyio.to_thread.run_sync(
                forecast, series, params.forecast_months, params.confidence_level
            )  # CPU work: off the event loop
        except ForecastRefused as error:
            notes.append(f"no forecast: {error}")
    answer = await ai.write(
        Narrative,
        task=TASKS[params.analysis_type],
        options={
            "audience": params.audience,
            "focus_areas": params.focus_areas,
            "currency": statements.currency,
            "period": f"{start} to {end}" if start else "as passed",
        },
        data={
            "figures": figures.model_dump(mode="json"),
            "growth": trend.model_dump(mode="json") if trend else None,
            "forecast": projected.model_dump(mode="json") if projected else None,
        },
        material=params.context,
    )
    return FinancialAnalysisResult(
        source="provided" if params.statements is not None else "xero",
        organisation=organisation,
        period_from=start,
        period_to=end,
        figures=figures,
        growth=trend,
        forecast=projected,
        analysis=answer.value,
        usage=answer.usage,
        sources=sources,
        notes=list(dict.fromkeys(notes)),
    )
