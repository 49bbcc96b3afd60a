"""Orders and stock of the Shopify shops, read with the Shopify tools' client (`shopify_client`) and the
integration's reads: orders oldest first with all their line items, stock summed over active locations.

Only what the figures need leaves this module: days, amounts, units, product titles and SKUs, the country shipped
to and an opaque customer id (never names or e-mail addresses), so no personal data reaches a model.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import AsyncGenerator
from contextlib import aclosing
from dataclasses import dataclass, field
from datetime import date
from typing import Literal
from zoneinfo import ZoneInfo

from sentia_server.ai.figures.sales import Sale, SaleLine
from sentia_server.ai.sources.access import require
from sentia_server.auth.permissions import Permission
from sentia_server.integrations.shopify import ShopConnection, models, reads
from sentia_server.integrations.shopify.search import SearchQuery
from sentia_server.tools.context import ToolContext
from sentia_server.tools.shopify.common import shop_timezone, shopify_client

Detail = Literal["lines", "customers"]
MAX_STOCK_REQUESTS = 40
STOCK_PAGE = 250


@dataclass
class SalesPull:
    shops: list[str]
    sales: list[Sale] = field(default_factory=list)
    """Orders that were not cancelled."""
    orders_read: int = 0
    cancelled_excluded: int = 0
    complete: bool = True
    timezones: dict[str, str] = field(default_factory=dict)
    detail: Detail = "lines"

    def source(self, start: date, end: date) -> str:
        zones = ", ".join(f"{shop}: {zone}" for shop, zone in self.timezones.items())
        what = "with their line items" if self.detail == "lines" else "with customer ids and countries"
        return (
            f"Shopify orders of shop(s) {', '.join(self.shops)} created {start} to {end}, {what} (days in each "
            f"shop's time zone: {zones}); {self.orders_read} read, {self.cancelled_excluded} cancelled left out"
        )


def _sale(shop: str, order: models.Order, zone: ZoneInfo) -> Sale:
    return Sale(
        order_id=order.id,
        day=order.created_at.astimezone(zone).date(),
        currency=order.total.currency,
        amount=order.total.amount,
        refunded=order.refunded.amount,
        units=order.units,
        customer=order.customer.id if order.customer else None,
        channel=f"shopify:{shop}",
        region=order.shipping_country,
        lines=tuple(SaleLine(line.title, line.quantity, line.total.amount) for line in order.line_items or ()),
    )


async def _read(
    connection: ShopConnection, query: str | None, limit: int, detail: Detail
) -> AsyncGenerator[models.Order, None]:
    """Orders oldest first: with all their line items, or (`customers`) with customer and country instead."""
    if detail == "lines":
        async with aclosing(reads.sales_orders(connection.graphql, query, with_lines=True, limit=limit)) as lines:
            async for order in lines:
                yield order
        return
    after: str | None = None
    seen = 0
    while seen < limit:
        page = await reads.orders(
            connection.graphql,
            query=query,
            sort_key="CREATED_AT",
            reverse=False,
            first=min(limit - seen, 250),
            after=after,
            with_lines=False,
        )
        for item in page.items:
            seen += 1
            yield item.node
        if not page.has_next or not page.items:
            return
        after = page.items[-1].cursor


async def _orders(
    ctx: ToolContext, shop: str, start: date, end: date, max_orders: int, detail: Detail = "lines"
) -> tuple[SalesPull, list[tuple[str, ZoneInfo, models.Order]]]:
    """The orders created from `start` to `end` (whole days in each shop's time zone) that were not cancelled, at
    most `max_orders` read over every shop."""
    require(ctx, Permission.COMMERCE_READ, "Shopify orders")
    client = shopify_client(ctx)
    pull = SalesPull(shops=client.resolve(shop))
    kept: list[tuple[str, ZoneInfo, models.Order]] = []
    for key in pull.shops:
        connection = client.shop(key)
        zone = await shop_timezone(connection)
        pull.timezones[key] = str(zone)
        remaining = max_orders - pull.orders_read
        if remaining <= 0:
            pull.complete = False
            break
        query = SearchQuery().time_range("created_at", start, end, zone).value()
        read = 0
        async with aclosing(_read(connection, query, remaining + 1, detail)) as orders:
            async for order in orders:
                if read == remaining:  # one more than allowed: there were more to read
                    pull.complete = False
                    break
                read += 1
                if order.cancelled_at is not None:
                    pull.cancelled_excluded += 1
                else:
                    kept.append((key, zone, order))
        pull.orders_read += read
    return pull, kept


async def shopify_sales(
    ctx: ToolContext, shop: str, start: date, end: date, *, max_orders: int, detail: Detail = "lines"
) -> SalesPull:
    """The sales of the shop (or every shop) from `start` to `end`: with products (`lines`), or with customers and
    countries shipped to (`customers`; one request reads many more orders that way)."""
    pull, orders = await _orders(ctx, shop, start, end, max_orders, detail)
    pull.detail = detail
    pull.sales = [_sale(key, order, zone) for key, zone, order in orders]
    return pull


@dataclass(frozen=True)
class StockLevel:
    sku: str
    name: str
    on_hand: int
    available: int


@dataclass
class StockPull:
    shop: str
    levels: dict[str, StockLevel]
    locations: list[str]
    untracked_or_without_sku: int
    complete: bool


async def shopify_stock(ctx: ToolContext, shop: str) -> StockPull:
    """On-hand and available units per SKU, summed over the shop's active locations."""
    require(ctx, Permission.COMMERCE_READ, "Shopify inventory")
    client = shopify_client(ctx)
    key = client.resolve(shop)[0]
    graphql = client.shop(key).graphql
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    names: dict[str, str] = {}
    skipped = requests = 0
    complete = True
    locations = await reads.locations(graphql)
    for location in locations:
        after: str | None = None
        while True:
            if requests == MAX_STOCK_REQUESTS:
                complete = False
                break
            requests += 1
            page = await reads.location_levels(graphql, location, first=STOCK_PAGE, after=after)
            for item in page.items:
                level = item.node
                if not level.tracked or not level.sku:
                    skipped += 1
                    continue
                totals[level.sku][0] += level.quantities.get("on_hand", 0)
                totals[level.sku][1] += level.quantities.get("available", 0)
                names[level.sku] = " - ".join(part for part in (level.product_title, level.variant_title) if part)
            if not page.has_next or not page.items:
                break
            after = page.items[-1].cursor
    levels = {
        sku: StockLevel(sku, names[sku] or sku, on_hand, available) for sku, (on_hand, available) in totals.items()
    }
    return StockPull(key, levels, [location.name for location in locations], skipped, complete)


async def shopify_demand(
    ctx: ToolContext, shop: str, start: date, end: date, *, max_orders: int
) -> tuple[dict[str, list[float]], SalesPull, int]:
    """Units sold per SKU on every day from `start` to `end` (zeros included) from the shop's orders; also the
    pull they came from and the units of lines without a SKU (which cannot be matched to stock)."""
    pull, orders = await _orders(ctx, shop, start, end, max_orders)
    days = (end - start).days + 1
    demand: dict[str, list[float]] = {}
    unmatched = 0
    for _key, zone, order in orders:
        day = order.created_at.astimezone(zone).date()
        for line in order.line_items or ():
            if line.sku is None:
                unmatched += line.quantity
                continue
            if 0 <= (day - start).days < days:
                demand.setdefault(line.sku, [0.0] * days)[(day - start).days] += line.quantity
    return demand, pull, unmatched
