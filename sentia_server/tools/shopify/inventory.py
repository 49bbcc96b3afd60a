"""shopify-get-inventory: inventory levels per active location, flagged low at or below a threshold, with the
cursor kept across locations and shops."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from mcp.server.mcpserver.exceptions import ToolError
from pydantic import Field

from sentia_server.cache import CacheTier
from sentia_server.integrations.shopify import models, reads
from sentia_server.integrations.shopify.ids import gid_pattern, to_gid
from sentia_server.integrations.shopify.paging import (
    InvalidCursor,
    Position,
    decode_cursor,
    encode_cursor,
    fingerprint,
    has_more,
)
from sentia_server.tools.context import ToolContext
from sentia_server.tools.paging import PageInfo, fit_to_budget
from sentia_server.tools.registry import ToolInput, ToolOutput
from sentia_server.tools.shopify.common import Cursor, ShopChoice, group, shopify_client


class GetInventoryInput(ToolInput):
    shop: ShopChoice = "all"
    location_id: str | None = Field(
        default=None, pattern=gid_pattern("Location"), description="Only this location (number or gid)."
    )
    low_stock_threshold: int = Field(
        default=10, ge=0, le=1_000_000, description="A level is low when its available quantity is at or below this."
    )
    only_low: bool = Field(default=False, description="Return only low levels.")
    first: int = Field(default=100, ge=1, le=250, description="Inventory levels per page (1-250).")
    cursor: Cursor


class LocationOut(ToolOutput):
    shop: str
    id: str
    name: str
    city: str | None
    country: str | None
    fulfills_online_orders: bool


class InventoryLevelOut(ToolOutput):
    shop: str
    location_id: str
    location_name: str
    inventory_item_id: str
    sku: str | None
    product_id: str | None
    product_title: str | None
    variant_id: str | None
    variant_title: str | None
    tracked: bool
    available: int
    on_hand: int
    committed: int = Field(description="Units in unfulfilled orders.")
    incoming: int = Field(description="Units on their way (transfers, purchase orders).")
    low_stock: bool
    updated_at: datetime | None


class InventoryResult(ToolOutput):
    shops: list[str]
    locations: list[LocationOut]
    low_stock_threshold: int
    levels: list[InventoryLevelOut]
    low_stock_count: int = Field(description="Low levels among those returned on this page.")
    levels_examined: int = Field(description="Levels read from Shopify for this page, including filtered ones.")
    page: PageInfo


MAX_INVENTORY_REQUESTS = 12
"""Requests one call may make while looking for low levels, before it returns what it found with a cursor."""


@group.tool(
    "shopify-get-inventory",
    title="Shopify inventory",
    cache_tier=CacheTier.SHORT,
    read_only=True,
    open_world=True,
)
async def shopify_get_inventory(params: GetInventoryInput, ctx: ToolContext) -> InventoryResult:
    """List inventory levels per active location of a Shopify shop (or every shop): available, on hand, committed
    and incoming units for each SKU, flagged low at or below low_stock_threshold (default 10). only_low returns
    only the low ones. Pass page.next_cursor back as cursor for the next page."""
    client = shopify_client(ctx)
    shops = client.resolve(params.shop)
    wanted = to_gid("Location", params.location_id) if params.location_id else None
    stages: list[tuple[str, models.Location]] = []
    for key in shops:
        for location in await reads.locations(client.shop(key).graphql):
            if wanted is None or location.id == wanted:
                stages.append((key, location))
    if wanted is not None and not stages:
        raise ToolError(f"shopify: location {wanted} is not an active location of shop(s) {', '.join(shops)}")
    names = {f"{key}|{location.id}": (key, location) for key, location in stages}
    query = fingerprint({**params.model_dump(mode="json", exclude={"first", "cursor", "shop"}), "shops": shops})
    try:
        positions = decode_cursor(params.cursor, query, names)
    except InvalidCursor as error:
        raise ToolError(f"invalid cursor: {error}") from None
    found: list[tuple[str, str, InventoryLevelOut]] = []
    examined = dict(positions)
    levels_examined = requests = 0
    for stage, (key, location) in names.items():
        while not examined[stage].done and len(found) < params.first and requests < MAX_INVENTORY_REQUESTS:
            requests += 1
            page = await reads.location_levels(
                client.shop(key).graphql, location, first=params.first - len(found), after=examined[stage].after
            )
            for item in page.items:
                levels_examined += 1
                level = _level_out(key, item.node, params.low_stock_threshold)
                if level.low_stock or not params.only_low:
                    found.append((stage, item.cursor, level))
            last = page.items[-1].cursor if page.items else examined[stage].after
            examined[stage] = Position(last, not page.has_next or not page.items)
    kept, reason = fit_to_budget([level for _, _, level in found], ctx.runtime.settings.tool_response_budget_bytes)
    if reason is None:
        updated = examined
    else:
        updated = _positions_after(positions, examined, names, found[len(kept) - 1] if kept else None)
    more = has_more(updated)
    return InventoryResult(
        shops=shops,
        locations=[
            LocationOut(
                shop=key,
                id=location.id,
                name=location.name,
                city=location.city,
                country=location.country,
                fulfills_online_orders=location.fulfills_online_orders,
            )
            for key, location in stages
        ],
        low_stock_threshold=params.low_stock_threshold,
        levels=kept,
        low_stock_count=sum(1 for level in kept if level.low_stock),
        levels_examined=levels_examined,
        page=PageInfo(
            returned=len(kept),
            has_more=more,
            next_cursor=encode_cursor(query, updated) if more else None,
            truncated=reason is not None,
            truncated_reason=reason,
        ),
    )


def _positions_after(
    start: dict[str, Position],
    examined: dict[str, Position],
    stages: dict[str, Any],
    last_kept: tuple[str, str, InventoryLevelOut] | None,
) -> dict[str, Position]:
    """Positions when the page was trimmed: resume right after the last level returned."""
    if last_kept is None:
        return dict(start)
    order = list(stages)
    stage, cursor, _ = last_kept
    index = order.index(stage)
    updated: dict[str, Position] = {}
    for position, name in enumerate(order):
        if position < index:
            updated[name] = examined[name]
        elif position == index:
            updated[name] = Position(cursor, False)
        else:
            updated[name] = start[name]
    return updated


def _level_out(shop: str, level: models.InventoryLevel, threshold: int) -> InventoryLevelOut:
    available = level.quantities.get("available", 0)
    return InventoryLevelOut(
        shop=shop,
        location_id=level.location_id,
        location_name=level.location_name,
        inventory_item_id=level.inventory_item_id,
        sku=level.sku,
        product_id=level.product_id,
        product_title=level.product_title,
        variant_id=level.variant_id,
        variant_title=level.variant_title,
        tracked=level.tracked,
        available=available,
        on_hand=level.quantities.get("on_hand", 0),
        committed=level.quantities.get("committed", 0),
        incoming=level.quantities.get("incoming", 0),
        low_stock=available <= threshold,
        updated_at=level.updated_at,
    )
