"""shopify-get-orders: a shop's orders (or every shop's, merged), with totals, refunds, states and, on request,
their line items."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from typing import Any, Literal

from pydantic import Field, model_validator

from sentia_server.cache import CacheTier
from sentia_server.integrations.shopify import ShopConnection, models, reads
from sentia_server.integrations.shopify.paging import Cursored, Page, Position
from sentia_server.integrations.shopify.search import SearchQuery
from sentia_server.tools.context import ToolContext
from sentia_server.tools.paging import PageInfo
from sentia_server.tools.registry import ToolInput, ToolOutput
from sentia_server.tools.shopify.common import (
    Cursor,
    FinancialStatus,
    First,
    MoneyOut,
    ShopChoice,
    Text,
    TimeBound,
    check_range,
    group,
    merged_listing,
    money_out,
    money_out_or_none,
    shop_timezone,
)

FulfillmentFilter = Literal[
    "fulfilled", "unfulfilled", "partial", "shipped", "unshipped", "on_hold", "scheduled", "request_declined"
]
OrderSort = Literal["created_at", "updated_at", "processed_at", "total_price", "order_number"]


class GetOrdersInput(ToolInput):
    shop: ShopChoice = "all"
    created_from: TimeBound
    created_to: TimeBound
    updated_from: TimeBound
    updated_to: TimeBound
    financial_status: FinancialStatus | None = Field(default=None, description="Only orders in this payment state.")
    fulfillment_status: FulfillmentFilter | None = Field(
        default=None,
        description="Only orders in this fulfilment state (unfulfilled includes partially fulfilled orders).",
    )
    status: Literal["open", "closed", "cancelled"] | None = Field(
        default=None, description="open: neither closed nor cancelled; closed: archived; cancelled: cancelled."
    )
    text: Text
    include_line_items: bool = Field(
        default=False, description="Add each order's line items (costs more of Shopify's query budget)."
    )
    sort_by: OrderSort = Field(default="created_at", description="Sort key.")
    descending: bool = Field(default=True, description="Newest (or largest) first.")
    first: First
    cursor: Cursor

    @model_validator(mode="after")
    def _ranges(self) -> GetOrdersInput:
        check_range(self.created_from, self.created_to, "created")
        check_range(self.updated_from, self.updated_to, "updated")
        return self


class OrderCustomerOut(ToolOutput):
    id: str
    name: str
    email: str | None


class LineItemOut(ToolOutput):
    id: str
    title: str
    name: str = Field(description="Product and variant title as sold.")
    sku: str | None
    quantity: int
    variant_id: str | None = Field(description="None when the variant was deleted since.")
    product_id: str | None
    unit_price: MoneyOut
    total: MoneyOut = Field(description="Quantity times unit price, after line discounts, in the shop's currency.")


class OrderOut(ToolOutput):
    shop: str
    id: str
    name: str = Field(description="The order number shown to customers, e.g. #1001.")
    created_at: datetime
    processed_at: datetime | None
    updated_at: datetime | None
    cancelled_at: datetime | None
    closed: bool
    financial_status: str | None
    fulfillment_status: str | None
    currency: str = Field(description="The shop's currency; amounts below are in it.")
    presentment_currency: str | None = Field(description="The currency the customer paid in.")
    units: int
    subtotal: MoneyOut | None
    discounts: MoneyOut | None
    shipping: MoneyOut | None
    tax: MoneyOut | None
    total: MoneyOut
    total_presentment: MoneyOut | None = Field(description="The total in the customer's currency.")
    refunded: MoneyOut
    customer: OrderCustomerOut | None
    email: str | None
    shipping_country: str | None
    tags: list[str]
    line_items: list[LineItemOut] | None = Field(description="Present when include_line_items is true.")


class OrdersResult(ToolOutput):
    shops: list[str]
    orders: list[OrderOut]
    page: PageInfo


ORDER_SORT_KEYS: dict[str, Callable[[models.Order], Any]] = {
    "created_at": lambda order: order.created_at,
    "updated_at": lambda order: order.updated_at or order.created_at,
    "processed_at": lambda order: order.processed_at or order.created_at,
    "total_price": lambda order: order.total.amount,
    "order_number": lambda order: int("".join(ch for ch in order.name if ch.isdigit()) or 0),
}


async def _order_query(conn: ShopConnection, params: GetOrdersInput) -> str | None:
    query = SearchQuery()
    if any(
        value is not None for value in (params.created_from, params.created_to, params.updated_from, params.updated_to)
    ):
        timezone = await shop_timezone(conn)
        query.time_range("created_at", params.created_from, params.created_to, timezone)
        query.time_range("updated_at", params.updated_from, params.updated_to, timezone)
    query.equals("financial_status", params.financial_status)
    query.equals("fulfillment_status", params.fulfillment_status)
    query.equals("status", params.status)
    query.text(params.text)
    return query.value()


def _line_out(line: models.LineItem) -> LineItemOut:
    return LineItemOut(
        id=line.id,
        title=line.title,
        name=line.name,
        sku=line.sku,
        quantity=line.quantity,
        variant_id=line.variant_id,
        product_id=line.product_id,
        unit_price=money_out(line.unit_price),
        total=money_out(line.total),
    )


def _order_out(item: Cursored[models.Order]) -> OrderOut:
    order = item.node
    customer = order.customer
    return OrderOut(
        shop=item.shop,
        id=order.id,
        name=order.name,
        created_at=order.created_at,
        processed_at=order.processed_at,
        updated_at=order.updated_at,
        cancelled_at=order.cancelled_at,
        closed=order.closed,
        financial_status=order.financial_status,
        fulfillment_status=order.fulfillment_status,
        currency=order.currency,
        presentment_currency=order.presentment_currency,
        units=order.units,
        subtotal=money_out_or_none(order.subtotal),
        discounts=money_out_or_none(order.discounts),
        shipping=money_out_or_none(order.shipping),
        tax=money_out_or_none(order.tax),
        total=money_out(order.total),
        total_presentment=money_out_or_none(order.total_presentment),
        refunded=money_out(order.refunded),
        customer=OrderCustomerOut(id=customer.id, name=customer.name, email=customer.email) if customer else None,
        email=order.email,
        shipping_country=order.shipping_country,
        tags=list(order.tags),
        line_items=None if order.line_items is None else [_line_out(line) for line in order.line_items],
    )


@group.tool(
    "shopify-get-orders",
    title="Shopify orders",
    cache_tier=CacheTier.SHORT,
    read_only=True,
    open_world=True,
)
async def shopify_get_orders(params: GetOrdersInput, ctx: ToolContext) -> OrdersResult:
    """List a Shopify shop's orders (or every shop's, merged), newest first by default, with totals, taxes,
    refunds and payment and fulfilment states; filter by creation or update dates, statuses and text. Amounts are
    in each shop's currency. Without the read_all_orders scope Shopify returns only the last 60 days of orders.
    Pass page.next_cursor back as cursor for the next page."""
    filters = params.model_dump(mode="json", exclude={"first", "cursor", "shop"})

    async def fetch(conn: ShopConnection, position: Position) -> Page[models.Order]:
        page = await reads.orders(
            conn.graphql,
            query=await _order_query(conn, params),
            sort_key=params.sort_by.upper(),
            reverse=params.descending,
            first=params.first,
            after=position.after,
            with_lines=params.include_line_items,
        )
        for index, item in enumerate(page.items):
            order = item.node
            if order.more_lines_after is not None and order.line_items is not None:
                rest = await reads.remaining_lines(conn.graphql, order.id, order.more_lines_after)
                page.items[index] = Cursored(item.shop, item.cursor, _complete(order, rest))
        return page

    shops, orders, page = await merged_listing(
        ctx,
        shop=params.shop,
        cursor=params.cursor,
        first=params.first,
        filters=filters,
        fetch=fetch,
        sort_key=ORDER_SORT_KEYS[params.sort_by],
        reverse=params.descending,
        render=_order_out,
    )
    return OrdersResult(shops=shops, orders=orders, page=page)


def _complete(order: models.Order, rest: list[models.LineItem]) -> models.Order:
    return replace(order, line_items=(order.line_items or ()) + tuple(rest), more_lines_after=None)
