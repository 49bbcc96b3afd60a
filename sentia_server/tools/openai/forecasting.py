"""openai-forecasting: a monthly forecast with prediction intervals, computed by exponential smoothing from a series
the caller passes, a Shopify shop's orders or a Xero organisation's sales invoices, and the model's reading of it."""

from __future__ import annotations

import datetime as dt
from datetime import date
from decimal import Decimal
from functools import partial
from typing import Literal

import anyio
from mcp.server.mcpserver.exceptions import ToolError
from pydantic import BaseModel, ConfigDict, Field, model_validator

from sentia_server.ai import periods
from sentia_server.ai.figures.timeseries import Aggregation, ForecastOut, forecast, monthly_series
from sentia_server.ai.narrative import Line, Narrative
from sentia_server.ai.sources.shopify import shopify_sales
from sentia_server.ai.sources.xero import xero_revenue_entries
from sentia_server.ai.tooling import AiResult, AiTool
from sentia_server.analytics.forecast import MAX_PERIODS, ForecastRefused
from sentia_server.analytics.trend import monthly_totals
from sentia_server.tools.context import ToolContext
from sentia_server.tools.openai.common import VENDOR, Context, openai_tool
from sentia_server.tools.registry import ToolInput
from sentia_server.tools.xero.common import TenantId

NAME = "openai-forecasting"
ForecastType = Literal[
    "demand_forecasting",
    "sales_prediction",
    "inventory_planning",
    "market_trend_analysis",
    "seasonal_forecasting",
    "capacity_forecasting",
    "financial_forecasting",
    "scenario_planning",
]
ShopifyMetric = Literal["net_sales", "orders", "units"]


class SeriesPoint(BaseModel):
    model_config = ConfigDict(extra="forbid")

    date: dt.date = Field(description="The day the value belongs to (YYYY-MM-DD).")
    value: Decimal = Field(description="The value on that day.", ge=-1e12, le=1e12)


class ForecastingInput(ToolInput):
    forecast_type: ForecastType = Field(description="What the forecast is for (shapes the explanation).")
    series: list[SeriesPoint] | None = Field(
        default=None,
        min_length=6,
        max_length=5000,
        description="Dated values of any frequency; they are brought to calendar months (see aggregation).",
    )
    aggregation: Aggregation = Field(
        default="sum", description="How a month's values combine: sum (flows: sales, units) or mean (levels)."
    )
    shop: str | None = Field(
        default=None,
        pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$",
        description="Forecast from this Shopify shop's orders (uk, usa or all) instead of a series.",
    )
    shopify_metric: ShopifyMetric = Field(default="net_sales", description="With shop: what to forecast.")
    currency: str | None = Field(
        default=None, pattern=r"^[A-Z]{3}$", description="With shop and net_sales: the currency, when several."
    )
    xero_revenue: bool = Field(default=False, description="Forecast the Xero organisation's monthly revenue.")
    tenant_id: TenantId
    history_months: int = Field(default=24, ge=6, le=60, description="With shop or xero_revenue: months of history.")
    horizon_months: int = Field(
        description="Months to forecast after the last month of history (1-24).", default=6, ge=1, le=MAX_PERIODS
    )
    confidence_level: float = Field(description="Of the prediction intervals.", default=0.95, ge=0.5, le=0.99)
    external_factors: list[Line] = Field(
        description="Factors outside the business that could move the outcome.", default_factory=list, max_length=10
    )
    planned_initiatives: list[Line] = Field(
        description="Plans of the business that could move the outcome.", default_factory=list, max_length=10
    )
    business_context: Context
    max_orders: int = Field(default=20_000, ge=1, le=50_000, description="With shop: read at most this many orders.")

    @model_validator(mode="after")
    def _one_source(self) -> ForecastingInput:
        chosen = [self.series is not None, self.shop is not None, self.xero_revenue]
        if sum(chosen) != 1:
            raise ValueError("choose one source: series, shop or xero_revenue")
        if self.tenant_id and not self.xero_revenue:
            raise ValueError("tenant_id selects the Xero organisation of xero_revenue")
        return self


