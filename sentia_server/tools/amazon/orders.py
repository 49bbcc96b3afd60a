"""amazon-get-orders: a marketplace's orders with their items, and a summary (orders by status and channel,
totals and average order value per currency) computed from them."""

from __future__ import annotations

import time
from datetime import datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Any, Literal, Self

from pydantic import AwareDatetime, Field, model_validator

from sentia_server.cache import CacheTier
from sentia_server.integrations.amazon import Marketplace
from sentia_server.tools.amazon.common import (
    MARKETPLACE_FIELD,
    Money,
    group,
    iso_time,
    money,
    page_info,
    parse_time,
    selling_partner_client,
    utc_now,
)
from sentia_server.tools.context import ToolContext
from sentia_server.tools.paging import PageInfo, fit_to_budget
from sentia_server.tools.registry import ToolInput, ToolOutput

ORDER_ITEMS_WAIT_BUDGET = 10.0
"""Seconds a get-orders call may wait for getOrderItems quota (0.5 requests/s after a burst of 30)."""


class OrderStatus(StrEnum):
    PENDING = "Pending"
    UNSHIPPED = "Unshipped"
    PARTIALLY_SHIPPED = "PartiallyShipped"
    SHIPPED = "Shipped"
    CANCELED = "Canceled"
    UNFULFILLABLE = "Unfulfillable"
    INVOICE_UNCONFIRMED = "InvoiceUnconfirmed"
    PENDING_AVAILABILITY = "PendingAvailability"


class GetOrdersInput(ToolInput):
    marketplace: Marketplace = MARKETPLACE_FIELD
    created_after: AwareDatetime | None = Field(
        default=None,
        description="Orders placed at or after this time. When neither created_after nor updated_after is given, "
        "the last 30 days are searched.",
    )
    created_before: AwareDatetime | None = Field(default=None, description="Orders placed at or before this time.")
    updated_after: AwareDatetime | None = Field(
        default=None, description="Orders changed at or after this time (instead of created_after)."
    )
    updated_before: AwareDatetime | None = Field(
        default=None, description="Orders changed at or before this time (with updated_after)."
    )
    statuses: list[OrderStatus] = Field(default_factory=list, max_length=8, description="Only orders in these states.")
    fulfillment_channels: list[Literal["AFN", "MFN"]] = Field(
        default_factory=list,
        max_length=2,
        description="AFN: fulfilled by Amazon (FBA); MFN: fulfilled by the seller. Empty means both.",
    )
    max_results: int = Field(default=50, ge=1, le=100, description="Orders per page (Amazon allows at most 100).")
    include_items: bool = Field(
        default=True,
        description="Fetch each order's items (one getOrderItems call per order, at 0.5 requests/s after a burst "
        "of 30; items of orders beyond that budget are left out and say so).",
    )
    next_token: str | None = Field(
        default=None,
        min_length=1,
        max_length=4000,
        description="page.next_cursor of the previous call; the other filters are then taken from that search.",
    )

    @model_validator(mode="after")
    def _one_time_axis(self) -> Self:
        if self.created_after is not None and self.updated_after is not None:
            raise ValueError("give created_after or updated_after, not both")
        if self.created_before is not None and self.updated_after is not None:
            raise ValueError("created_before goes with created_after; use updated_before with updated_after")
        if self.updated_before is not None and self.updated_after is None:
            raise ValueError("updated_before needs updated_after")
        for after, before in ((self.created_after, self.created_before), (self.updated_after, self.updated_before)):
            if after is not None and before is not None and before <= after:
                raise ValueError("the 'before' time must be later than the 'after' time")
        return self


class OrderItem(ToolOutput):
    order_item_id: str
    sku: str | None
    asin: str
    title: str | None
    quantity_ordered: int
    quantity_shipped: int | None
    item_price: Money | None = Field(description="Price of the line (unit price times quantity); absent while Pending.")
    item_tax: Money | None
    shipping_price: Money | None
    promotion_discount: Money | None


class Order(ToolOutput):
    order_id: str
    marketplace_id: str | None
    purchase_date: datetime
    last_update_date: datetime | None
    status: str
    fulfillment_channel: str | None
    sales_channel: str | None
    ship_service_level: str | None
    order_total: Money | None = Field(description="Absent while the order is Pending, as Amazon reports it.")
    items_shipped: int | None
    items_unshipped: int | None
    is_prime: bool | None
    is_business_order: bool | None
    ship_to_city: str | None
    ship_to_region: str | None
    ship_to_postal_code: str | None
    ship_to_country: str | None
    items: list[OrderItem] | None = Field(description="None when items were not asked for or not fetched.")


class CurrencyTotal(ToolOutput):
    currency: str
    orders: int
    order_total: Decimal
    average_order_value: Decimal


class OrdersSummary(ToolOutput):
    """Computed from the orders on this page."""

    orders: int
    by_status: dict[str, int]
    by_fulfillment_channel: dict[str, int]
    units_ordered: int | None = Field(description="Sum of item quantities, when every order's items were fetched.")
    totals: list[CurrencyTotal]


class GetOrdersOutput(ToolOutput):
    marketplace: Marketplace
    marketplace_id: str
    orders: list[Order]
    summary: OrdersSummary
    items_note: str | None = Field(description="Why some orders have no items, when that happened.")
    page: PageInfo


