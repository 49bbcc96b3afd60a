"""claude-analyze-sales-performance: sales figures computed from Shopify orders (or sales the caller passes), and
Claude's reading of them."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Literal

import anyio
from mcp.server.mcpserver.exceptions import ToolError
from pydantic import BaseModel, ConfigDict, Field, model_validator

from sentia_server.ai import periods
from sentia_server.ai.figures.sales import Sale, SaleRecord, SalesFigures, sales_figures, sales_from_records
from sentia_server.ai.figures.timeseries import ForecastOut, forecast, monthly_series
from sentia_server.ai.narrative import Narrative
from sentia_server.ai.periods import last_days, previous_period
from sentia_server.ai.sources.shopify import Detail, shopify_sales
from sentia_server.ai.tooling import AiResult, AiTool
from sentia_server.analytics.forecast import MAX_PERIODS, ForecastRefused
from sentia_server.tools.anthropic.common import VENDOR, Context, claude_tool
from sentia_server.tools.context import ToolContext
from sentia_server.tools.registry import ToolInput, ToolOutput
from sentia_server.tools.shopify.common import ShopChoice

NAME = "claude-analyze-sales-performance"
MAX_DAYS = 731
Scope = Literal["comprehensive", "revenue", "customers", "products", "channels", "trends"]
SCOPE_TASKS: dict[str, str] = {
    "comprehensive": "Analyse sales performance as a whole: revenue, customers, products, channels and trends.",
    "revenue": "Analyse revenue: totals, average order value, refunds, change on the previous period, targets.",
    "customers": "Analyse customers: how many, how many came back, and what that means for growth.",
    "products": "Analyse the product mix: which products carry revenue, concentration, and what to push.",
    "channels": "Analyse sales channels and regions: where revenue comes from and where it could grow.",
    "trends": "Analyse the trend over the period and, when given, the forecast.",
}


class RevenueTarget(BaseModel):
    model_config = ConfigDict(extra="forbid")

    currency: str = Field(description="ISO 4217 code of the target.", pattern=r"^[A-Z]{3}$")
    amount: Decimal = Field(gt=0, le=1_000_000_000, description="Revenue target for the whole period.")


class SalesPerformanceInput(ToolInput):
    shop: ShopChoice = "all"
    days: int | None = Field(
        default=None, ge=1, le=MAX_DAYS, description="The last N whole days (ending yesterday); default 30."
    )
    date_from: date | None = Field(default=None, description="First day (YYYY-MM-DD), with date_to instead of days.")
    date_to: date | None = Field(default=None, description="Last day (YYYY-MM-DD), inclusive.")
    sales: list[SaleRecord] | None = Field(
        default=None,
        min_length=1,
        max_length=10_000,
        description="Sales to analyse instead of reading Shopify (then shop and max_orders do not apply).",
    )
    analysis_scope: Scope = Field(default="comprehensive", description="What the analysis concentrates on.")
    compare_previous_period: bool = Field(
        default=True, description="Also compute the change on the period of the same length just before."
    )
    revenue_targets: list[RevenueTarget] = Field(
        description="Revenue targets for the period, one per currency.", default_factory=list, max_length=10
    )
    include_forecast: bool = Field(
        default=False, description="Forecast monthly revenue per currency (needs at least 6 months of sales)."
    )
    forecast_months: int = Field(
        description="With include_forecast: months to forecast (1-24).", default=3, ge=1, le=MAX_PERIODS
    )
    audience: Literal["board", "executives", "management", "sales_team"] = Field(
        default="management", description="Who will read the analysis."
    )
    context: Context
    max_orders: int = Field(default=5000, ge=1, le=20_000, description="Read at most this many Shopify orders.")

    @model_validator(mode="after")
    def _consistent(self) -> SalesPerformanceInput:
        if self.days is not None and (self.date_from or self.date_to):
            raise ValueError("give days or date_from and date_to, not both")
        if (self.date_from is None) != (self.date_to is None):
            raise ValueError("date_from and date_to go together")
        if self.date_from and self.date_to:
            if self.date_from > self.date_to:
                raise ValueError("date_from must not be after date_to")
            if (self.date_to - self.date_from).days + 1 > MAX_DAYS:
                raise ValueError(f"the period spans more than {MAX_DAYS} days")
        currencies = [target.currency for target in self.revenue_targets]
        if len(currencies) != len(set(currencies)):
            raise ValueError("revenue_targets has a currency twice")
        return self

    def period(self, today: date) -> tuple[date, date]:
        if self.date_from and self.date_to:
            return self.date_from, self.date_to
        if self.days is None and self.sales:
            return min(s.sold_on for s in self.sales), max(s.sold_on for s in self.sales)
        return last_days(self.days or 30, today)


class CurrencyForecast(ToolOutput):
    currency: str
    forecast: ForecastOut


class SalesPerformanceResult(AiResult):
    source: Literal["shopify", "provided"]
    figures: SalesFigures
    forecasts: list[CurrencyForecast]
    complete: bool = Field(description="False when max_orders stopped the reading before the last order.")
    analysis: Narrative


def _forecasts(
    sales: list[Sale], currencies: list[str], params: SalesPerformanceInput, notes: list[str]
) -> list[CurrencyForecast]:
    found = []
    for currency in currencies:
        series = monthly_series([(s.day, s.amount) for s in sales if s.currency == currency])
        try:
            found.append(CurrencyForecast(currency=currency, forecast=forecast(series, params.forecast_months, 0.95)))
        except ForecastRefused as error:
            notes.append(f"no {currency} forecast: {error} (monthly revenue of the period; widen it with days)")
    return found


@claude_tool(NAME, "Claude: sales performance analysis")
async def analyze_sales_performance(params: SalesPerformanceInput, ctx: ToolContext) -> SalesPerformanceResult:
    """Analyse sales performance over a period: the server computes revenue, orders, average order value, refunds,
    repeat customers, top products, channels, regions, the trend, the change on the previous period, target
    attainment and (optionally) a revenue forecast from Shopify orders (shop uk, usa or all) or from sales you pass;
    Claude writes the findings and recommendations. Every number comes from the data, per currency."""
    ai = AiTool.start(ctx, NAME, VENDOR)
    start, end = params.period(periods.utc_today())
    sources: list[str] = []
    notes: list[str] = []
    complete = True
    previous: list[Sale] | None = None
    detail: Detail = "customers" if params.analysis_scope in ("customers", "channels") else "lines"
    if params.sales is None:
        pull = await shopify_sales(ctx, params.shop, start, end, max_orders=params.max_orders, detail=detail)
        current = pull.sales
        sources.append(pull.source(start, end))
        complete = pull.complete
        if params.compare_previous_period:
            before_start, before_end = previous_period(start, end)
            earlier = await shopify_sales(
                ctx, params.shop, before_start, before_end, max_orders=params.max_orders, detail=detail
            )
            previous = earlier.sales
            sources.append(earlier.source(before_start, before_end))
            complete = complete and earlier.complete
        if not complete:
            notes.append("max_orders stopped the reading early: the figures cover only the orders read")
        if detail == "lines":
            notes.append("customers and regions are read for analysis_scope customers or channels (products are not)")
        else:
            notes.append("products are read for the other analysis scopes (customers and regions are not)")
    else:
        everything = sales_from_records(params.sales)
        current = everything
        sources.append(f"{len(params.sales)} sale records passed by the caller")
        if params.compare_previous_period:
            before_start, before_end = previous_period(start, end)
            previous = [s for s in everything if before_start <= s.day <= before_end]
            if not previous:
                notes.append(f"no sales passed for the previous period {before_start} to {before_end}")
    targets = {target.currency: target.amount for target in params.revenue_targets}
    figures = sales_figures(current, start, end, previous=previous, targets=targets or None)
    in_period = [s for s in current if start <= s.day <= end]
    if not in_period:
        raise ToolError(f"{NAME}: no sales from {start} to {end} ({sources[0]}); nothing to analyse")
    currencies = [row.currency for row in figures.currencies]
    # Fitting forecasts takes CPU time: off the event loop, so other calls go on meanwhile.
    forecasts = (
        await anyio.to_thread.run_sync(_forecasts, in_period, currencies, params, notes)
        if params.include_forecast
        else []
    )
    answer = await ai.write(
        Narrative,
        task=SCOPE_TASKS[params.analysis_scope],
        options={"audience": params.audience, "period": f"{start} to {end}", "scope": params.analysis_scope},
        data={"sales": figures.model_dump(mode="json"), "forecasts": [f.model_dump(mode="json") for f in forecasts]},
        material=params.context,
    )
    return SalesPerformanceResult(
        source="shopify" if params.sales is None else "provided",
        figures=figures,
        forecasts=forecasts,
        complete=complete,
        analysis=answer.value,
        usage=answer.usage,
        sources=sources,
        notes=notes,
    )
