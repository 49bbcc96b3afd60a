"""Amazon tools: Selling Partner API orders, products, inventory, reports and listings, and Amazon Ads data.

Each tool calls Amazon through `sentia_server.integrations.amazon`; figures such as order totals, stock summaries
and advertising ratios are computed here from the data Amazon returned, never assumed.
"""

from __future__ import annotations

import asyncio
import csv
import io
import time
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Annotated, Any, Literal, Self

from pydantic import AwareDatetime, Field, model_validator

from sentia_server.auth.permissions import Permission
from sentia_server.cache import CacheTier
from sentia_server.integrations.amazon import (
    AdsClient,
    Marketplace,
    MarketplaceInfo,
    SellingPartnerClient,
    build_ads_client,
    build_selling_partner_client,
)
from sentia_server.integrations.http import VendorError
from sentia_server.tools.context import ToolContext
from sentia_server.tools.paging import PageInfo, fit_to_budget
from sentia_server.tools.registry import ToolCategory, ToolGroup, ToolInput, ToolOutput

group = ToolGroup(ToolCategory.AMAZON)

Term = Annotated[str, Field(min_length=1, max_length=100)]
Sku = Annotated[str, Field(min_length=1, max_length=40)]

MARKETPLACE_FIELD = Field(
    default=Marketplace.UK,
    description="Amazon marketplace: uk (Amazon.co.uk), de (Amazon.de), us (Amazon.com) or ca (Amazon.ca). It must "
    "belong to the configured SP-API region (eu: uk, de; na: us, ca).",
)
ORDER_ITEMS_WAIT_BUDGET = 10.0
"""Seconds a get-orders call may wait for getOrderItems quota (0.5 requests/s after a burst of 30)."""
REPORT_POLL_FIRST_DELAY = 0.5
REPORT_POLL_MAX_DELAY = 5.0


def _sp(ctx: ToolContext) -> SellingPartnerClient:
    return ctx.runtime.vendors.get("amazon", build_selling_partner_client)


def _ads(ctx: ToolContext) -> AdsClient:
    return ctx.runtime.vendors.get("amazon_ads", build_ads_client)


def _now() -> datetime:
    return datetime.now(UTC)


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _time(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


def _decimal(value: Any) -> Decimal | None:
    try:
        return None if value is None else Decimal(str(value))
    except InvalidOperation:
        return None


def _ratio(numerator: float, denominator: float, digits: int = 4) -> float | None:
    return round(numerator / denominator, digits) if denominator else None


def _page(returned: int, next_cursor: str | None, reason: str | None) -> PageInfo:
    return PageInfo(
        returned=returned,
        has_more=next_cursor is not None or reason is not None,
        next_cursor=next_cursor,
        truncated=reason is not None,
        truncated_reason=reason,
    )


class Money(ToolOutput):
    amount: Decimal
    currency: str = Field(description="ISO 4217 currency code, e.g. GBP.")


def _money(value: Any) -> Money | None:
    if not isinstance(value, dict):
        return None
    amount = _decimal(value.get("Amount", value.get("amount")))
    currency = value.get("CurrencyCode", value.get("currencyCode"))
    return Money(amount=amount, currency=str(currency)) if amount is not None and currency else None


# amazon-get-orders -----------------------------------------------------------------------------------------------


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
        purchase_date=_time(raw.get("PurchaseDate")) or _now(),
        last_update_date=_time(raw.get("LastUpdateDate")),
        status=str(raw.get("OrderStatus", "")),
        fulfillment_channel=raw.get("FulfillmentChannel"),
        sales_channel=raw.get("SalesChannel"),
        ship_service_level=raw.get("ShipServiceLevel"),
        order_total=_money(raw.get("OrderTotal")),
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
                item_price=_money(item.get("ItemPrice")),
                item_tax=_money(item.get("ItemTax")),
                shipping_price=_money(item.get("ShippingPrice")),
                promotion_discount=_money(item.get("PromotionDiscount")),
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
    permission=Permission.MARKETPLACE_READ,
    cache_tier=CacheTier.SHORT,
    read_only=True,
    open_world=True,
)
async def get_orders(params: GetOrdersInput, ctx: ToolContext) -> GetOrdersOutput:
    """List Amazon orders of one marketplace (Orders API getOrders), by default those placed in the last 30 days,
    with their items, and a summary (orders by status and channel, totals and average order value per currency)
    computed from them. Pending orders carry no prices. Use page.next_cursor as next_token for the next page."""
    client = _sp(ctx)
    market = client.marketplace(params.marketplace)
    latest = _now() - timedelta(minutes=2)  # Amazon refuses "before" times later than two minutes ago
    created_after = params.created_after
    if created_after is None and params.updated_after is None:
        created_after = _now() - timedelta(days=30)
    payload = await client.get_orders(
        market,
        created_after=_iso(created_after) if created_after else None,
        created_before=_iso(params.created_before)
        if params.created_before and params.created_before < latest
        else None,
        updated_after=_iso(params.updated_after) if params.updated_after else None,
        updated_before=_iso(params.updated_before)
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
        page=_page(len(kept), token if isinstance(token, str) else None, reason),
    )


# amazon-get-products ---------------------------------------------------------------------------------------------


class IdentifierType(StrEnum):
    ASIN = "ASIN"
    EAN = "EAN"
    GTIN = "GTIN"
    ISBN = "ISBN"
    JAN = "JAN"
    MINSAN = "MINSAN"
    SKU = "SKU"
    UPC = "UPC"


class CatalogData(StrEnum):
    ATTRIBUTES = "attributes"
    CLASSIFICATIONS = "classifications"
    DIMENSIONS = "dimensions"
    IDENTIFIERS = "identifiers"
    IMAGES = "images"
    PRODUCT_TYPES = "productTypes"
    RELATIONSHIPS = "relationships"
    SALES_RANKS = "salesRanks"
    SUMMARIES = "summaries"


class ListingData(StrEnum):
    SUMMARIES = "summaries"
    ATTRIBUTES = "attributes"
    ISSUES = "issues"
    OFFERS = "offers"
    FULFILLMENT_AVAILABILITY = "fulfillmentAvailability"
    PRODUCT_TYPES = "productTypes"


