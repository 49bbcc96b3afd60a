"""shopify-get-products: a shop's products (or every shop's, merged) with their variants, prices and inventory.
The product and variant outputs are shared with the manage-products tool."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from typing import Any, Literal

from pydantic import Field

from sentia_server.cache import CacheTier
from sentia_server.integrations.shopify import ShopConnection, models, reads
from sentia_server.integrations.shopify.paging import Page, Position
from sentia_server.integrations.shopify.search import SearchQuery
from sentia_server.tools.context import ToolContext
from sentia_server.tools.paging import PageInfo
from sentia_server.tools.registry import ToolInput, ToolOutput
from sentia_server.tools.shopify.common import (
    Cursor,
    First,
    MoneyOut,
    ShopChoice,
    Text,
    group,
    merged_listing,
    money_out,
)

ProductStatus = Literal["active", "archived", "draft", "unlisted"]
ProductSort = Literal["title", "created_at", "updated_at", "inventory_total", "product_type", "vendor"]


class GetProductsInput(ToolInput):
    shop: ShopChoice = "all"
    status: ProductStatus | None = Field(default=None, description="Only products in this status.")
    vendor: str | None = Field(default=None, min_length=1, max_length=255, description="Exact vendor name.")
    product_type: str | None = Field(default=None, min_length=1, max_length=255, description="Exact product type.")
    tag: str | None = Field(default=None, min_length=1, max_length=255, description="Only products with this tag.")
    sku: str | None = Field(
        default=None, min_length=1, max_length=255, description="Only products with a variant of this SKU."
    )
    inventory_min: int | None = Field(default=None, ge=0, description="Total inventory at least this many units.")
    inventory_max: int | None = Field(default=None, ge=0, description="Total inventory at most this many units.")
    text: Text
    sort_by: ProductSort = Field(default="title", description="Sort key.")
    descending: bool = Field(default=False, description="Reverse the sort order.")
    first: First
    cursor: Cursor


class VariantOut(ToolOutput):
    id: str
    title: str
    sku: str | None
    barcode: str | None
    price: Decimal = Field(description="In the shop's currency.")
    compare_at_price: Decimal | None
    inventory_quantity: int | None = Field(description="Available units across locations.")
    inventory_policy: str | None = Field(description="DENY: no sale when out of stock; CONTINUE: oversell allowed.")
    inventory_item_id: str | None


class ProductOut(ToolOutput):
    shop: str
    id: str
    title: str
    handle: str
    status: str
    vendor: str
    product_type: str
    tags: list[str]
    created_at: datetime
    updated_at: datetime
    total_inventory: int | None
    price_min: MoneyOut
    price_max: MoneyOut
    variants_count: int | None
    variants: list[VariantOut] = Field(description="The first 20 variants, in their display order.")
    variants_complete: bool = Field(description="False when the product has more variants than listed.")


class ProductsResult(ToolOutput):
    shops: list[str]
    products: list[ProductOut]
    page: PageInfo


PRODUCT_SORT_KEYS: dict[str, Callable[[models.Product], Any]] = {
    "title": lambda product: product.title.lower(),
    "created_at": lambda product: product.created_at,
    "updated_at": lambda product: product.updated_at,
    "inventory_total": lambda product: product.total_inventory or 0,
    "product_type": lambda product: product.product_type.lower(),
    "vendor": lambda product: product.vendor.lower(),
}


def variant_out(variant: models.Variant) -> VariantOut:
    return VariantOut(
        id=variant.id,
        title=variant.title,
        sku=variant.sku,
        barcode=variant.barcode,
        price=variant.price,
        compare_at_price=variant.compare_at_price,
        inventory_quantity=variant.inventory_quantity,
        inventory_policy=variant.inventory_policy,
        inventory_item_id=variant.inventory_item_id,
    )


def product_out(shop: str, product: models.Product) -> ProductOut:
    return ProductOut(
        shop=shop,
        id=product.id,
        title=product.title,
        handle=product.handle,
        status=product.status,
        vendor=product.vendor,
        product_type=product.product_type,
        tags=list(product.tags),
        created_at=product.created_at,
        updated_at=product.updated_at,
        total_inventory=product.total_inventory,
        price_min=money_out(product.min_price),
        price_max=money_out(product.max_price),
        variants_count=product.variants_count,
        variants=[variant_out(variant) for variant in product.variants],
        variants_complete=product.variants_complete,
    )


@group.tool(
    "shopify-get-products",
    title="Shopify products",
    cache_tier=CacheTier.SHORT,
    read_only=True,
    open_world=True,
)
async def shopify_get_products(params: GetProductsInput, ctx: ToolContext) -> ProductsResult:
    """List a Shopify shop's products (or every shop's, merged) with their variants, SKUs, prices and inventory;
    filter by status, vendor, product type, tag, SKU, total inventory and text. Pass page.next_cursor back as
    cursor for the next page."""
    query = (
        SearchQuery()
        .equals("status", params.status)
        .equals("vendor", params.vendor)
        .equals("product_type", params.product_type)
        .equals("tag", params.tag)
        .equals("sku", params.sku)
        .compare("inventory_total", ">=", params.inventory_min)
        .compare("inventory_total", "<=", params.inventory_max)
        .text(params.text)
        .value()
    )

    async def fetch(conn: ShopConnection, position: Position) -> Page[models.Product]:
        return await reads.products(
            conn.graphql,
            query=query,
            sort_key=params.sort_by.upper(),
            reverse=params.descending,
            first=params.first,
            after=position.after,
        )

    shops, products, page = await merged_listing(
        ctx,
        shop=params.shop,
        cursor=params.cursor,
        first=params.first,
        filters=params.model_dump(mode="json", exclude={"first", "cursor", "shop"}),
        fetch=fetch,
        sort_key=PRODUCT_SORT_KEYS[params.sort_by],
        reverse=params.descending,
        render=lambda item: product_out(item.shop, item.node),
    )
    return ProductsResult(shops=shops, products=products, page=page)
