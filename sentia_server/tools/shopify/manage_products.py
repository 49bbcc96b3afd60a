"""shopify-manage-products: create, update or delete a product, update variant prices or set inventory
quantities in one shop, each checked against the shop first."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Literal

from pydantic import Field, model_validator

from sentia_server.integrations.shopify import ShopConnection, manage
from sentia_server.integrations.shopify.ids import gid_pattern, to_gid
from sentia_server.tools.context import ToolContext
from sentia_server.tools.registry import ToolInput, ToolOutput
from sentia_server.tools.shopify.common import OneShop, group, shopify_client
from sentia_server.tools.shopify.products import ProductOut, VariantOut, product_out, variant_out

Action = Literal["create", "update", "delete", "set_inventory", "update_prices"]
Amount = Annotated[Decimal, Field(ge=0, le=1_000_000, decimal_places=2, description="Amount in the shop's currency.")]
InventoryReason = Literal[
    "correction",
    "cycle_count_available",
    "damaged",
    "received",
    "restock",
    "shrinkage",
    "quality_control",
    "safety_stock",
    "promotion",
    "other",
]


class ProductFieldsInput(ToolInput):
    title: str | None = Field(default=None, min_length=1, max_length=255, description="Product title.")
    description_html: str | None = Field(default=None, max_length=65_535, description="Description (HTML).")
    vendor: str | None = Field(default=None, min_length=1, max_length=255, description="Vendor (brand).")
    product_type: str | None = Field(default=None, max_length=255, description="Product type.")
    tags: list[Annotated[str, Field(min_length=1, max_length=255)]] | None = Field(
        default=None, max_length=250, description="Tags; replaces the product's tags on update."
    )
    status: Literal["active", "archived", "draft", "unlisted"] | None = Field(default=None, description="Status.")
    handle: str | None = Field(
        default=None, pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length=255, description="URL handle, e.g. sentia-red."
    )
    seo_title: str | None = Field(default=None, max_length=70, description="Search engine title.")
    seo_description: str | None = Field(default=None, max_length=320, description="Search engine description.")

    def as_fields(self) -> manage.ProductFields:
        return manage.ProductFields(
            title=self.title,
            description_html=self.description_html,
            vendor=self.vendor,
            product_type=self.product_type,
            tags=tuple(self.tags) if self.tags is not None else None,
            status=self.status.upper() if self.status else None,
            handle=self.handle,
            seo_title=self.seo_title,
            seo_description=self.seo_description,
        )


class NewVariantInput(ToolInput):
    price: Amount | None = Field(default=None, description="Selling price in the shop's currency.")
    compare_at_price: Amount | None = Field(default=None, description="Was-price shown struck through.")
    sku: str | None = Field(default=None, min_length=1, max_length=255, description="Stock keeping unit.")
    barcode: str | None = Field(default=None, min_length=1, max_length=255, description="EAN/UPC barcode.")
    inventory_policy: Literal["deny", "continue"] | None = Field(
        default=None, description="deny: stop selling when out of stock; continue: allow overselling."
    )
    taxable: bool | None = Field(default=None, description="Whether tax is charged.")


class PriceInput(ToolInput):
    variant_id: str = Field(pattern=gid_pattern("ProductVariant"), description="Variant (number or gid).")
    price: Amount = Field(description="New selling price in the shop's currency.")
    compare_at_price: Amount | None = Field(default=None, description="New was-price; omit to keep the current one.")
    clear_compare_at_price: bool = Field(default=False, description="Remove the was-price.")


class StockInput(ToolInput):
    variant_id: str = Field(pattern=gid_pattern("ProductVariant"), description="Variant (number or gid).")
    location_id: str = Field(pattern=gid_pattern("Location"), description="Location (number or gid).")
    quantity: int = Field(ge=0, le=1_000_000, description="The absolute quantity to set.")


class ManageProductsInput(ToolInput):
    action: Action = Field(
        description="create, update or delete a product; update_prices of its variants; set_inventory quantities."
    )
    shop: OneShop
    product_id: str | None = Field(
        default=None,
        pattern=gid_pattern("Product"),
        description="The product (number or gid); for update, delete and update_prices.",
    )
    product: ProductFieldsInput | None = Field(default=None, description="For create (title required) and update.")
    variant: NewVariantInput | None = Field(default=None, description="For create: the new product's variant.")
    prices: list[PriceInput] | None = Field(
        default=None, min_length=1, max_length=100, description="For update_prices: one entry per variant."
    )
    inventory: list[StockInput] | None = Field(
        default=None, min_length=1, max_length=100, description="For set_inventory: one entry per variant and location."
    )
    quantity_name: Literal["available", "on_hand"] = Field(
        default="available", description="For set_inventory: which quantity the values set."
    )
    reason: InventoryReason = Field(default="correction", description="For set_inventory: why quantities change.")
    reference_document_uri: str | None = Field(
        default=None,
        max_length=255,
        pattern=r"^[a-z][a-z0-9+.-]*://\S+$",
        description="For set_inventory: a URI of the document behind the change, e.g. sentia://stock-count/42.",
    )
    validate_only: bool = Field(
        default=False, description="Check the input against the shop and report, without changing anything."
    )

    @model_validator(mode="after")
    def _fields_fit_action(self) -> ManageProductsInput:
        if self.shop.lower() == "all":
            raise ValueError("shop: changes apply to one shop; name it (e.g. uk)")
        needs: dict[str, set[str]] = {
            "create": {"product"},
            "update": {"product_id", "product"},
            "delete": {"product_id"},
            "update_prices": {"product_id", "prices"},
            "set_inventory": {"inventory"},
        }
        allowed: dict[str, set[str]] = {
            "create": {"product", "variant"},
            "update": {"product_id", "product"},
            "delete": {"product_id"},
            "update_prices": {"product_id", "prices"},
            "set_inventory": {"inventory"},
        }
        given = {name for name in ("product_id", "product", "variant", "prices", "inventory") if getattr(self, name)}
        missing = needs[self.action] - given
        if missing:
            raise ValueError(f"action {self.action} needs {', '.join(sorted(missing))}")
        extra = given - allowed[self.action]
        if extra:
            raise ValueError(f"action {self.action} does not use {', '.join(sorted(extra))}")
        if self.action == "create" and (self.product is None or not self.product.title):
            raise ValueError("action create needs product.title")
        if self.action == "update" and self.product is not None and not self.product.model_dump(exclude_none=True):
            raise ValueError("action update needs at least one product field to change")
        return self


class InventoryChangeOut(ToolOutput):
    name: str = Field(description="The quantity changed (available or on_hand).")
    delta: int
    quantity_after: int | None
    inventory_item_id: str | None
    location_id: str | None
    location_name: str | None


class ManageProductsResult(ToolOutput):
    shop: str
    action: str
    validate_only: bool
    applied: bool = Field(description="True when Shopify made the change.")
    valid: bool = Field(description="False when the checks found problems (validate_only).")
    problems: list[str]
    checks: list[str] = Field(description="What was checked against the shop, and the change each item gets.")
    product: ProductOut | None
    deleted_product_id: str | None
    variants: list[VariantOut]
    inventory_changes: list[InventoryChangeOut]
    adjustment_group_id: str | None


@group.tool(
    "shopify-manage-products",
    title="Manage Shopify products",
    read_only=False,
    destructive=True,
    idempotent=False,
    open_world=True,
)
async def shopify_manage_products(params: ManageProductsInput, ctx: ToolContext) -> ManageProductsResult:
    """Change one Shopify shop's catalogue: create a product (with its price and SKU), update a product's details,
    delete a product, update variant prices, or set inventory quantities at locations. Every action is first
    checked against the shop (the product exists, each variant belongs to it, each location exists and stocks the
    item); validate_only=true stops there and reports. delete is destructive: it permanently removes the product
    and all its variants and inventory from the shop and cannot be undone. Shopify's validation errors are returned
    with their field paths."""
    client = shopify_client(ctx)
    key = client.resolve(params.shop)[0]
    conn = client.shop(key)
    outcome = await _apply(conn, params)
    return ManageProductsResult(
        shop=key,
        action=params.action,
        validate_only=params.validate_only,
        applied=outcome.applied,
        valid=not outcome.problems,
        problems=outcome.problems,
        checks=outcome.checks,
        product=product_out(key, outcome.product) if outcome.product else None,
        deleted_product_id=outcome.deleted_product_id,
        variants=[variant_out(variant) for variant in outcome.variants],
        inventory_changes=[
            InventoryChangeOut(
                name=change.name,
                delta=change.delta,
                quantity_after=change.quantity_after,
                inventory_item_id=change.inventory_item_id,
                location_id=change.location_id,
                location_name=change.location_name,
            )
            for change in outcome.inventory_changes
        ],
        adjustment_group_id=outcome.adjustment_group_id,
    )


async def _apply(conn: ShopConnection, params: ManageProductsInput) -> manage.Outcome:
    product_id = to_gid("Product", params.product_id) if params.product_id else ""
    fields = params.product.as_fields() if params.product else manage.ProductFields()
    if params.action == "create":
        variant = params.variant or NewVariantInput()
        values = manage.VariantFields(
            price=variant.price,
            compare_at_price=variant.compare_at_price,
            sku=variant.sku,
            barcode=variant.barcode,
            inventory_policy=variant.inventory_policy.upper() if variant.inventory_policy else None,
            taxable=variant.taxable,
        )
        return await manage.create_product(conn, fields, values, validate_only=params.validate_only)
    if params.action == "update":
        return await manage.update_product(conn, product_id, fields, validate_only=params.validate_only)
    if params.action == "delete":
        return await manage.delete_product(conn, product_id, validate_only=params.validate_only)
    if params.action == "update_prices":
        changes = [
            manage.PriceChange(
                variant_id=to_gid("ProductVariant", price.variant_id),
                price=price.price,
                compare_at_price=price.compare_at_price,
                clear_compare_at_price=price.clear_compare_at_price,
            )
            for price in params.prices or []
        ]
        return await manage.update_prices(conn, product_id, changes, validate_only=params.validate_only)
    stock = [
        manage.StockChange(
            variant_id=to_gid("ProductVariant", item.variant_id),
            location_id=to_gid("Location", item.location_id),
            quantity=item.quantity,
        )
        for item in params.inventory or []
    ]
    return await manage.set_inventory(
        conn,
        stock,
        name=params.quantity_name,
        reason=params.reason,
        reference_document_uri=params.reference_document_uri,
        validate_only=params.validate_only,
    )
