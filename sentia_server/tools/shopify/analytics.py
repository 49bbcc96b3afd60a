"""shopify-get-analytics: sales by day, product or shop over a date range, computed from the shops' orders."""

from __future__ import annotations

from contextlib import aclosing
from datetime import date
from decimal import Decimal
from typing import Literal

from pydantic import Field, model_validator

from sentia_server.cache import CacheTier
from sentia_server.integrations.shopify import reads
from sentia_server.integrations.shopify.analytics import SalesAccumulator, SalesRow, cents
from sentia_server.integrations.shopify.search import SearchQuery
from sentia_server.tools.context import ToolContext
from sentia_server.tools.paging import fit_to_budget
from sentia_server.tools.registry import ToolInput, ToolOutput
from sentia_server.tools.shopify.common import FinancialStatus, ShopChoice, group, shop_timezone, shopify_client

MAX_ANALYTICS_DAYS = 366


class GetAnalyticsInput(ToolInput):
    shop: ShopChoice = "all"
    date_from: date = Field(description="First day (YYYY-MM-DD), in each shop's time zone.")
    date_to: date = Field(description="Last day (YYYY-MM-DD), inclusive.")
    group_by: Literal["day", "product", "shop"] = Field(default="day", description="How rows are grouped.")
    financial_status: FinancialStatus | None = Field(default=None, description="Only orders in this payment state.")
    include_cancelled: bool = Field(default=False, description="Count cancelled orders too.")
    max_orders: int = Field(
        default=2500, ge=1, le=20_000, description="Stop after reading this many orders (the result says so)."
    )

    @model_validator(mode="after")
    def _range(self) -> GetAnalyticsInput:
        if self.date_from > self.date_to:
            raise ValueError("date_from must not be after date_to")
        if (self.date_to - self.date_from).days + 1 > MAX_ANALYTICS_DAYS:
            raise ValueError(f"the date range spans more than {MAX_ANALYTICS_DAYS} days; split it")
        return self


class SalesRowOut(ToolOutput):
    key: str = Field(description="The day (YYYY-MM-DD), the product ID, or the shop.")
    label: str
    shop: str | None
    currency: str
    orders: int
    units: int
    order_total: Decimal | None = Field(description="Σ order totals (after discounts, with shipping and tax).")
    refunded: Decimal | None
    net_total: Decimal | None = Field(description="order_total - refunded.")
    average_order_value: Decimal | None
    line_total: Decimal | None = Field(description="By product: Σ line items after line discounts.")


class AnalyticsResult(ToolOutput):
    shops: list[str]
    date_from: date
    date_to: date
    timezones: dict[str, str] = Field(description="The time zone each shop's days are counted in.")
    group_by: str
    rows: list[SalesRowOut]
    totals: list[SalesRowOut] = Field(description="One row per currency (shops' currencies are never summed).")
    orders_read: int = Field(description="Orders read from Shopify, page by page.")
    orders_counted: int
    cancelled_excluded: int
    complete: bool = Field(description="False when max_orders stopped the reading before the last order.")
    truncated: bool = Field(description="True when rows were left out to fit the response budget.")
    truncated_reason: str | None


def _row_out(row: SalesRow, by_product: bool) -> SalesRowOut:
    return SalesRowOut(
        key=row.key,
        label=row.label,
        shop=row.shop,
        currency=row.currency,
        orders=row.orders,
        units=row.units,
        order_total=None if by_product else cents(row.order_total),
        refunded=None if by_product else cents(row.refunded),
        net_total=None if by_product else cents(row.net_total),
        average_order_value=None if by_product else row.average_order_value,
        line_total=cents(row.line_total) if by_product else None,
    )


@group.tool(
    "shopify-get-analytics",
    title="Shopify sales analytics",
    cache_tier=CacheTier.MEDIUM,
    read_only=True,
    open_world=True,
)
async def shopify_get_analytics(params: GetAnalyticsInput, ctx: ToolContext) -> AnalyticsResult:
    """Compute sales by day, by product or by shop over a date range from a Shopify shop's orders (or every
    shop's): order count, units, order totals, refunds, net totals and average order value, exact to the penny and
    per currency. The orders are read page by page; the result says how many were read and whether max_orders
    stopped it early. Cancelled orders are left out unless include_cancelled is true."""
    client = shopify_client(ctx)
    shops = client.resolve(params.shop)
    timezones = {key: await shop_timezone(client.shop(key)) for key in shops}
    accumulator = SalesAccumulator(params.group_by, timezones, include_cancelled=params.include_cancelled)
    complete = True
    for key in shops:
        remaining = params.max_orders - accumulator.orders_read
        if remaining <= 0:
            complete = False
            break
        query = (
            SearchQuery()
            .time_range("created_at", params.date_from, params.date_to, timezones[key])
            .equals("financial_status", params.financial_status)
            .value()
        )
        read = 0
        orders = reads.sales_orders(
            client.shop(key).graphql, query, with_lines=params.group_by == "product", limit=remaining + 1
        )
        async with aclosing(orders):
            async for order in orders:
                if read == remaining:  # one order more than allowed: there are more to read
                    complete = False
                    break
                read += 1
                accumulator.add(key, order)
    report = accumulator.report()
    by_product = params.group_by == "product"
    rows, reason = fit_to_budget(
        [_row_out(row, by_product) for row in report.rows], ctx.runtime.settings.tool_response_budget_bytes // 2
    )
    totals = [_row_out(total, False) for total in report.totals]
    return AnalyticsResult(
        shops=shops,
        date_from=params.date_from,
        date_to=params.date_to,
        timezones={key: str(zone) for key, zone in timezones.items()},
        group_by=params.group_by,
        rows=rows,
        totals=totals,
        orders_read=report.orders_read,
        orders_counted=report.orders_counted,
        cancelled_excluded=report.cancelled_excluded,
        complete=complete,
        truncated=reason is not None,
        truncated_reason=reason,
    )