class GetProductsInput(ToolInput):
    marketplace: Marketplace = MARKETPLACE_FIELD
    keywords: list[Term] = Field(
        default_factory=list,
        max_length=20,
        description="Search the catalog for items matching all these words (searchCatalogItems).",
    )
    identifiers: list[Term] = Field(
        default_factory=list, max_length=20, description="Search the catalog by these identifiers."
    )
    identifiers_type: IdentifierType | None = Field(
        default=None, description="What `identifiers` are; SKU searches this seller's own SKUs."
    )
    asin: str | None = Field(
        default=None, pattern=r"^[A-Z0-9]{10}$", description="One catalog item by ASIN (getCatalogItem)."
    )
    sku: str | None = Field(
        default=None,
        min_length=1,
        max_length=40,
        description="This seller's listing of this SKU (Listings Items getListingsItem), with offers and issues.",
    )
    brand_names: list[Term] = Field(default_factory=list, max_length=10, description="Search filter: brand names.")
    classification_ids: list[NumericId] = Field(
        default_factory=list, max_length=10, description="Search filter: browse node (category) ids."
    )
    included_data: list[CatalogData] = Field(
        default_factory=lambda: [
            CatalogData.SUMMARIES,
            CatalogData.IDENTIFIERS,
            CatalogData.IMAGES,
            CatalogData.SALES_RANKS,
            CatalogData.CLASSIFICATIONS,
        ],
        min_length=1,
        description="Catalog data sets to return for search and asin lookups (relationships: variations).",
    )
    listing_data: list[ListingData] = Field(
        default_factory=lambda: [
            ListingData.SUMMARIES,
            ListingData.OFFERS,
            ListingData.FULFILLMENT_AVAILABILITY,
            ListingData.ISSUES,
        ],
        min_length=1,
        description="Listing data sets to return for a sku lookup.",
    )
    page_size: int = Field(default=10, ge=1, le=20, description="Catalog search results per page.")
    page_token: str | None = Field(
        default=None, min_length=1, max_length=4000, description="page.next_cursor of the previous search."
    )

    @model_validator(mode="after")
    def _one_lookup(self) -> Self:
        chosen = [name for name in ("keywords", "identifiers", "asin", "sku") if getattr(self, name)]
        if len(chosen) != 1:
            raise ValueError("give exactly one of keywords, identifiers, asin or sku")
        if self.identifiers and self.identifiers_type is None:
            raise ValueError("identifiers need identifiers_type")
        searching = bool(self.keywords or self.identifiers)
        if not searching and (self.brand_names or self.classification_ids or self.page_token):
            raise ValueError("brand_names, classification_ids and page_token apply to keyword or identifier searches")
        return self


class ProductIdentifier(ToolOutput):
    type: str
    value: str


class ProductImage(ToolOutput):
    variant: str
    url: str
    width: int | None
    height: int | None


class SalesRank(ToolOutput):
    category: str
    rank: int
    classification_id: str | None


class CatalogProduct(ToolOutput):
    asin: str
    title: str | None
    brand: str | None
    manufacturer: str | None
    category: str | None = Field(description="Browse classification (category) name.")
    product_type: str | None
    size: str | None
    identifiers: list[ProductIdentifier]
    images: list[ProductImage]
    sales_ranks: list[SalesRank]
    attributes: dict[str, Any] | None


class ListingIssue(ToolOutput):
    code: str
    message: str
    severity: str = Field(description="ERROR, WARNING or INFO.")
    attribute_names: list[str]


class ListingOffer(ToolOutput):
    offer_type: str
    price: Money | None


class FulfillmentAvailability(ToolOutput):
    channel: str = Field(description="DEFAULT (merchant-fulfilled) or an Amazon channel such as AMAZON_EU.")
    quantity: int | None


class Listing(ToolOutput):
    sku: str
    asin: str | None
    product_type: str | None
    item_name: str | None
    status: list[str] = Field(description="BUYABLE and/or DISCOVERABLE.")
    condition: str | None
    created: datetime | None
    last_updated: datetime | None
    offers: list[ListingOffer]
    fulfillment: list[FulfillmentAvailability]
    issues: list[ListingIssue]
    attributes: dict[str, Any] | None


class GetProductsOutput(ToolOutput):
    lookup: Literal["search", "asin", "sku"]
    marketplace: Marketplace
    products: list[CatalogProduct]
    listing: Listing | None
    total_results: int | None = Field(description="Matches in the whole catalog search.")
    page: PageInfo


def _for_marketplace(entries: Any, marketplace_id: str) -> dict[str, Any]:
    """The entry of a per-marketplace list (Amazon's `...ByMarketplace` shapes) for this marketplace."""
    for entry in entries or []:
        if isinstance(entry, dict) and entry.get("marketplaceId") == marketplace_id:
            return entry
    return {}


def _catalog_product(raw: dict[str, Any], marketplace_id: str) -> CatalogProduct:
    summary = _for_marketplace(raw.get("summaries"), marketplace_id)
    ranks = _for_marketplace(raw.get("salesRanks"), marketplace_id)
    return CatalogProduct(
        asin=str(raw.get("asin", "")),
        title=summary.get("itemName"),
        brand=summary.get("brand"),
        manufacturer=summary.get("manufacturer"),
        category=(summary.get("browseClassification") or {}).get("displayName"),
        product_type=_for_marketplace(raw.get("productTypes"), marketplace_id).get("productType"),
        size=summary.get("size"),
        identifiers=[
            ProductIdentifier(type=str(entry.get("identifierType")), value=str(entry.get("identifier")))
            for entry in _for_marketplace(raw.get("identifiers"), marketplace_id).get("identifiers", [])
        ],
        images=[
            ProductImage(
                variant=str(image.get("variant")),
                url=str(image.get("link")),
                width=image.get("width"),
                height=image.get("height"),
            )
            for image in _for_marketplace(raw.get("images"), marketplace_id).get("images", [])
        ],
        sales_ranks=[
            SalesRank(category=str(rank.get("title")), rank=int(rank.get("rank", 0)), classification_id=rank.get(key))
            for key, ranks_of in (
                ("classificationId", ranks.get("classificationRanks", [])),
                ("websiteDisplayGroup", ranks.get("displayGroupRanks", [])),
            )
            for rank in ranks_of
        ],
        attributes=raw.get("attributes"),
    )