class ForecastingResult(AiResult):
    forecast_type: str
    source: Literal["provided", "shopify", "xero"]
    measure: str = Field(description="What the values are, and their unit or currency.")
    figures: ForecastOut
    analysis: Narrative


async def _shopify_series(
    params: ForecastingInput,
    shop: str,
    ctx: ToolContext,
    period: tuple[date, date],
    sources: list[str],
    notes: list[str],
) -> tuple[list[tuple[date, Decimal]], str]:
    start, end = period
    pull = await shopify_sales(ctx, shop, start, end, max_orders=params.max_orders)
    sources.append(pull.source(start, end))
    if not pull.complete:
        notes.append("max_orders stopped the reading of orders early: the latest months are understated")
    sales = pull.sales
    measure = params.shopify_metric.replace("_", " ")
    if params.shopify_metric == "net_sales":
        currencies = sorted({sale.currency for sale in sales})
        currency = params.currency or (currencies[0] if len(currencies) == 1 else None)
        if currency is None:
            raise ToolError(f"{NAME}: the orders are in {', '.join(currencies) or 'no currency'}; pass currency")
        sales = [sale for sale in sales if sale.currency == currency]
        measure = f"net sales in {currency}"
        entries = [(sale.day, sale.amount - sale.refunded) for sale in sales]
    elif params.shopify_metric == "orders":
        entries = [(sale.day, Decimal(1)) for sale in sales]
    else:
        entries = [(sale.day, Decimal(sale.units)) for sale in sales]
    return monthly_totals(entries, start, end), measure


@openai_tool(NAME, "OpenAI: forecasting")
async def forecasting(params: ForecastingInput, ctx: ToolContext) -> ForecastingResult:
    """Forecast a monthly measure 1-24 months ahead with prediction intervals: the server brings your series (or
    a Shopify shop's monthly net sales, orders or units, or a Xero organisation's monthly revenue) to calendar
    months and fits exponential smoothing (trend, and yearly seasonality with two years of history); the model
    explains the forecast and its risks with the factors you name. Too little or flat history is refused."""
    ai = AiTool.start(ctx, NAME, VENDOR)
    sources: list[str] = []
    notes: list[str] = []
    start, end = periods.full_months_before(periods.utc_today(), params.history_months)
    source: Literal["provided", "shopify", "xero"]
    try:
        if params.series is not None:
            series = monthly_series([(p.date, p.value) for p in params.series], params.aggregation)
            measure, source = f"the caller's series ({params.aggregation} per month)", "provided"
            sources.append(f"{len(params.series)} values passed by the caller")
        elif params.shop is not None:
            series, measure = await _shopify_series(params, params.shop, ctx, (start, end), sources, notes)
            source = "shopify"
        else:
            entries, pull, _ = await xero_revenue_entries(ctx, params.tenant_id, start, end)
            series = monthly_totals(entries, start, end)
            measure, source = f"revenue in {pull.currency}", "xero"
            sources += pull.sources
            notes += pull.notes
        while series and series[0][1] == 0 and source != "provided":
            series.pop(0)  # months before the first sale are not history
        fit = partial(forecast, non_negative=source != "provided")
        figures = await anyio.to_thread.run_sync(fit, series, params.horizon_months, params.confidence_level)
    except ForecastRefused as error:
        raise ToolError(f"{NAME}: cannot forecast: {error}") from None
    answer = await ai.write(
        Narrative,
        task=f"Explain this {params.forecast_type.replace('_', ' ')} of {measure}: the trend, the range of the "
        "intervals, what could move the outcome, and what to plan for.",
        options={"external_factors": params.external_factors, "planned_initiatives": params.planned_initiatives},
        data=figures,
        material=params.business_context,
    )
    return ForecastingResult(
        forecast_type=params.forecast_type,
        source=source,
        measure=measure,
        figures=figures,
        analysis=answer.value,
        usage=answer.usage,
        sources=sources,
        notes=notes + figures.notes,
    )
