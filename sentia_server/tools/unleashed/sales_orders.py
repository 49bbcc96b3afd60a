"""unleashed-get-sales-orders: sales orders, paged, with their lines, margins and which are overdue."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import Field, model_validator

from sentia_server.cache import CacheTier
from sentia_server.integrations.unleashed import SALES_ORDERS, Page
from sentia_server.integrations.unleashed.models import SalesOrder, SalesOrderLine
from sentia_server.tools.context import ToolContext
from sentia_server.tools.paging import PageInfo, fit_to_budget
from sentia_server.tools.registry import ToolInput, ToolOutput
from sentia_server.tools.unleashed.common import (
    AsOf,
    Code,
    Guid,
    ModifiedSince,
    PageNumber,
    PageSize,
    ProductRefOut,
    WarehouseRefOut,
    group,
    money,
    number,
    page_info,
    product_ref,
    unleashed_client,
    utc_today,
)
from sentia_server.tools.unleashed.orders import OrderSummary, check_ranges, order_fields, summary

SalesStatus = Literal["Parked", "Placed", "Backordered", "Completed", "Deleted"]
NOT_SHIPPED = frozenset({"Parked", "Placed", "Backordered"})


class SalesOrdersInput(ToolInput):
    order_guid: Guid | None = Field(
        default=None, description="Only this sales order (its Unleashed Guid); the other filters are then ignored."
    )
    order_number: Code | None = Field(default=None, description="Only the order with this number; overrides the rest.")
    statuses: list[SalesStatus] | None = Field(
        default=None, min_length=1, description="Only these statuses; without it, every status but Deleted."
    )
    custom_statuses: list[Annotated[str, Field(min_length=1, max_length=50)]] | None = Field(
        default=None, min_length=1, max_length=10, description="Only these custom statuses; overrides statuses."
    )
    customer_code: Code | None = Field(default=None, description="Customers whose code starts with this.")
    customer_guids: list[Guid] | None = Field(
        default=None, min_length=1, max_length=50, description="Only these customers' orders."
    )
    warehouse_code: Annotated[str, Field(min_length=1, max_length=15)] | None = Field(
        default=None, description="Only orders shipping from this warehouse."
    )
    order_date_from: date | None = Field(default=None, description="Ordered on or after this day.")
    order_date_to: date | None = Field(default=None, description="Ordered on or before this day.")
    completed_after: date | None = Field(default=None, description="Completed on or after this day.")
    completed_before: date | None = Field(default=None, description="Completed on or before this day.")
    modified_since: ModifiedSince
    include_lines: bool = Field(default=True, description="Add each order's lines.")
    include_margin: bool = Field(
        default=False,
        description="Add each line's and order's gross margin against the average landed cost at the time of sale "
        "(in base currency, converting the order's amounts at its exchange rate).",
    )
    overdue_only: bool = Field(default=False, description="Keep only the page's orders past their required date.")
    as_of: AsOf
    page: PageNumber
    page_size: PageSize

    @model_validator(mode="after")
    def _consistent(self) -> SalesOrdersInput:
        check_ranges(self, (("order_date_from", "order_date_to"), ("completed_after", "completed_before")))
        return self


class MarginOut(ToolOutput):
    revenue: float = Field(description="Net sales in base currency.")
    cost: float = Field(description="Quantity x average landed cost at the time of sale, base currency.")
    margin: float
    margin_percent: float | None


class SalesLineOut(ToolOutput):
    line_number: int | None
    product: ProductRefOut
    quantity: float
    unit_price: float | None
    line_total: float | None
    line_tax: float | None
    margin: MarginOut | None = None


class SalesOrderOut(ToolOutput):
    guid: str
    number: str
    status: str
    custom_status: str | None
    customer_code: str | None
    customer_name: str | None
    customer_reference: str | None
    warehouse: WarehouseRefOut | None
    order_date: date | None
    required_date: date | None
    completed_date: date | None
    currency: str | None
    exchange_rate: float | None
    sub_total: float
    tax_total: float
    total: float
    days_overdue: int | None = Field(description="Days past the required date of an order not yet completed.")
    comments: str | None
    margin: MarginOut | None = None
    lines: list[SalesLineOut] | None = None


class SalesOrderList(ToolOutput):
    orders: list[SalesOrderOut]
    summary: OrderSummary = Field(description="Figures over this page's orders, before overdue_only.")
    page: PageInfo
    total_matching: int
    as_of: date


def margin_of(revenue: Decimal, cost: Decimal) -> MarginOut:
    margin = revenue - cost
    return MarginOut(
        revenue=money(revenue) or 0.0,
        cost=money(cost) or 0.0,
        margin=money(margin) or 0.0,
        margin_percent=float(round(margin / revenue * 100, 1)) if revenue else None,
    )


def _line_figures(line: SalesOrderLine, rate: Decimal) -> tuple[Decimal, Decimal] | None:
    """(revenue, cost) in base currency, when Unleashed gave the landed cost at the time of sale."""
    if line.average_landed_price_at_time_of_sale is None or line.line_total is None:
        return None
    return line.line_total / rate, line.order_quantity * line.average_landed_price_at_time_of_sale


def sales_order_out(order: SalesOrder, as_of: date, params: SalesOrdersInput) -> SalesOrderOut:
    rate = order.exchange_rate if order.exchange_rate and order.exchange_rate > 0 else Decimal(1)
    figures = [_line_figures(line, rate) for line in order.sales_order_lines]
    known = [f for f in figures if f is not None]
    lines = [
        SalesLineOut(
            line_number=line.line_number,
            product=product_ref(line.product),
            quantity=number(line.order_quantity) or 0.0,
            unit_price=number(line.unit_price),
            line_total=money(line.line_total),
            line_tax=money(line.line_tax),
            margin=margin_of(*figure) if params.include_margin and figure is not None else None,
        )
        for line, figure in zip(order.sales_order_lines, figures, strict=True)
    ]
    return SalesOrderOut(
        **order_fields(order, open_order=order.order_status in NOT_SHIPPED, as_of=as_of),
        customer_code=order.customer.customer_code,
        customer_name=order.customer.customer_name,
        customer_reference=order.customer_ref,
        margin=margin_of(sum((f[0] for f in known), Decimal(0)), sum((f[1] for f in known), Decimal(0)))
        if params.include_margin and known
        else None,
        lines=lines if params.include_lines else None,
    )


@group.tool(
    "unleashed-get-sales-orders",
    title="Unleashed sales orders",
    cache_tier=CacheTier.SHORT,
    read_only=True,
    open_world=True,
)
async def get_sales_orders(params: SalesOrdersInput, ctx: ToolContext) -> SalesOrderList:
    """List sales orders by number, status, customer, warehouse or dates, one page at a time, with their lines,
    optional gross margins, totals per currency and which orders are past their required date."""
    client = unleashed_client(ctx)
    as_of = params.as_of or utc_today()
    found: Page[SalesOrder] = await client.page_or_one(
        SALES_ORDERS,
        params.order_guid,
        page=params.page,
        page_size=params.page_size,
        filters={
            "orderNumber": params.order_number,
            "orderStatus": params.statuses,
            "customOrderStatus": params.custom_statuses,
            "customerCode": params.customer_code,
            "customerId": params.customer_guids,
            "warehouseCode": params.warehouse_code,
            "startDate": params.order_date_from,
            "endDate": params.order_date_to,
            "completedAfter": params.completed_after,
            "completedBefore": params.completed_before,
            "modifiedSince": params.modified_since,
        },
    )
    orders = [sales_order_out(o, as_of, params) for o in found.items]
    totals = summary(
        (o.status, o.currency or "unknown", raw.sub_total, raw.tax_total, raw.total, o.days_overdue is not None)
        for o, raw in zip(orders, found.items, strict=True)
    )
    listed = [o for o in orders if o.days_overdue is not None] if params.overdue_only else orders
    kept, reason = fit_to_budget(listed, ctx.runtime.settings.tool_response_budget_bytes)
    return SalesOrderList(
        orders=kept,
        summary=totals,
        page=page_info(found, len(kept), reason),
        total_matching=found.number_of_items,
        as_of=as_of,
    )