def _issues(raw: Any) -> list[ListingIssue]:
    return [
        ListingIssue(
            code=str(entry.get("code", "")),
            message=str(entry.get("message", "")),
            severity=str(entry.get("severity", "")),
            attribute_names=[str(name) for name in entry.get("attributeNames", [])],
        )
        for entry in raw or []
        if isinstance(entry, dict)
    ]


def _listing(raw: dict[str, Any], marketplace_id: str) -> Listing:
    summary = _for_marketplace(raw.get("summaries"), marketplace_id)
    return Listing(
        sku=str(raw.get("sku", "")),
        asin=summary.get("asin"),
        product_type=summary.get("productType"),
        item_name=summary.get("itemName"),
        status=[str(value) for value in summary.get("status", [])],
        condition=summary.get("conditionType"),
        created=_time(summary.get("createdDate")),
        last_updated=_time(summary.get("lastUpdatedDate")),
        offers=[
            ListingOffer(offer_type=str(offer.get("offerType", "")), price=_money(offer.get("price")))
            for offer in raw.get("offers", [])
            if offer.get("marketplaceId") == marketplace_id
        ],
        fulfillment=[
            FulfillmentAvailability(channel=str(entry.get("fulfillmentChannelCode")), quantity=entry.get("quantity"))
            for entry in raw.get("fulfillmentAvailability", [])
        ],
        issues=_issues(raw.get("issues")),
        attributes=raw.get("attributes"),
    )


@group.tool(
    "amazon-get-products",
    title="Amazon products",
    permission=Permission.MARKETPLACE_READ,
    cache_tier=CacheTier.SHORT,
    read_only=True,
    open_world=True,
)
async def get_products(params: GetProductsInput, ctx: ToolContext) -> GetProductsOutput:
    """Find products on Amazon: search the catalog by keywords or identifiers (ASIN, EAN, UPC, the seller's SKUs),
    read one catalog item by ASIN (Catalog Items 2022-04-01, with the chosen data sets: titles, identifiers,
    images, sales ranks, attributes, variations), or read the seller's own listing of a SKU (Listings Items
    2021-08-01: status, price, fulfilment availability and issues)."""
    client = _sp(ctx)
    market = client.marketplace(params.marketplace)
    included = [data.value for data in params.included_data]
    if params.sku is not None:
        raw = await client.get_listings_item(market, params.sku, included_data=[d.value for d in params.listing_data])
        return GetProductsOutput(
            lookup="sku",
            marketplace=params.marketplace,
            products=[],
            listing=_listing(raw, market.id),
            total_results=None,
            page=_page(1, None, None),
        )
    if params.asin is not None:
        item = await client.get_catalog_item(market, params.asin, included_data=included)
        return GetProductsOutput(
            lookup="asin",
            marketplace=params.marketplace,
            products=[_catalog_product(item, market.id)],
            listing=None,
            total_results=None,
            page=_page(1, None, None),
        )
    found = await client.search_catalog_items(
        market,
        keywords=params.keywords,
        identifiers=params.identifiers,
        identifiers_type=params.identifiers_type.value if params.identifiers_type else None,
        brand_names=params.brand_names,
        classification_ids=params.classification_ids,
        included_data=included,
        page_size=params.page_size,
        page_token=params.page_token,
    )
    products = [_catalog_product(item, market.id) for item in found.get("items", []) if isinstance(item, dict)]
    kept, reason = fit_to_budget(products, ctx.runtime.settings.tool_response_budget_bytes)
    token = (found.get("pagination") or {}).get("nextToken")
    return GetProductsOutput(
        lookup="search",
        marketplace=params.marketplace,
        products=kept,
        listing=None,
        total_results=found.get("numberOfResults"),
        page=_page(len(kept), token, reason),
    )


# amazon-get-inventory --------------------------------------------------------------------------------------------


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
        last_updated=_time(raw.get("lastUpdatedTime")),
    )


def _fbm_item(raw: dict[str, Any], sku: str, marketplace_id: str, threshold: int) -> InventoryItem:
    listing = _listing(raw, marketplace_id)
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
    permission=Permission.MARKETPLACE_READ,
    cache_tier=CacheTier.SHORT,
    read_only=True,
    open_world=True,
)
async def get_inventory(params: GetInventoryInput, ctx: ToolContext) -> GetInventoryOutput:
    """Report Amazon stock per SKU: FBA inventory summaries (fulfillable, inbound, reserved, researching,
    unfulfillable units) or merchant-fulfilled listing quantities, flagging SKUs at or below the low-stock
    threshold, with totals computed from the returned SKUs."""
    client = _sp(ctx)
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
            start_date_time=_iso(params.changed_since) if params.changed_since else None,
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
        page=_page(len(kept), token, reason),
    )


# amazon-get-reports ----------------------------------------------------------------------------------------------


class ReportType(StrEnum):
    ORDERS_BY_ORDER_DATE = "GET_FLAT_FILE_ALL_ORDERS_DATA_BY_ORDER_DATE_GENERAL"
    ORDERS_BY_LAST_UPDATE = "GET_FLAT_FILE_ALL_ORDERS_DATA_BY_LAST_UPDATE_GENERAL"
    MERCHANT_LISTINGS_ALL = "GET_MERCHANT_LISTINGS_ALL_DATA"
    MERCHANT_LISTINGS_ACTIVE = "GET_MERCHANT_LISTINGS_DATA"
    FBA_INVENTORY = "GET_FBA_MYI_UNSUPPRESSED_INVENTORY_DATA"
    AFN_INVENTORY = "GET_AFN_INVENTORY_DATA"
    SETTLEMENT_FLAT_FILE = "GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE"
    SETTLEMENT_XML = "GET_V2_SETTLEMENT_REPORT_DATA_XML"
    SELLER_FEEDBACK = "GET_SELLER_FEEDBACK_DATA"
    SELLER_PERFORMANCE = "GET_V1_SELLER_PERFORMANCE_REPORT"


SCHEDULED_REPORTS = frozenset({ReportType.SETTLEMENT_FLAT_FILE, ReportType.SETTLEMENT_XML})
ProcessingStatus = Literal["IN_QUEUE", "IN_PROGRESS", "DONE", "CANCELLED", "FATAL"]


