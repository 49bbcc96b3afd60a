"""manufacturing-inventory-health: stock of every SKU across Unleashed warehouses, Shopify locations and Amazon
FBA, judged against the reorder points kept in Unleashed, with what to reorder and how much.

Each source is read on its own: a vendor that is not configured, or that fails, is reported as such and the
others still count. Quantities are summed per SKU (the same code in every system) and each names where it is.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import Field

from sentia_server.cache import CacheTier
from sentia_server.integrations.amazon import Marketplace
from sentia_server.integrations.http import VendorError, VendorNotConfigured
from sentia_server.integrations.shopify import reads
from sentia_server.integrations.unleashed import PRODUCTS, STOCK_ON_HAND
from sentia_server.integrations.unleashed.models import Product
from sentia_server.tools.amazon.common import selling_partner_client
from sentia_server.tools.context import ToolContext
from sentia_server.tools.paging import PageInfo, fit_to_budget
from sentia_server.tools.registry import ToolCategory, ToolGroup, ToolInput, ToolOutput
from sentia_server.tools.shopify.common import shopify_client
from sentia_server.tools.unleashed.common import unleashed_client
from sentia_server.tools.unleashed.stock import ZERO, Levels, reorder_quantity

group = ToolGroup(ToolCategory.MANUFACTURING)

SourceName = Literal["unleashed", "shopify", "amazon"]
SOURCES: tuple[SourceName, ...] = ("unleashed", "shopify", "amazon")
Place = tuple[SourceName, str, Any, Any, Any]
MAX_UNLEASHED_PAGES = 10
MAX_SHOPIFY_PAGES = 20
MAX_AMAZON_PAGES = 20
SHOPIFY_PAGE = 250
Sku = Annotated[str, Field(min_length=1, max_length=100)]


class InventoryHealthInput(ToolInput):
    sources: list[SourceName] = Field(
        default_factory=lambda: list(SOURCES),
        min_length=1,
        description="Where to count stock: unleashed (warehouses), shopify (every configured shop's locations), "
        "amazon (FBA).",
    )
    amazon_marketplaces: list[Marketplace] = Field(
        default_factory=lambda: [Marketplace.UK],
        min_length=1,
        max_length=4,
        description="Amazon marketplaces whose FBA stock counts (within the configured SP-API region).",
    )
    skus: list[Sku] | None = Field(default=None, min_length=1, max_length=200, description="Only these SKUs.")
    include_components: bool = Field(
        default=True, description="Include raw materials and packaging (Unleashed component products)."
    )
    reorder_only: bool = Field(default=False, description="List only the SKUs to reorder.")
    page: int = Field(default=1, ge=1, le=10_000, description="Page of the SKU list, from 1.")
    page_size: int = Field(default=100, ge=1, le=500, description="SKUs per page.")


class SourceStatusOut(ToolOutput):
    source: SourceName
    status: Literal["ok", "not_configured", "failed", "skipped"]
    detail: str | None = Field(description="What to set, or what went wrong (the vendor's error).")
    locations: list[str] = Field(description="Locations counted, as `<source>:<location>`.")
    skus: int


class StockAtOut(ToolOutput):
    source: SourceName
    location: str = Field(description="Warehouse code, `<shop>/<location name>` or `<marketplace> FBA`.")
    on_hand: float
    available: float
    on_order: float = Field(description="Unleashed: on purchase; Shopify: incoming; Amazon: inbound to FBA.")


class SkuHealthOut(ToolOutput):
    sku: str
    description: str | None
    stock: list[StockAtOut]
    total_on_hand: float
    total_available: float
    total_on_order: float
    reorder_point: float | None = Field(description="Unleashed's reorder point for the SKU.")
    max_stock: float | None
    minimum_order_quantity: float | None
    supplier: str | None
    status: Literal["ok", "reorder", "negative", "no_reorder_point"]
    reorder_quantity: float | None = Field(
        description="To bring available plus on order up to the maximum stock level (else the reorder point), in "
        "multiples of the minimum order quantity."
    )


class ReorderOut(ToolOutput):
    sku: str
    quantity: float
    supplier: str | None
    available: float
    reorder_point: float


class InventoryHealth(ToolOutput):
    sources: list[SourceStatusOut]
    reorder: list[ReorderOut] = Field(description="Every SKU to reorder, largest shortfall first.")
    counts: dict[str, int] = Field(description="SKUs per status, over every SKU read.")
    items: list[SkuHealthOut]
    page: PageInfo
    total_skus: int
    notes: list[str]


@dataclass
class Tally:
    """Stock of one SKU, per place."""

    description: str | None = None
    places: list[tuple[SourceName, str, Decimal, Decimal, Decimal]] = field(default_factory=list)


Stock = dict[str, Tally]


def _add(stock: Stock, sku: str | None, description: str | None, place: Place) -> None:
    if not sku:
        return
    tally = stock.setdefault(sku, Tally())
    tally.description = tally.description or description
    source, location, on_hand, available, on_order = place
    tally.places.append((source, location, Decimal(on_hand), Decimal(available), Decimal(on_order)))


async def unleashed_stock(ctx: ToolContext, stock: Stock) -> tuple[list[str], dict[str, Product], bool]:
    client = unleashed_client(ctx)
    products, complete = await client.everything(
        PRODUCTS, filters={"includeObsolete": True}, max_pages=MAX_UNLEASHED_PAGES
    )
    locations = []
    for warehouse in await client.warehouses():
        rows, done = await client.everything(
            STOCK_ON_HAND, filters={"warehouseCode": warehouse.warehouse_code}, max_pages=MAX_UNLEASHED_PAGES
        )
        complete = complete and done
        locations.append(f"unleashed:{warehouse.warehouse_code}")
        for row in rows:
            _add(
                stock,
                row.product_code,
                row.product_description,
                ("unleashed", warehouse.warehouse_code, row.qty_on_hand, row.available_qty, row.on_purchase),
            )
    return locations, {p.product_code: p for p in products}, complete


async def shopify_stock(ctx: ToolContext, stock: Stock) -> tuple[list[str], bool]:
    client = shopify_client(ctx)
    locations = []
    complete = True
    for key in client.resolve("all"):
        graphql = client.shop(key).graphql
        for location in await reads.locations(graphql):
            name = f"{key}/{location.name}"
            locations.append(f"shopify:{name}")
            after: str | None = None
            for _ in range(MAX_SHOPIFY_PAGES):
                page = await reads.location_levels(graphql, location, first=SHOPIFY_PAGE, after=after)
                for item in page.items:
                    level = item.node
                    if level.tracked:
                        q = level.quantities
                        place: Place = (
                            "shopify",
                            name,
                            q.get("on_hand", 0),
                            q.get("available", 0),
                            q.get("incoming", 0),
                        )
                        _add(stock, level.sku, level.product_title, place)
                if not page.has_next or not page.items:
                    break
                after = page.items[-1].cursor
            else:
                complete = False
    return locations, complete


async def amazon_stock(ctx: ToolContext, stock: Stock, marketplaces: list[Marketplace]) -> tuple[list[str], bool]:
    client = selling_partner_client(ctx)
    locations = []
    complete = True
    for marketplace in dict.fromkeys(marketplaces):
        market = client.marketplace(marketplace)
        name = f"{marketplace.value} FBA"
        locations.append(f"amazon:{name}")
        token: str | None = None
        for _ in range(MAX_AMAZON_PAGES):
            body = await client.get_inventory_summaries(market, details=True, next_token=token)
            for raw in (body.get("payload") or {}).get("inventorySummaries", []):
                if isinstance(raw, dict):
                    details = raw.get("inventoryDetails") or {}
                    fulfillable = details.get("fulfillableQuantity") or 0
                    inbound = sum(
                        details.get(name) or 0
                        for name in ("inboundWorkingQuantity", "inboundShippedQuantity", "inboundReceivingQuantity")
                    )
                    total = raw.get("totalQuantity") or 0
                    _add(
                        stock,
                        raw.get("sellerSku"),
                        raw.get("productName"),
                        ("amazon", name, total, fulfillable, inbound),
                    )
            token = (body.get("pagination") or {}).get("nextToken")
            if not token:
                break
        else:
            complete = False
    return locations, complete


def judge(sku: str, tally: Tally, product: Product | None) -> SkuHealthOut:
    on_hand = sum((p[2] for p in tally.places), ZERO)
    available = sum((p[3] for p in tally.places), ZERO)
    on_order = sum((p[4] for p in tally.places), ZERO)
    levels = Levels(
        min_stock=product.min_stock_alert_level if product else None,
        max_stock=product.max_stock_alert_level if product else None,
        reorder_point=product.re_order_point if product else None,
        minimum_order_quantity=product.minimum_order_quantity if product else None,
    )
    quantity = reorder_quantity(available, on_order, levels)
    status: Literal["ok", "reorder", "negative", "no_reorder_point"]
    if any(p[2] < 0 for p in tally.places):
        status = "negative"
    elif levels.reorder_point is None:
        status = "no_reorder_point"
    elif quantity is not None:
        status = "reorder"
    else:
        status = "ok"
    return SkuHealthOut(
        sku=sku,
        description=(product.product_description if product else None) or tally.description,
        stock=[
            StockAtOut(source=s, location=loc, on_hand=float(h), available=float(a), on_order=float(o))
            for s, loc, h, a, o in tally.places
        ],
        total_on_hand=float(on_hand),
        total_available=float(available),
        total_on_order=float(on_order),
        reorder_point=None if levels.reorder_point is None else float(levels.reorder_point),
        max_stock=None if levels.max_stock is None else float(levels.max_stock),
        minimum_order_quantity=None if levels.minimum_order_quantity is None else float(levels.minimum_order_quantity),
        supplier=product.supplier.supplier_name if product and product.supplier else None,
        status=status,
        reorder_quantity=None if quantity is None else float(quantity),
    )


def _failure(source: SourceName, error: VendorError) -> SourceStatusOut:
    status: Literal["not_configured", "failed"] = (
        "not_configured" if isinstance(error, VendorNotConfigured) else "failed"
    )
    return SourceStatusOut(source=source, status=status, detail=str(error), locations=[], skus=0)


@group.tool(
    "manufacturing-inventory-health",
    title="Inventory health across warehouses and channels",
    cache_tier=CacheTier.SHORT,
    read_only=True,
    open_world=True,
)
async def inventory_health(params: InventoryHealthInput, ctx: ToolContext) -> InventoryHealth:
    """Count each SKU's stock across Unleashed warehouses, Shopify locations and Amazon FBA, naming where every
    quantity is, and judge the totals against the reorder points, maximum stock levels and minimum order
    quantities kept in Unleashed: what to reorder, how much and from whom. A vendor that is not configured or
    fails is reported in `sources`, and the others still count."""
    stock: Stock = {}
    statuses: list[SourceStatusOut] = []
    products: dict[str, Product] = {}
    notes: list[str] = []
    for name in SOURCES:
        if name not in params.sources:
            statuses.append(SourceStatusOut(source=name, status="skipped", detail=None, locations=[], skus=0))
            continue
        try:
            if name == "unleashed":
                locations, products, complete = await unleashed_stock(ctx, stock)
            elif name == "shopify":
                locations, complete = await shopify_stock(ctx, stock)
            else:
                locations, complete = await amazon_stock(ctx, stock, params.amazon_marketplaces)
        except VendorError as error:
            statuses.append(_failure(name, error))
            continue
        if not complete:
            notes.append(f"{name}: not every page was read; some stock may be missing")
        counted = sum(1 for sku, tally in stock.items() if any(p[0] == name for p in tally.places))
        statuses.append(SourceStatusOut(source=name, status="ok", detail=None, locations=locations, skus=counted))
    if not products:
        notes.append("no Unleashed products were read, so no SKU has a reorder point")
    wanted = set(params.skus) if params.skus else None
    items = [
        judge(sku, tally, products.get(sku))
        for sku, tally in sorted(stock.items())
        if (wanted is None or sku in wanted)
        and (
            params.include_components
            or not (products.get(sku) and products[sku].is_component and not products[sku].is_sellable)
        )
    ]
    reorder = sorted(
        (
            ReorderOut(
                sku=item.sku,
                quantity=item.reorder_quantity or 0.0,
                supplier=item.supplier,
                available=item.total_available,
                reorder_point=item.reorder_point or 0.0,
            )
            for item in items
            if item.reorder_quantity is not None
        ),
        key=lambda r: r.available - r.reorder_point,
    )
    counts: dict[str, int] = {}
    for item in items:
        counts[item.status] = counts.get(item.status, 0) + 1
    listed = [i for i in items if i.reorder_quantity is not None] if params.reorder_only else items
    start = (params.page - 1) * params.page_size
    kept, reason = fit_to_budget(
        listed[start : start + params.page_size], ctx.runtime.settings.tool_response_budget_bytes
    )
    more = start + params.page_size < len(listed)
    return InventoryHealth(
        sources=statuses,
        reorder=reorder,
        counts=counts,
        items=kept,
        page=PageInfo(
            returned=len(kept),
            has_more=more,
            next_page=params.page + 1 if more else None,
            truncated=reason is not None,
            truncated_reason=reason,
        ),
        total_skus=len(listed),
        notes=notes,
    )
