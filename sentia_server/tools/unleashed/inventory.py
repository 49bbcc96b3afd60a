"""unleashed-get-inventory: stock on hand per product and warehouse, with low, negative and over-stock flags
judged against each product's alert levels, an ABC split by value and the most valuable lines."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import Field

from sentia_server.cache import CacheTier
from sentia_server.integrations.unleashed import PRODUCTS, STOCK_ON_HAND, UnleashedClient
from sentia_server.integrations.unleashed.models import Product, StockOnHand
from sentia_server.tools.context import ToolContext
from sentia_server.tools.paging import PageInfo, fit_to_budget
from sentia_server.tools.registry import ToolInput, ToolOutput
from sentia_server.tools.unleashed.common import (
    Guid,
    ModifiedSince,
    PageNumber,
    PageSize,
    ProductRefOut,
    group,
    money,
    number,
    page_info,
    unleashed_client,
)
from sentia_server.tools.unleashed.stock import ZERO, Levels, abc_classes, flags

MAX_PRODUCT_PAGES = 20
TOP_ITEMS = 10


class InventoryInput(ToolInput):
    warehouse_code: Annotated[str, Field(min_length=1, max_length=15)] | None = Field(
        default=None,
        description="Stock in this warehouse only. Without it, each product's stock across all warehouses, with a "
        "per-warehouse breakdown.",
    )
    product_guids: list[Guid] | None = Field(
        default=None, min_length=1, max_length=100, description="Only these products (Unleashed Guids)."
    )
    as_at_date: date | None = Field(default=None, description="Stock as it stood at the end of this day.")
    include_assemblable: bool = Field(
        default=False,
        description="Count in available stock what auto-assembly bills of materials could make from components.",
    )
    modified_since: ModifiedSince
    low_stock_threshold: Decimal | None = Field(
        default=None,
        ge=0,
        description="Flag as low any available quantity at or below this, instead of each product's minimum stock "
        "alert level.",
    )
    only: Literal["all", "low", "negative", "low_or_negative", "over"] = Field(
        default="all", description="Keep only the lines of this page with this flag."
    )
    include_warehouse_breakdown: bool = Field(
        default=True, description="Without warehouse_code: add each product's stock per warehouse."
    )
    page: PageNumber
    page_size: PageSize


class WarehouseStockOut(ToolOutput):
    warehouse_code: str
    warehouse_name: str | None
    on_hand: float
    allocated: float
    available: float
    on_purchase: float


class StockFlagsOut(ToolOutput):
    low: bool = Field(description="Available at or below the low-stock threshold.")
    negative: bool = Field(description="On hand below zero.")
    over: bool = Field(description="On hand above the maximum stock alert level.")
    below_reorder_point: bool = Field(description="Available plus on order at or below the reorder point.")


class StockLineOut(ToolOutput):
    product: ProductRefOut
    product_group: str | None
    warehouse_code: str | None = Field(description="None when the line is the product's stock across warehouses.")
    warehouse_name: str | None
    on_hand: float
    allocated: float
    available: float
    on_purchase: float = Field(description="Ordered from suppliers and not yet received.")
    average_cost: float | None
    total_cost: float | None = Field(description="Stock value at average landed cost.")
    days_since_last_sale: int | None
    low_stock_threshold: float | None
    min_stock_alert_level: float | None
    max_stock_alert_level: float | None
    reorder_point: float | None
    flags: StockFlagsOut
    abc_class: Literal["A", "B", "C"] = Field(description="Pareto class of this line's value among the page's lines.")
    by_warehouse: list[WarehouseStockOut] | None = None


class InventorySummary(ToolOutput):
    lines: int
    total_value: float = Field(description="Sum of the lines' stock values.")
    low_stock: int
    negative_stock: int
    over_stock: int
    below_reorder_point: int
    abc_counts: dict[str, int]
    top_by_value: list[str] = Field(description="Product codes of the most valuable lines, highest first.")


class InventoryReport(ToolOutput):
    stock: list[StockLineOut]
    summary: InventorySummary = Field(description="Figures over this page's lines, before the `only` filter.")
    page: PageInfo
    total_matching: int
    notes: list[str]


def levels_of(product: Product | None) -> Levels:
    if product is None:
        return Levels()
    return Levels(
        min_stock=product.min_stock_alert_level,
        max_stock=product.max_stock_alert_level,
        reorder_point=product.re_order_point,
        minimum_order_quantity=product.minimum_order_quantity,
    )


async def products_by_guid(client: UnleashedClient) -> tuple[dict[str, Product], bool]:
    """Every product (obsolete included) for its alert levels; the flag says whether all were read."""
    products, complete = await client.everything(
        PRODUCTS, filters={"includeObsolete": True}, max_pages=MAX_PRODUCT_PAGES
    )
    return {product.guid: product for product in products}, complete


async def breakdown(
    client: UnleashedClient, rows: list[StockOnHand], params: InventoryInput
) -> dict[str, list[WarehouseStockOut]]:
    """Each product's stock per warehouse: one StockOnHand read per warehouse for the products of the page."""
    guids = [row.product_guid for row in rows]
    result: dict[str, list[WarehouseStockOut]] = {guid: [] for guid in guids}
    if not guids:
        return result
    for warehouse in await client.warehouses():
        found = await client.page(
            STOCK_ON_HAND,
            page_size=len(guids),
            filters={
                "warehouseCode": warehouse.warehouse_code,
                "productId": guids,
                "asAtDate": params.as_at_date,
                "isAssembled": params.include_assemblable or None,
            },
        )
        for row in found.items:
            if row.product_guid in result:
                result[row.product_guid].append(
                    WarehouseStockOut(
                        warehouse_code=warehouse.warehouse_code,
                        warehouse_name=warehouse.warehouse_name,
                        on_hand=number(row.qty_on_hand) or 0.0,
                        allocated=number(row.allocated_qty) or 0.0,
                        available=number(row.available_qty) or 0.0,
                        on_purchase=number(row.on_purchase) or 0.0,
                    )
                )
    return result