class GetReportsInput(ToolInput):
    action: Literal["create", "status", "download", "list"] = Field(
        description="create: request a report; status: read a report's state; download: fetch a DONE report's "
        "rows; list: find reports (settlement reports are created by Amazon and only listed and downloaded)."
    )
    marketplace: Marketplace = MARKETPLACE_FIELD
    report_type: ReportType | None = Field(default=None, description="The report to create (action create).")
    report_types: list[ReportType] = Field(
        default_factory=list, max_length=10, description="Report types to list (action list); empty means all."
    )
    data_start_time: AwareDatetime | None = Field(default=None, description="create: start of the data period.")
    data_end_time: AwareDatetime | None = Field(default=None, description="create: end of the data period.")
    report_id: str | None = Field(
        default=None, pattern=r"^[0-9]{1,30}$", description="The report, for status and download."
    )
    wait_seconds: int = Field(
        default=0,
        ge=0,
        le=120,
        description="create, status, download: poll the report until it is DONE, CANCELLED or FATAL, for up to "
        "this many seconds (0: do not wait).",
    )
    processing_statuses: list[ProcessingStatus] = Field(
        default_factory=list, max_length=5, description="list: only reports in these states."
    )
    created_since: AwareDatetime | None = Field(
        default=None, description="list: reports created since this time (Amazon's default: 90 days ago)."
    )
    row_offset: int = Field(default=0, ge=0, description="download: first data row to return (0-based).")
    max_rows: int = Field(default=500, ge=1, le=10_000, description="download: most rows to return.")
    page_size: int = Field(default=10, ge=1, le=100, description="list: reports per page.")
    next_token: str | None = Field(
        default=None, min_length=1, max_length=4000, description="list: page.next_cursor of the previous call."
    )

    @model_validator(mode="after")
    def _action_arguments(self) -> Self:
        if self.action == "create":
            if self.report_type is None:
                raise ValueError("action create needs report_type")
            if self.report_type in SCHEDULED_REPORTS:
                raise ValueError(
                    f"{self.report_type.value} is created by Amazon on a schedule; use action list, then download"
                )
            if self.data_start_time and self.data_end_time and self.data_end_time <= self.data_start_time:
                raise ValueError("data_end_time must be later than data_start_time")
        if self.action in ("status", "download") and self.report_id is None:
            raise ValueError(f"action {self.action} needs report_id")
        return self


class Report(ToolOutput):
    report_id: str
    report_type: str
    processing_status: str = Field(description="IN_QUEUE, IN_PROGRESS, DONE, CANCELLED (no data) or FATAL.")
    marketplace_ids: list[str]
    created_time: datetime | None
    data_start_time: datetime | None
    data_end_time: datetime | None
    processing_end_time: datetime | None
    report_document_id: str | None
    report_schedule_id: str | None


class ReportRow(ToolOutput):
    values: dict[str, str] = Field(description="Cell values by column name.")


class GetReportsOutput(ToolOutput):
    action: str
    report: Report | None
    reports: list[Report]
    columns: list[str]
    rows: list[ReportRow]
    total_rows: int | None = Field(description="Data rows in the whole document.")
    text: str | None = Field(description="The document text when it is not tab-separated (e.g. XML), trimmed.")
    note: str | None
    page: PageInfo


def _report(raw: dict[str, Any]) -> Report:
    return Report(
        report_id=str(raw.get("reportId", "")),
        report_type=str(raw.get("reportType", "")),
        processing_status=str(raw.get("processingStatus", "")),
        marketplace_ids=[str(value) for value in raw.get("marketplaceIds", [])],
        created_time=_time(raw.get("createdTime")),
        data_start_time=_time(raw.get("dataStartTime")),
        data_end_time=_time(raw.get("dataEndTime")),
        processing_end_time=_time(raw.get("processingEndTime")),
        report_document_id=raw.get("reportDocumentId"),
        report_schedule_id=raw.get("reportScheduleId"),
    )


async def _poll_report(client: SellingPartnerClient, report_id: str, wait_seconds: int) -> dict[str, Any]:
    """getReport until the report is finished or `wait_seconds` have passed, backing off from half a second."""
    deadline = time.monotonic() + wait_seconds
    delay = REPORT_POLL_FIRST_DELAY
    while True:
        raw = await client.get_report(report_id)
        remaining = deadline - time.monotonic()
        if raw.get("processingStatus") in ("DONE", "CANCELLED", "FATAL") or remaining <= 0:
            return raw
        await asyncio.sleep(min(delay, remaining))
        delay = min(delay * 2, REPORT_POLL_MAX_DELAY)


def _empty_reports_output(action: str, report: Report | None, note: str | None) -> GetReportsOutput:
    return GetReportsOutput(
        action=action,
        report=report,
        reports=[],
        columns=[],
        rows=[],
        total_rows=None,
        text=None,
        note=note,
        page=_page(1 if report else 0, None, None),
    )


