"""amazon-get-inventory: FBA or merchant-fulfilled stock per SKU, flagged at or below a low-stock threshold,
with totals computed from the returned SKUs."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal, Self

from pydantic import AwareDatetime, Field, model_validator

from sentia_server.cache import CacheTier
from sentia_server.integrations.amazon import Marketplace
from sentia_server.tools.amazon.common import (
    MARKETPLACE_FIELD,
    group,
    iso_time,
    page_info,
    parse_time,
    selling_partner_client,
)
from sentia_server.tools.amazon.products import seller_listing
from sentia_server.tools.context import ToolContext
from sentia_server.tools.paging import PageInfo, fit_to_budget
from sentia_server.tools.registry import ToolInput, ToolOutput

Sku = Annotated[str, Field(min_length=1, max_length=40)]


class GetInventoryInput(ToolInput):
    marketplace: Marketplace = MARKETPLACE_FIELD
    fulfillment: Literal["fba", "fbm"] = Field(
        default="fba",
        description="fba: stock in Amazon's fulfilment centres (FBA Inventory API); fbm: the quantity the seller "
        "declares for merchant-fulfilled listings of the given skus (Listings Items API).",
    )
    skus: list[Sku] = Field(
        default_factory=list, max_length=50, description="Only these SKUs (required for fbm, at most 20 there)."
    )
    include_details: bool = Field(
        default=True,
        description="Break quantities down into fulfillable, inbound, reserved, researching, unfulfillable.",
    )
    low_stock_threshold: int = Field(
        default=10, ge=0, le=1_000_000, description="A SKU whose fulfillable quantity is at or below this is low stock."
    )
    low_stock_only: bool = Field(default=False, description="Return only low-stock SKUs (of this page).")
    changed_since: AwareDatetime | None = Field(
        default=None, description="fba: only SKUs whose inventory changed since this time (at most 18 months back)."
    )
    next_token: str | None = Field(
        default=None, min_length=1, max_length=4000, description="page.next_cursor of the previous call."
    )

    @model_validator(mode="after")
    def _fbm_needs_skus(self) -> Self:
        if self.fulfillment == "fbm" and not 1 <= len(self.skus) <= 20:
            raise ValueError("fbm inventory is read per listing: give 1 to 20 skus")
        if self.fulfillment == "fbm" and (self.next_token or self.changed_since):
            raise ValueError("next_token and changed_since apply to fba inventory")
        return self


class InventoryItem(ToolOutput):
    sku: str
    asin: str | None
    fn_sku: str | None
    product_name: str | None
    condition: str | None
    total_quantity: int | None
    fulfillable: int | None
    inbound_working: int | None
    inbound_shipped: int | None
    inbound_receiving: int | None
    reserved: int | None
    researching: int | None
    unfulfillable: int | None
    low_stock: bool | None = Field(description="Fulfillable quantity at or below the threshold; None when unknown.")
    last_updated: datetime | None


class InventoryTotals(ToolOutput):
    """Computed from the SKUs of this page."""

    skus: int
    total_units: int
    fulfillable_units: int
    inbound_units: int
    reserved_units: int
    unfulfillable_units: int
    low_stock_skus: list[str]
    out_of_stock_skus: list[str]


class GetInventoryOutput(ToolOutput):
    marketplace: Marketplace
    fulfillment: Literal["fba", "fbm"]
    items: list[InventoryItem]
    totals: InventoryTotals
    page: PageInfo


def _inventory_item(raw: dict[str, Any], threshold: int) -> InventoryItem:
    details = raw.get("inventoryDetails") or {}
    fulfillable = details.get("fulfillableQuantity")
    return InventoryItem(
        sku=str(raw.get("sellerSku", "")),
        asin=raw.get("asin"),
        fn_sku=raw.get("fnSku"),
        product_name=raw.get("productName"),
        condition=raw.get("condition"),
        total_quantity=raw.get("totalQuantity"),
        fulfillable=fulfillable,
        inbound_working=details.get("inboundWorkingQuantity"),
        inbound_shipped=details.get("inboundShippedQuantity"),
        inbound_receiving=details.get("inboundReceivingQuantity"),
        reserved=(details.get("reservedQuantity") or {}).get("totalReservedQuantity"),
        researching=(details.get("researchingQuantity") or {}).get("totalResearchingQuantity"),
        unfulfillable=(details.get("unfulfillableQuantity") or {}).get("totalUnfulfillableQuantity"),
        low_stock=None if fulfillable is None else fulfillable <= threshold,
        last_updated=parse_time(raw.get("lastUpdatedTime")),
    )


def _fbm_item(raw: dict[str, Any], sku: str, marketplace_id: str, threshold: int) -> InventoryItem:
    listing = seller_listing(raw, marketplace_id)
    merchant = [entry.quantity for entry in listing.fulfillment if entry.channel == "DEFAULT"]
    quantity = merchant[0] if merchant else None
    return InventoryItem(
        sku=sku,
        asin=listing.asin,
        fn_sku=None,
        product_name=listing.item_name,
        condition=listing.condition,
        total_quantity=quantity,
        fulfillable=quantity,
        inbound_working=None,
        inbound_shipped=None,
        inbound_receiving=None,
        reserved=None,
        researching=None,
        unfulfillable=None,
        low_stock=None if quantity is None else quantity <= threshold,
        last_updated=listing.last_updated,
    )


def _inventory_totals(items: list[InventoryItem]) -> InventoryTotals:
    def total(name: str) -> int:
        return sum(getattr(item, name) or 0 for item in items)

    return InventoryTotals(
        skus=len(items),
        total_units=total("total_quantity"),
        fulfillable_units=total("fulfillable"),
        inbound_units=total("inbound_working") + total("inbound_shipped") + total("inbound_receiving"),
        reserved_units=total("reserved"),
        unfulfillable_units=total("unfulfillable"),
        low_stock_skus=[item.sku for item in items if item.low_stock],
        out_of_stock_skus=[item.sku for item in items if item.fulfillable == 0],
    )


@group.tool(
    "amazon-get-inventory",
    title="Amazon inventory",
    cache_tier=CacheTier.SHORT,
    read_only=True,
    open_world=True,
)
async def get_inventory(params: GetInventoryInput, ctx: ToolContext) -> GetInventoryOutput:
    """Report Amazon stock per SKU: FBA inventory summaries (fulfillable, inbound, reserved, researching,
    unfulfillable units) or merchant-fulfilled listing quantities, flagging SKUs at or below the low-stock
    threshold, with totals computed from the returned SKUs."""
    client = selling_partner_client(ctx)
    market = client.marketplace(params.marketplace)
    token: str | None = None
    if params.fulfillment == "fbm":
        items = []
        for sku in params.skus:
            raw = await client.get_listings_item(market, sku, included_data=["summaries", "fulfillmentAvailability"])
            items.append(_fbm_item(raw, sku, market.id, params.low_stock_threshold))
    else:
        body = await client.get_inventory_summaries(
            market,
            skus=params.skus,
            details=params.include_details,
            start_date_time=iso_time(params.changed_since) if params.changed_since else None,
            next_token=params.next_token,
        )
        summaries = (body.get("payload") or {}).get("inventorySummaries", [])
        items = [_inventory_item(raw, params.low_stock_threshold) for raw in summaries if isinstance(raw, dict)]
        token = (body.get("pagination") or {}).get("nextToken")
    if params.low_stock_only:
        items = [item for item in items if item.low_stock]
    kept, reason = fit_to_budget(items, ctx.runtime.settings.tool_response_budget_bytes)
    return GetInventoryOutput(
        marketplace=params.marketplace,
        fulfillment=params.fulfillment,
        items=kept,
        totals=_inventory_totals(items),
        page=page_info(len(kept), token, reason),
    )