def _keep(line: StockLineOut, only: str) -> bool:
    if only == "low":
        return line.flags.low
    if only == "negative":
        return line.flags.negative
    if only == "low_or_negative":
        return line.flags.low or line.flags.negative
    if only == "over":
        return line.flags.over
    return True


def stock_lines(rows: list[StockOnHand], products: dict[str, Product], threshold: Decimal | None) -> list[StockLineOut]:
    values = [row.total_cost if row.total_cost is not None else ZERO for row in rows]
    classes = abc_classes(values)
    lines = []
    for row, abc in zip(rows, classes, strict=True):
        product = products.get(row.product_guid)
        levels = levels_of(product)
        judged = flags(row.qty_on_hand, row.available_qty, row.on_purchase, levels, threshold)
        lines.append(
            StockLineOut(
                product=ProductRefOut(
                    guid=row.product_guid, code=row.product_code, description=row.product_description
                ),
                product_group=row.product_group_name,
                warehouse_code=row.warehouse_code or None,
                warehouse_name=row.warehouse or None,
                on_hand=number(row.qty_on_hand) or 0.0,
                allocated=number(row.allocated_qty) or 0.0,
                available=number(row.available_qty) or 0.0,
                on_purchase=number(row.on_purchase) or 0.0,
                average_cost=number(row.avg_cost),
                total_cost=money(row.total_cost),
                days_since_last_sale=row.days_since_last_sale,
                low_stock_threshold=number(judged.low_threshold),
                min_stock_alert_level=number(levels.min_stock),
                max_stock_alert_level=number(levels.max_stock),
                reorder_point=number(levels.reorder_point),
                flags=StockFlagsOut(
                    low=judged.low,
                    negative=judged.negative,
                    over=judged.over,
                    below_reorder_point=judged.below_reorder_point,
                ),
                abc_class="A" if abc == "A" else "B" if abc == "B" else "C",
            )
        )
    return lines


def summarise(lines: list[StockLineOut]) -> InventorySummary:
    ranked = sorted((line for line in lines if (line.total_cost or 0) > 0), key=lambda line: -(line.total_cost or 0))
    return InventorySummary(
        lines=len(lines),
        total_value=round(sum(line.total_cost or 0.0 for line in lines), 2),
        low_stock=sum(line.flags.low for line in lines),
        negative_stock=sum(line.flags.negative for line in lines),
        over_stock=sum(line.flags.over for line in lines),
        below_reorder_point=sum(line.flags.below_reorder_point for line in lines),
        abc_counts={name: sum(line.abc_class == name for line in lines) for name in ("A", "B", "C")},
        top_by_value=[line.product.code for line in ranked[:TOP_ITEMS]],
    )


@group.tool(
    "unleashed-get-inventory",
    title="Unleashed stock on hand",
    cache_tier=CacheTier.SHORT,
    read_only=True,
    open_world=True,
)
async def get_inventory(params: InventoryInput, ctx: ToolContext) -> InventoryReport:
    """Report stock on hand, allocated, available and on order, per warehouse or across warehouses (with a
    per-warehouse breakdown), optionally as at a past day. Each line is flagged low (against the product's minimum
    stock alert level or a threshold you give), negative, over-stocked or below its reorder point, and classed A/B/C
    by value; the summary counts the flags on the page."""
    client = unleashed_client(ctx)
    found = await client.page(
        STOCK_ON_HAND,
        page=params.page,
        page_size=params.page_size,
        filters={
            "warehouseCode": params.warehouse_code,
            "productId": params.product_guids,
            "asAtDate": params.as_at_date,
            "isAssembled": params.include_assemblable or None,
            "modifiedSince": params.modified_since,
        },
    )
    products, complete = await products_by_guid(client)
    notes = [] if complete else [f"alert levels were read for the first {MAX_PRODUCT_PAGES * 1000} products only"]
    lines = stock_lines(found.items, products, params.low_stock_threshold)
    summary = summarise(lines)
    if params.warehouse_code is None and params.include_warehouse_breakdown:
        per_warehouse = await breakdown(client, found.items, params)
        for line in lines:
            line.by_warehouse = per_warehouse.get(line.product.guid or "", [])
    kept_lines = [line for line in lines if _keep(line, params.only)]
    if params.only != "all":
        notes.append(f"only the {params.only} lines of this page are listed; next_page continues the scan")
    kept, reason = fit_to_budget(kept_lines, ctx.runtime.settings.tool_response_budget_bytes)
    return InventoryReport(
        stock=kept,
        summary=summary,
        page=page_info(found, len(kept), reason),
        total_matching=found.number_of_items,
        notes=notes,
    )