async def _download(params: GetReportsInput, ctx: ToolContext, client: SellingPartnerClient) -> GetReportsOutput:
    raw = await _poll_report(client, str(params.report_id), params.wait_seconds)
    report = _report(raw)
    if report.processing_status in ("CANCELLED", "FATAL"):
        raise VendorError(
            "amazon",
            f"report {report.report_id} ended {report.processing_status}",
            hint="CANCELLED means there was no data for the period; FATAL means Amazon could not build it: "
            "create it again, perhaps for a shorter period",
        )
    if report.report_document_id is None:
        pending = f"report {report.report_id} is {report.processing_status}; call again (or with wait_seconds)"
        return _empty_reports_output(params.action, report, pending)
    document = await client.get_report_document(report.report_document_id)
    text = await client.download_document(document)
    budget = ctx.runtime.settings.tool_response_budget_bytes
    lines = text.splitlines()
    if not lines or "\t" not in lines[0]:
        trimmed = text[: budget // 2]
        note = None if len(trimmed) == len(text) else f"text trimmed to {len(trimmed)} of {len(text)} characters"
        output = _empty_reports_output(params.action, report, note)
        output.text = trimmed
        return output
    table = list(csv.reader(io.StringIO(text), delimiter="\t", quoting=csv.QUOTE_NONE))
    columns, data = table[0], [row for row in table[1:] if any(row)]
    window = data[params.row_offset : params.row_offset + params.max_rows]
    rows = [ReportRow(values=dict(zip(columns, row, strict=False))) for row in window]
    kept, reason = fit_to_budget(rows, budget)
    next_offset = params.row_offset + len(kept)
    return GetReportsOutput(
        action=params.action,
        report=report,
        reports=[],
        columns=columns,
        rows=kept,
        total_rows=len(data),
        text=None,
        note=f"rows {params.row_offset} to {next_offset - 1} of {len(data)}" if kept else "no rows in this range",
        page=PageInfo(
            returned=len(kept),
            has_more=next_offset < len(data),
            next_cursor=None,
            next_page=None,
            truncated=reason is not None,
            truncated_reason=None if reason is None else f"{reason}; continue with row_offset={next_offset}",
        ),
    )


@group.tool(
    "amazon-get-reports",
    title="Amazon reports",
    permission=Permission.MARKETPLACE_READ,
    read_only=True,
    open_world=True,
)
async def get_reports(params: GetReportsInput, ctx: ToolContext) -> GetReportsOutput:
    """Work with Amazon seller reports (Reports API 2021-06-30): create one (orders, listings, FBA inventory...),
    read its processing status (optionally waiting until it is DONE), download a DONE report's tab-separated rows
    (GZIP documents are decompressed; use row_offset to continue), or list reports including Amazon's settlement
    reports."""
    client = _sp(ctx)
    market = client.marketplace(params.marketplace)
    if params.action == "download":
        return await _download(params, ctx, client)
    if params.action == "list":
        found = await client.get_reports(
            marketplace=market,
            report_types=[kind.value for kind in (params.report_types or list(ReportType))],
            processing_statuses=params.processing_statuses,
            created_since=_iso(params.created_since) if params.created_since else None,
            page_size=params.page_size,
            next_token=params.next_token,
        )
        reports = [_report(raw) for raw in found.get("reports", []) if isinstance(raw, dict)]
        output = _empty_reports_output(params.action, None, None)
        output.reports = reports
        output.page = _page(len(reports), found.get("nextToken"), None)
        return output
    report_id = params.report_id
    if params.action == "create" and params.report_type is not None:
        report_id = await client.create_report(
            market,
            params.report_type.value,
            data_start_time=_iso(params.data_start_time) if params.data_start_time else None,
            data_end_time=_iso(params.data_end_time) if params.data_end_time else None,
        )
    raw = await _poll_report(client, str(report_id), params.wait_seconds)
    report = _report(raw)
    note = None
    if report.processing_status == "DONE":
        note = "ready: call again with action download and this report_id"
    elif report.processing_status in ("IN_QUEUE", "IN_PROGRESS"):
        note = "still being prepared: call again with action status (and wait_seconds) later"
    elif report.processing_status == "CANCELLED":
        note = "Amazon cancelled this report: there was no data for the period"
    elif report.processing_status == "FATAL":
        note = "Amazon could not build this report: create it again, perhaps for a shorter period"
    return _empty_reports_output(params.action, report, note)


# amazon-manage-listings ------------------------------------------------------------------------------------------


class ListingCondition(StrEnum):
    NEW = "new_new"
    NEW_OPEN_BOX = "new_open_box"
    REFURBISHED = "refurbished_refurbished"
    USED_LIKE_NEW = "used_like_new"
    USED_VERY_GOOD = "used_very_good"
    USED_GOOD = "used_good"
    USED_ACCEPTABLE = "used_acceptable"


class PatchOperation(ToolInput):
    op: Literal["add", "replace", "merge", "delete"] = Field(description="JSON Patch operation on one attribute.")
    path: str = Field(pattern=r"^/attributes/[a-z0-9_]+$", description="/attributes/<attribute name>.")
    value: list[dict[str, Any]] | None = Field(
        default=None, description="The attribute's new value objects (not for delete)."
    )

    @model_validator(mode="after")
    def _value_for_op(self) -> Self:
        if (self.op == "delete") != (self.value is None):
            raise ValueError("delete takes no value; add, replace and merge need one")
        return self


class ManageListingsInput(ToolInput):
    action: Literal["put", "patch", "delete", "validate"] = Field(
        description="put: create or fully replace the listing; patch: change some attributes; delete: remove the "
        "listing; validate: check a put (or, with patches, a patch) with Amazon's VALIDATION_PREVIEW, changing nothing."
    )
    marketplace: Marketplace = MARKETPLACE_FIELD
    sku: str = Field(min_length=1, max_length=40, pattern=r"^\S(.*\S)?$", description="The seller's SKU.")
    product_type: str | None = Field(
        default=None,
        pattern=r"^[A-Z0-9_]{2,100}$",
        description="Amazon product type, e.g. SPIRITS, GROCERY, NON_ALCOHOLIC_BEVERAGE (put, patch, validate).",
    )
    requirements: Literal["LISTING", "LISTING_PRODUCT_ONLY", "LISTING_OFFER_ONLY"] | None = Field(
        default=None, description="put: what the submission covers (Amazon's default: LISTING)."
    )
    attributes: dict[str, list[dict[str, Any]]] | None = Field(
        default=None,
        description="put/validate: attributes by name, each a list of value objects as the product type's schema "
        'defines, e.g. {"item_name": [{"value": "Sentia Gin 70cl", "language_tag": "en_GB"}]}.',
    )
    patches: list[PatchOperation] = Field(
        default_factory=list, max_length=100, description="patch/validate: the attribute changes."
    )
    title: str | None = Field(default=None, min_length=1, max_length=200, description="Sets item_name.")
    brand: str | None = Field(default=None, min_length=1, max_length=100, description="Sets brand.")
    description: str | None = Field(
        default=None, min_length=1, max_length=2000, description="Sets product_description."
    )
    bullet_points: list[Annotated[str, Field(min_length=1, max_length=500)]] = Field(
        default_factory=list, max_length=5, description="Sets bullet_point (at most 5, each up to 500 characters)."
    )
    condition: ListingCondition | None = Field(default=None, description="Sets condition_type.")
    price: Decimal | None = Field(
        default=None,
        gt=0,
        max_digits=12,
        decimal_places=2,
        description="Sets purchasable_offer: the price including tax, in the marketplace's currency.",
    )
    quantity: int | None = Field(
        default=None, ge=0, le=1_000_000, description="Sets the merchant-fulfilled quantity (fulfillment_availability)."
    )

    def convenience_attributes(self, market: MarketplaceInfo) -> dict[str, list[dict[str, Any]]]:
        """The attributes named by the convenience fields, in Amazon's value-object shape."""
        tagged = {"language_tag": market.language_tag, "marketplace_id": market.id}
        values: dict[str, list[dict[str, Any]]] = {}
        if self.title is not None:
            values["item_name"] = [{"value": self.title, **tagged}]
        if self.brand is not None:
            values["brand"] = [{"value": self.brand, **tagged}]
        if self.description is not None:
            values["product_description"] = [{"value": self.description, **tagged}]
        if self.bullet_points:
            values["bullet_point"] = [{"value": point, **tagged} for point in self.bullet_points]
        if self.condition is not None:
            values["condition_type"] = [{"value": self.condition.value, "marketplace_id": market.id}]
        if self.price is not None:
            values["purchasable_offer"] = [
                {
                    "currency": market.currency,
                    "marketplace_id": market.id,
                    "our_price": [{"schedule": [{"value_with_tax": float(self.price)}]}],
                }
            ]
        if self.quantity is not None:
            values["fulfillment_availability"] = [{"fulfillment_channel_code": "DEFAULT", "quantity": self.quantity}]
        return values

    @property
    def has_convenience(self) -> bool:
        fields = (self.title, self.brand, self.description, self.condition, self.price, self.quantity)
        return any(value is not None for value in fields) or bool(self.bullet_points)

    @model_validator(mode="after")
    def _action_arguments(self) -> Self:
        changes = bool(self.attributes) or self.has_convenience
        if self.action == "delete":
            if changes or self.patches or self.product_type:
                raise ValueError("delete takes only the sku and marketplace")
            return self
        if self.product_type is None:
            raise ValueError(f"action {self.action} needs product_type")
        if self.action == "put" and not changes:
            raise ValueError("put needs attributes or listing fields (title, brand, price, ...)")
        if self.action == "put" and self.patches:
            raise ValueError("put replaces the whole listing: give attributes, not patches")
        if self.action == "patch" and self.attributes:
            raise ValueError("patch changes attributes through patches; use put to send whole attributes")
        if self.action == "patch" and not (self.patches or self.has_convenience):
            raise ValueError("patch needs patches or listing fields (title, price, quantity, ...)")
        if self.action == "validate" and not (changes or self.patches):
            raise ValueError("validate needs the attributes (or patches) to check")
        if self.action == "validate" and self.patches and self.attributes:
            raise ValueError("validate checks either a put (attributes) or a patch (patches), not both")
        return self


class ListingSubmission(ToolOutput):
    sku: str
    action: str
    marketplace: Marketplace
    status: str = Field(description="ACCEPTED (applied), VALID (validation passed) or INVALID (see issues).")
    submission_id: str
    validation_only: bool
    accepted: bool
    asin: str | None
    errors: int
    warnings: int
    issues: list[ListingIssue]


@group.tool(
    "amazon-manage-listings",
    title="Manage Amazon listings",
    permission=Permission.MARKETPLACE_WRITE,
    read_only=False,
    destructive=True,
    idempotent=False,
    open_world=True,
)
async def manage_listings(params: ManageListingsInput, ctx: ToolContext) -> ListingSubmission:
    """Create, replace, change or delete one of the seller's Amazon listings (Listings Items API 2021-08-01), or
    validate a change first without applying it (VALIDATION_PREVIEW). Title, brand, description, bullet points,
    condition, price and merchant quantity can be given as fields; other attributes as the product type defines
    them. Amazon's issues about the submission are returned."""
    client = _sp(ctx)
    market = client.marketplace(params.marketplace)
    preview = params.action == "validate"
    convenience = params.convenience_attributes(market)
    if params.action == "delete":
        answer = await client.delete_listings_item(market, params.sku)
    elif params.action == "patch" or (preview and params.patches):
        patches = [patch.model_dump(exclude_none=True) for patch in params.patches]
        patches += [
            {"op": "replace", "path": f"/attributes/{name}", "value": value} for name, value in convenience.items()
        ]
        answer = await client.patch_listings_item(
            market, params.sku, product_type=str(params.product_type), patches=patches, validation_preview=preview
        )
    else:
        answer = await client.put_listings_item(
            market,
            params.sku,
            product_type=str(params.product_type),
            attributes={**(params.attributes or {}), **convenience},
            requirements=params.requirements,
            validation_preview=preview,
        )
    issues = _issues(answer.get("issues"))
    identifiers = _for_marketplace(answer.get("identifiers"), market.id)
    status = str(answer.get("status", ""))
    return ListingSubmission(
        sku=str(answer.get("sku", params.sku)),
        action=params.action,
        marketplace=params.marketplace,
        status=status,
        submission_id=str(answer.get("submissionId", "")),
        validation_only=preview,
        accepted=status == "ACCEPTED",
        asin=identifiers.get("asin"),
        errors=sum(issue.severity == "ERROR" for issue in issues),
        warnings=sum(issue.severity == "WARNING" for issue in issues),
        issues=issues,
    )


# amazon-advertising-data -----------------------------------------------------------------------------------------

AdState = Literal["ENABLED", "PAUSED", "ARCHIVED"]
NumericId = Annotated[str, Field(pattern=r"^[0-9]{1,20}$")]
PERFORMANCE_COLUMNS = (
    "campaignId", "campaignName", "campaignStatus", "campaignBudgetCurrencyCode", "impressions", "clicks", "cost",
    "purchases7d", "sales7d", "unitsSoldClicks7d",
)  # fmt: skip


class AdvertisingInput(ToolInput):
    data_type: Literal["campaigns", "ad_groups", "keywords", "campaign_performance"] = Field(
        description="Sponsored Products campaigns, ad groups or keywords of the configured advertising profile, or "
        "campaign performance for a date range (an Amazon Ads v3 report, created, polled and downloaded)."
    )
    states: list[AdState] = Field(default_factory=list, max_length=3, description="Only these states; empty: all.")
    campaign_ids: list[NumericId] = Field(
        default_factory=list, max_length=100, description="Only these campaigns (numeric ids)."
    )
    ad_group_ids: list[NumericId] = Field(
        default_factory=list, max_length=100, description="ad_groups, keywords: only these ad groups."
    )
    portfolio_ids: list[NumericId] = Field(
        default_factory=list, max_length=100, description="campaigns: only these portfolios."
    )
    name_contains: str | None = Field(
        default=None, min_length=1, max_length=200, description="campaigns, ad_groups: name contains this text."
    )
    match_types: list[Literal["EXACT", "PHRASE", "BROAD"]] = Field(
        default_factory=list, max_length=3, description="keywords: only these match types."
    )
    max_results: int = Field(default=100, ge=1, le=500, description="Entities per page.")
    next_token: str | None = Field(
        default=None, min_length=1, max_length=4000, description="page.next_cursor of the previous call."
    )
    start_date: date | None = Field(
        default=None, description="campaign_performance: first day (default: 30 days before end_date)."
    )
    end_date: date | None = Field(default=None, description="campaign_performance: last day (default: yesterday).")
    time_unit: Literal["SUMMARY", "DAILY"] = Field(
        default="SUMMARY", description="campaign_performance: one row per campaign, or per campaign and day."
    )
    report_id: str | None = Field(
        default=None,
        min_length=1,
        max_length=100,
        description="campaign_performance: a report created by an earlier call that was not ready yet.",
    )
    wait_seconds: int = Field(
        default=30, ge=0, le=120, description="campaign_performance: how long to poll the report before returning."
    )

    @model_validator(mode="after")
    def _dates(self) -> Self:
        if self.start_date and self.end_date:
            if self.end_date < self.start_date:
                raise ValueError("end_date must not be before start_date")
            if (self.end_date - self.start_date).days > 30:
                raise ValueError("Amazon Ads reports cover at most 31 days; narrow start_date..end_date")
        return self


class Campaign(ToolOutput):
    campaign_id: str
    name: str
    state: str
    targeting_type: str | None
    daily_budget: float | None
    start_date: str | None
    end_date: str | None
    portfolio_id: str | None


class AdGroup(ToolOutput):
    ad_group_id: str
    campaign_id: str
    name: str
    state: str
    default_bid: float | None


class Keyword(ToolOutput):
    keyword_id: str
    ad_group_id: str
    campaign_id: str
    text: str
    match_type: str
    state: str
    bid: float | None


class PerformanceRow(ToolOutput):
    campaign_id: str | None = Field(description="None on the totals row.")
    campaign_name: str | None
    campaign_status: str | None
    date: str | None = Field(description="The day, with time_unit DAILY.")
    impressions: int
    clicks: int
    cost: float
    purchases: int = Field(description="Orders attributed within 7 days of a click.")
    sales: float = Field(description="Sales attributed within 7 days of a click.")
    units: int
    ctr: float | None = Field(description="Click-through rate: clicks / impressions.")
    cpc: float | None = Field(description="Cost per click.")
    cvr: float | None = Field(description="Conversion rate: purchases / clicks.")
    acos: float | None = Field(description="Advertising cost of sales: cost / sales.")
    roas: float | None = Field(description="Return on ad spend: sales / cost.")
    cpm: float | None = Field(description="Cost per thousand impressions.")


class CampaignPerformance(ToolOutput):
    report_id: str
    status: str = Field(description="PENDING, PROCESSING, COMPLETED or FAILED.")
    start_date: date
    end_date: date
    time_unit: str
    currency: str | None
    rows: list[PerformanceRow]
    totals: PerformanceRow | None = Field(description="Sums over the returned rows, with ratios computed from them.")
    note: str | None


class AdvertisingOutput(ToolOutput):
    data_type: str
    profile_id: str
    campaigns: list[Campaign] | None
    ad_groups: list[AdGroup] | None
    keywords: list[Keyword] | None
    performance: CampaignPerformance | None
    page: PageInfo


def _metrics(
    campaign: tuple[str | None, str | None, str | None], day: str | None, sums: dict[str, float]
) -> PerformanceRow:
    impressions, clicks, cost = int(sums["impressions"]), int(sums["clicks"]), round(sums["cost"], 2)
    purchases, sales, units = int(sums["purchases"]), round(sums["sales"], 2), int(sums["units"])
    return PerformanceRow(
        campaign_id=campaign[0],
        campaign_name=campaign[1],
        campaign_status=campaign[2],
        date=day,
        impressions=impressions,
        clicks=clicks,
        cost=cost,
        purchases=purchases,
        sales=sales,
        units=units,
        ctr=_ratio(clicks, impressions),
        cpc=_ratio(cost, clicks, 2),
        cvr=_ratio(purchases, clicks),
        acos=_ratio(cost, sales),
        roas=_ratio(sales, cost, 2),
        cpm=_ratio(cost * 1000, impressions, 2),
    )


def _number(row: dict[str, Any], key: str) -> float:
    value = row.get(key)
    return float(value) if isinstance(value, int | float) else 0.0


def _performance_rows(raw_rows: list[dict[str, Any]], params: AdvertisingInput) -> list[PerformanceRow]:
    rows = []
    for raw in raw_rows:
        campaign_id = str(raw.get("campaignId", ""))
        if params.campaign_ids and campaign_id not in params.campaign_ids:
            continue
        if params.states and raw.get("campaignStatus") not in params.states:
            continue
        sums = {
            "impressions": _number(raw, "impressions"),
            "clicks": _number(raw, "clicks"),
            "cost": _number(raw, "cost"),
            "purchases": _number(raw, "purchases7d"),
            "sales": _number(raw, "sales7d"),
            "units": _number(raw, "unitsSoldClicks7d"),
        }
        identity = (campaign_id, raw.get("campaignName"), raw.get("campaignStatus"))
        rows.append(_metrics(identity, raw.get("date"), sums))
    return rows


async def _campaign_performance(params: AdvertisingInput, client: AdsClient) -> CampaignPerformance:
    end = params.end_date or (_now().date() - timedelta(days=1))
    start = params.start_date or (end - timedelta(days=29))
    if params.report_id is None:
        columns = [*PERFORMANCE_COLUMNS, "date" if params.time_unit == "DAILY" else "startDate"]
        created = await client.create_report(
            name=f"Sentia campaign performance {start.isoformat()}..{end.isoformat()}",
            start_date=start.isoformat(),
            end_date=end.isoformat(),
            report_type="spCampaigns",
            group_by=["campaign"],
            columns=columns,
            time_unit=params.time_unit,
        )
        report_id = str(created.get("reportId", ""))
    else:
        report_id = params.report_id
    deadline = time.monotonic() + params.wait_seconds
    delay = REPORT_POLL_FIRST_DELAY
    while True:
        report = await client.get_report(report_id)
        status = str(report.get("status", ""))
        remaining = deadline - time.monotonic()
        if status in ("COMPLETED", "FAILED") or remaining <= 0:
            break
        await asyncio.sleep(min(delay, remaining))
        delay = min(delay * 2, REPORT_POLL_MAX_DELAY)
    if status == "FAILED":
        raise VendorError(
            "amazon_ads",
            f"report {report_id} failed: {report.get('failureReason') or 'no reason given'}",
            hint="create the report again, perhaps for a shorter period",
        )
    first = date.fromisoformat(str(report.get("startDate", start.isoformat())))
    last = date.fromisoformat(str(report.get("endDate", end.isoformat())))
    unit = str((report.get("configuration") or {}).get("timeUnit", params.time_unit))
    if status != "COMPLETED":
        return CampaignPerformance(
            report_id=report_id,
            status=status,
            start_date=first,
            end_date=last,
            time_unit=unit,
            currency=None,
            rows=[],
            totals=None,
            note="the report is not ready yet: call again with this report_id",
        )
    raw_rows = await client.download_report(str(report.get("url")))
    rows = _performance_rows(raw_rows, params)
    keys = ("impressions", "clicks", "cost", "purchases", "sales", "units")
    totals = {key: float(sum(getattr(row, key) for row in rows)) for key in keys}
    currencies = {str(raw["campaignBudgetCurrencyCode"]) for raw in raw_rows if raw.get("campaignBudgetCurrencyCode")}
    return CampaignPerformance(
        report_id=report_id,
        status=status,
        start_date=first,
        end_date=last,
        time_unit=unit,
        currency=currencies.pop() if len(currencies) == 1 else None,
        rows=rows,
        totals=_metrics((None, None, None), None, totals) if rows else None,
        note=None if rows else "no campaign had impressions in this period",
    )


def _ads_filters(params: AdvertisingInput) -> dict[str, Any]:
    filters: dict[str, Any] = {}
    if params.states:
        filters["stateFilter"] = {"include": list(params.states)}
    if params.campaign_ids:
        filters["campaignIdFilter"] = {"include": params.campaign_ids}
    if params.ad_group_ids and params.data_type != "campaigns":
        filters["adGroupIdFilter"] = {"include": params.ad_group_ids}
    if params.portfolio_ids and params.data_type == "campaigns":
        filters["portfolioIdFilter"] = {"include": params.portfolio_ids}
    if params.name_contains and params.data_type != "keywords":
        filters["nameFilter"] = {"queryTermMatchType": "BROAD_MATCH", "include": [params.name_contains]}
    if params.match_types and params.data_type == "keywords":
        filters["matchTypeFilter"] = list(params.match_types)
    return filters


@group.tool(
    "amazon-advertising-data",
    title="Amazon Ads data",
    permission=Permission.MARKETPLACE_READ,
    read_only=True,
    open_world=True,
)
async def advertising_data(params: AdvertisingInput, ctx: ToolContext) -> AdvertisingOutput:
    """Read Amazon Ads Sponsored Products data of the configured advertising profile: campaigns, ad groups or
    keywords with state, id and name filters, or campaign performance for a date range (impressions, clicks, cost,
    7-day attributed purchases and sales) with CTR, CPC, conversion rate, ACOS, ROAS and CPM computed from Amazon's
    figures. A performance report that is not ready within wait_seconds returns its report_id to ask again."""
    client = _ads(ctx)
    budget = ctx.runtime.settings.tool_response_budget_bytes
    output = AdvertisingOutput(
        data_type=params.data_type,
        profile_id=client.profile_id,
        campaigns=None,
        ad_groups=None,
        keywords=None,
        performance=None,
        page=_page(0, None, None),
    )
    if params.data_type == "campaign_performance":
        performance = await _campaign_performance(params, client)
        performance.rows, reason = fit_to_budget(performance.rows, budget)
        output.performance = performance
        output.page = _page(len(performance.rows), None, reason)
        return output
    resource = {"campaigns": "campaigns", "ad_groups": "adGroups", "keywords": "keywords"}[params.data_type]
    body = await client.list_sp(
        resource, _ads_filters(params), max_results=params.max_results, next_token=params.next_token
    )
    entities = [entity for entity in body.get(resource, []) if isinstance(entity, dict)]
    token = body.get("nextToken") if isinstance(body.get("nextToken"), str) else None
    if params.data_type == "campaigns":
        campaigns = [
            Campaign(
                campaign_id=str(raw.get("campaignId")),
                name=str(raw.get("name", "")),
                state=str(raw.get("state", "")),
                targeting_type=raw.get("targetingType"),
                daily_budget=(raw.get("budget") or {}).get("budget"),
                start_date=raw.get("startDate"),
                end_date=raw.get("endDate"),
                portfolio_id=raw.get("portfolioId"),
            )
            for raw in entities
        ]
        output.campaigns, reason = fit_to_budget(campaigns, budget)
        output.page = _page(len(output.campaigns), token, reason)
    elif params.data_type == "ad_groups":
        groups = [
            AdGroup(
                ad_group_id=str(raw.get("adGroupId")),
                campaign_id=str(raw.get("campaignId")),
                name=str(raw.get("name", "")),
                state=str(raw.get("state", "")),
                default_bid=raw.get("defaultBid"),
            )
            for raw in entities
        ]
        output.ad_groups, reason = fit_to_budget(groups, budget)
        output.page = _page(len(output.ad_groups), token, reason)
    else:
        keywords = [
            Keyword(
                keyword_id=str(raw.get("keywordId")),
                ad_group_id=str(raw.get("adGroupId")),
                campaign_id=str(raw.get("campaignId")),
                text=str(raw.get("keywordText", "")),
                match_type=str(raw.get("matchType", "")),
                state=str(raw.get("state", "")),
                bid=raw.get("bid"),
            )
            for raw in entities
        ]
        output.keywords, reason = fit_to_budget(keywords, budget)
        output.page = _page(len(output.keywords), token, reason)
    return output