def _order(raw: dict[str, Any], items: list[dict[str, Any]] | None) -> Order:
    address = raw.get("ShippingAddress") or {}
    return Order(
        order_id=str(raw["AmazonOrderId"]),
        marketplace_id=raw.get("MarketplaceId"),
        purchase_date=parse_time(raw.get("PurchaseDate")) or utc_now(),
        last_update_date=parse_time(raw.get("LastUpdateDate")),
        status=str(raw.get("OrderStatus", "")),
        fulfillment_channel=raw.get("FulfillmentChannel"),
        sales_channel=raw.get("SalesChannel"),
        ship_service_level=raw.get("ShipServiceLevel"),
        order_total=money(raw.get("OrderTotal")),
        items_shipped=raw.get("NumberOfItemsShipped"),
        items_unshipped=raw.get("NumberOfItemsUnshipped"),
        is_prime=raw.get("IsPrime"),
        is_business_order=raw.get("IsBusinessOrder"),
        ship_to_city=address.get("City"),
        ship_to_region=address.get("StateOrRegion"),
        ship_to_postal_code=address.get("PostalCode"),
        ship_to_country=address.get("CountryCode"),
        items=None
        if items is None
        else [
            OrderItem(
                order_item_id=str(item.get("OrderItemId", "")),
                sku=item.get("SellerSKU"),
                asin=str(item.get("ASIN", "")),
                title=item.get("Title"),
                quantity_ordered=int(item.get("QuantityOrdered", 0)),
                quantity_shipped=item.get("QuantityShipped"),
                item_price=money(item.get("ItemPrice")),
                item_tax=money(item.get("ItemTax")),
                shipping_price=money(item.get("ShippingPrice")),
                promotion_discount=money(item.get("PromotionDiscount")),
            )
            for item in items
        ],
    )


def _orders_summary(orders: list[Order]) -> OrdersSummary:
    by_status: dict[str, int] = {}
    by_channel: dict[str, int] = {}
    sums: dict[str, tuple[int, Decimal]] = {}
    for order in orders:
        by_status[order.status] = by_status.get(order.status, 0) + 1
        channel = order.fulfillment_channel or "unknown"
        by_channel[channel] = by_channel.get(channel, 0) + 1
        if order.order_total is not None and order.status != OrderStatus.CANCELED:
            count, amount = sums.get(order.order_total.currency, (0, Decimal(0)))
            sums[order.order_total.currency] = (count + 1, amount + order.order_total.amount)
    units = None
    if orders and all(order.items is not None for order in orders):
        units = sum(item.quantity_ordered for order in orders for item in order.items or [])
    return OrdersSummary(
        orders=len(orders),
        by_status=by_status,
        by_fulfillment_channel=by_channel,
        units_ordered=units,
        totals=[
            CurrencyTotal(
                currency=currency,
                orders=count,
                order_total=amount,
                average_order_value=(amount / count).quantize(Decimal("0.01")),
            )
            for currency, (count, amount) in sorted(sums.items())
        ],
    )


@group.tool(
    "amazon-get-orders",
    title="Amazon orders",
    cache_tier=CacheTier.SHORT,
    read_only=True,
    open_world=True,
)
async def get_orders(params: GetOrdersInput, ctx: ToolContext) -> GetOrdersOutput:
    """List Amazon orders of one marketplace (Orders API getOrders), by default those placed in the last 30 days,
    with their items, and a summary (orders by status and channel, totals and average order value per currency)
    computed from them. Pending orders carry no prices. Use page.next_cursor as next_token for the next page."""
    client = selling_partner_client(ctx)
    market = client.marketplace(params.marketplace)
    latest = utc_now() - timedelta(minutes=2)  # Amazon refuses "before" times later than two minutes ago
    created_after = params.created_after
    if created_after is None and params.updated_after is None:
        created_after = utc_now() - timedelta(days=30)
    payload = await client.get_orders(
        market,
        created_after=iso_time(created_after) if created_after else None,
        created_before=iso_time(params.created_before)
        if params.created_before and params.created_before < latest
        else None,
        updated_after=iso_time(params.updated_after) if params.updated_after else None,
        updated_before=iso_time(params.updated_before)
        if params.updated_before and params.updated_before < latest
        else None,
        statuses=[status.value for status in params.statuses],
        fulfillment_channels=params.fulfillment_channels,
        max_results=params.max_results,
        next_token=params.next_token,
    )
    raw_orders = [order for order in payload.get("Orders", []) if isinstance(order, dict)]
    orders: list[Order] = []
    skipped = 0
    waited = 0.0
    for raw in raw_orders:
        items: list[dict[str, Any]] | None = None
        if params.include_items:
            wait = client.order_items_wait()
            if waited + wait <= ORDER_ITEMS_WAIT_BUDGET:
                started = time.monotonic()
                items = await client.get_order_items(str(raw["AmazonOrderId"]))
                waited += time.monotonic() - started
            else:
                skipped += 1
        orders.append(_order(raw, items))
    note = None
    if skipped:
        note = (
            f"items of {skipped} of {len(orders)} orders were not fetched: getOrderItems allows 0.5 requests/s "
            "after a burst of 30; ask again for fewer orders (max_results) or later"
        )
    kept, reason = fit_to_budget(orders, ctx.runtime.settings.tool_response_budget_bytes)
    token = payload.get("NextToken")
    return GetOrdersOutput(
        marketplace=params.marketplace,
        marketplace_id=market.id,
        orders=kept,
        summary=_orders_summary(orders),
        items_note=note,
        page=page_info(len(kept), token if isinstance(token, str) else None, reason),
    )
