"""Changing a shop's catalogue: create, update or delete a product, update variant prices, set inventory.

Each action first checks its input against the shop (the product exists, each variant belongs to it, each location
exists and is active, the item is stocked there); `validate_only` stops after the checks. The mutations used are
productCreate, productUpdate, productDelete, productVariantsBulkUpdate and inventorySetQuantities, whose
`userErrors` are reported verbatim with their field paths.

inventorySetQuantities carries an `@idempotent(key:)` (required from API version 2026-04), so a retried request
is applied once, and a `changeFromQuantity` per quantity (compare-and-swap, required from 2026-04) set to the
quantity read during the checks: a concurrent change makes Shopify refuse instead of overwrite.
https://shopify.dev/docs/api/admin-graphql/latest/mutations/inventorySetQuantities
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal

from sentia_server.integrations.http import VendorError
from sentia_server.integrations.shopify import documents, models
from sentia_server.integrations.shopify.client import ShopConnection
from sentia_server.integrations.shopify.graphql import ShopGraphQL, user_errors_message
from sentia_server.integrations.shopify.search import SearchQuery

VENDOR = "shopify"
QuantityName = Literal["available", "on_hand"]


class CheckFailed(VendorError):
    """The input does not fit the shop (a missing product, a variant of another product...)."""

    def __init__(self, shop: str, problems: Sequence[str]) -> None:
        super().__init__(
            VENDOR, f"shop {shop} cannot apply the change: " + "; ".join(problems), hint="fix the input and try again"
        )
        self.problems = list(problems)


@dataclass(frozen=True)
class ProductFields:
    """Product attributes to set; None leaves an attribute unchanged (or at Shopify's default on create)."""

    title: str | None = None
    description_html: str | None = None
    vendor: str | None = None
    product_type: str | None = None
    tags: tuple[str, ...] | None = None
    status: str | None = None
    handle: str | None = None
    seo_title: str | None = None
    seo_description: str | None = None

    def as_input(self) -> dict[str, Any]:
        values: dict[str, Any] = {
            "title": self.title,
            "descriptionHtml": self.description_html,
            "vendor": self.vendor,
            "productType": self.product_type,
            "tags": list(self.tags) if self.tags is not None else None,
            "status": self.status,
            "handle": self.handle,
        }
        seo = {"title": self.seo_title, "description": self.seo_description}
        if any(value is not None for value in seo.values()):
            values["seo"] = {key: value for key, value in seo.items() if value is not None}
        return {key: value for key, value in values.items() if value is not None}


@dataclass(frozen=True)
class VariantFields:
    """Values of the variant a new product is created with (productCreate makes one "Default Title" variant)."""

    price: Decimal | None = None
    compare_at_price: Decimal | None = None
    sku: str | None = None
    barcode: str | None = None
    inventory_policy: str | None = None
    taxable: bool | None = None

    def as_bulk_input(self, variant_id: str) -> dict[str, Any] | None:
        values: dict[str, Any] = {
            "price": _money(self.price),
            "compareAtPrice": _money(self.compare_at_price),
            "barcode": self.barcode,
            "inventoryPolicy": self.inventory_policy,
            "taxable": self.taxable,
        }
        chosen = {key: value for key, value in values.items() if value is not None}
        if self.sku is not None:
            chosen["inventoryItem"] = {"sku": self.sku}
        return {"id": variant_id, **chosen} if chosen else None


@dataclass(frozen=True)
class PriceChange:
    variant_id: str
    price: Decimal
    compare_at_price: Decimal | None = None
    clear_compare_at_price: bool = False


@dataclass(frozen=True)
class StockChange:
    variant_id: str
    location_id: str
    quantity: int


@dataclass(frozen=True)
class InventoryChange:
    name: str
    delta: int
    quantity_after: int | None
    inventory_item_id: str | None
    location_id: str | None
    location_name: str | None


@dataclass
class Outcome:
    """What an action did (or, with validate_only, would do)."""

    applied: bool
    checks: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    product: models.Product | None = None
    deleted_product_id: str | None = None
    variants: list[models.Variant] = field(default_factory=list)
    inventory_changes: list[InventoryChange] = field(default_factory=list)
    adjustment_group_id: str | None = None


async def _product(gql: ShopGraphQL, product_id: str) -> models.Product | None:
    data = await gql.execute(documents.PRODUCT, {"id": product_id, "variants": documents.PRODUCT_VARIANTS_PER_PAGE})
    node = models.field(data, "product")
    return None if node is None else models.product(node)


async def _handle_owner(gql: ShopGraphQL, handle: str) -> str | None:
    query = SearchQuery().equals("handle", handle).value()
    data = await gql.execute(documents.PRODUCT_BY_HANDLE, {"query": query})
    nodes = models.field(models.field(data, "products"), "nodes")
    return models.text(nodes[0], "id") if nodes else None


def _raise_user_errors(shop: str, mutation: str, payload: Any) -> None:
    errors = models.field(payload, "userErrors")
    if errors:
        raise VendorError(VENDOR, user_errors_message(shop, mutation, errors), hint="fix the input and try again")


def _payload(data: Mapping[str, Any], name: str) -> Any:
    payload = models.field(data, name)
    if payload is None:
        raise models.ShapeError(f"{name} returned no payload")
    return payload


# Create


async def create_product(
    conn: ShopConnection, fields: ProductFields, variant: VariantFields, *, validate_only: bool
) -> Outcome:
    problems: list[str] = []
    checks = [f"title {fields.title!r} is set"]
    if fields.handle:
        owner = await _handle_owner(conn.graphql, fields.handle)
        if owner is not None:
            problems.append(f"handle {fields.handle!r} is already used by product {owner}")
        else:
            checks.append(f"handle {fields.handle!r} is free")
    if problems:
        return _refuse(conn, problems, validate_only, checks)
    if validate_only:
        return Outcome(applied=False, checks=checks)
    try:
        data = await conn.graphql_once.execute(
            documents.PRODUCT_CREATE,
            {"product": fields.as_input(), "variants": documents.PRODUCT_VARIANTS_PER_PAGE},
        )
    except VendorError as error:
        if error.retryable and error.status is None:
            raise VendorError(
                VENDOR,
                f"productCreate did not complete on shop {conn.key} ({error})",
                hint="the product may or may not have been created; look for it with shopify-get-products "
                "before trying again",
                retryable=True,
            ) from None
        raise
    payload = _payload(data, "productCreate")
    _raise_user_errors(conn.key, "productCreate", payload)
    created = models.product(models.field(payload, "product"))
    outcome = Outcome(applied=True, checks=checks, product=created, variants=list(created.variants))
    if created.variants:
        bulk = variant.as_bulk_input(created.variants[0].id)
        if bulk is not None:
            try:
                outcome.variants = await _bulk_update(conn, created.id, [bulk])
            except VendorError as error:
                raise VendorError(
                    VENDOR,
                    f"product {created.id} ({created.title!r}) was created, but setting its variant failed: {error}",
                    hint="set the price and SKU with action update_prices, or delete the product",
                ) from None
    return outcome


# Update and delete


async def update_product(
    conn: ShopConnection, product_id: str, fields: ProductFields, *, validate_only: bool
) -> Outcome:
    existing = await _product(conn.graphql, product_id)
    if existing is None:
        return _refuse(conn, [f"product {product_id} does not exist"], validate_only, [])
    checks = [f"product {product_id} exists ({existing.title!r})"]
    if fields.handle and fields.handle != existing.handle:
        owner = await _handle_owner(conn.graphql, fields.handle)
        if owner is not None and owner != product_id:
            return _refuse(
                conn, [f"handle {fields.handle!r} is already used by product {owner}"], validate_only, checks
            )
        checks.append(f"handle {fields.handle!r} is free")
    if validate_only:
        return Outcome(applied=False, checks=checks, product=existing)
    data = await conn.graphql.execute(
        documents.PRODUCT_UPDATE,
        {"product": {"id": product_id, **fields.as_input()}, "variants": documents.PRODUCT_VARIANTS_PER_PAGE},
    )
    payload = _payload(data, "productUpdate")
    _raise_user_errors(conn.key, "productUpdate", payload)
    return Outcome(applied=True, checks=checks, product=models.product(models.field(payload, "product")))


async def delete_product(conn: ShopConnection, product_id: str, *, validate_only: bool) -> Outcome:
    existing = await _product(conn.graphql, product_id)
    if existing is None:
        return _refuse(conn, [f"product {product_id} does not exist"], validate_only, [])
    count = existing.variants_count if existing.variants_count is not None else len(existing.variants)
    checks = [f"product {product_id} exists ({existing.title!r}, {count} variants, all deleted with it)"]
    if validate_only:
        return Outcome(applied=False, checks=checks, product=existing)
    data = await conn.graphql.execute(documents.PRODUCT_DELETE, {"id": product_id})
    payload = _payload(data, "productDelete")
    _raise_user_errors(conn.key, "productDelete", payload)
    return Outcome(applied=True, checks=checks, deleted_product_id=models.optional(payload, "deletedProductId"))


# Prices


async def update_prices(
    conn: ShopConnection, product_id: str, changes: Sequence[PriceChange], *, validate_only: bool
) -> Outcome:
    existing = await _product(conn.graphql, product_id)
    if existing is None:
        return _refuse(conn, [f"product {product_id} does not exist"], validate_only, [])
    checks = [f"product {product_id} exists ({existing.title!r})"]
    problems: list[str] = []
    for change in changes:
        data = await conn.graphql.execute(documents.VARIANT, {"id": change.variant_id})
        node = models.field(data, "productVariant")
        owner = models.optional(models.optional(node, "product"), "id")
        if node is None:
            problems.append(f"variant {change.variant_id} does not exist")
        elif owner != product_id:
            problems.append(f"variant {change.variant_id} belongs to product {owner}, not {product_id}")
        else:
            current = models.text(node, "price")
            checks.append(
                f"variant {change.variant_id} ({models.text(node, 'title')!r}) belongs to the product; "
                f"price {current} -> {change.price}"
            )
    if problems:
        return _refuse(conn, problems, validate_only, checks)
    if validate_only:
        return Outcome(applied=False, checks=checks, product=existing)
    updates = []
    for change in changes:
        update: dict[str, Any] = {"id": change.variant_id, "price": _money(change.price)}
        if change.clear_compare_at_price:
            update["compareAtPrice"] = None
        elif change.compare_at_price is not None:
            update["compareAtPrice"] = _money(change.compare_at_price)
        updates.append(update)
    variants = await _bulk_update(conn, product_id, updates)
    return Outcome(applied=True, checks=checks, product=existing, variants=variants)


async def _bulk_update(conn: ShopConnection, product_id: str, updates: list[dict[str, Any]]) -> list[models.Variant]:
    data = await conn.graphql.execute(documents.VARIANTS_BULK_UPDATE, {"productId": product_id, "variants": updates})
    payload = _payload(data, "productVariantsBulkUpdate")
    _raise_user_errors(conn.key, "productVariantsBulkUpdate", payload)
    return [_bulk_variant(node) for node in models.optional(payload, "productVariants") or []]


def _bulk_variant(node: Any) -> models.Variant:
    compare = models.optional(node, "compareAtPrice")
    return models.Variant(
        id=models.text(node, "id"),
        title=models.text(node, "title"),
        sku=models.optional(node, "sku"),
        barcode=models.optional(node, "barcode"),
        price=models.decimal(models.field(node, "price"), "price"),
        compare_at_price=None if compare is None else models.decimal(compare, "compareAtPrice"),
        inventory_quantity=None,
        inventory_policy=None,
        inventory_item_id=None,
    )


# Inventory


async def set_inventory(
    conn: ShopConnection,
    changes: Sequence[StockChange],
    *,
    name: QuantityName,
    reason: str,
    reference_document_uri: str | None,
    validate_only: bool,
) -> Outcome:
    problems: list[str] = []
    checks: list[str] = []
    quantities: list[dict[str, Any]] = []
    for change in changes:
        data = await conn.graphql.execute(
            documents.VARIANT_STOCK, {"variantId": change.variant_id, "locationId": change.location_id}
        )
        variant = models.field(data, "productVariant")
        location = models.field(data, "location")
        if variant is None:
            problems.append(f"variant {change.variant_id} does not exist")
            continue
        if location is None:
            problems.append(f"location {change.location_id} does not exist")
            continue
        if not models.field(location, "isActive"):
            problems.append(f"location {change.location_id} ({models.text(location, 'name')!r}) is not active")
            continue
        item = models.field(variant, "inventoryItem")
        level = models.field(item, "inventoryLevel")
        label = f"variant {change.variant_id} ({models.optional(variant, 'sku') or models.text(variant, 'title')})"
        if level is None:
            problems.append(f"{label} is not stocked at location {models.text(location, 'name')!r}")
            continue
        current = {models.text(q, "name"): int(models.field(q, "quantity")) for q in models.field(level, "quantities")}
        before = current.get(name, 0)
        checks.append(f"{label} at {models.text(location, 'name')!r}: {name} {before} -> {change.quantity}")
        quantities.append(
            {
                "inventoryItemId": models.text(item, "id"),
                "locationId": change.location_id,
                "quantity": change.quantity,
                "changeFromQuantity": before,
            }
        )
    if problems:
        return _refuse(conn, problems, validate_only, checks)
    if validate_only:
        return Outcome(applied=False, checks=checks)
    inputs: dict[str, Any] = {"name": name, "reason": reason, "quantities": quantities}
    if reference_document_uri:
        inputs["referenceDocumentUri"] = reference_document_uri
    data = await conn.graphql.execute(
        documents.INVENTORY_SET_QUANTITIES, {"input": inputs, "idempotencyKey": str(uuid.uuid4())}
    )
    payload = _payload(data, "inventorySetQuantities")
    _raise_user_errors(conn.key, "inventorySetQuantities", payload)
    group = models.field(payload, "inventoryAdjustmentGroup")
    return Outcome(
        applied=True,
        checks=checks,
        adjustment_group_id=models.text(group, "id"),
        inventory_changes=[_inventory_change(node) for node in models.field(group, "changes")],
    )


def _inventory_change(node: Any) -> InventoryChange:
    location = models.optional(node, "location")
    after = models.optional(node, "quantityAfterChange")
    return InventoryChange(
        name=models.text(node, "name"),
        delta=int(models.field(node, "delta")),
        quantity_after=None if after is None else int(after),
        inventory_item_id=models.optional(models.optional(node, "item"), "id"),
        location_id=models.optional(location, "id"),
        location_name=models.optional(location, "name"),
    )


def _refuse(conn: ShopConnection, problems: list[str], validate_only: bool, checks: list[str]) -> Outcome:
    """With validate_only, the problems are the answer; otherwise they stop the action."""
    if validate_only:
        return Outcome(applied=False, checks=checks, problems=problems)
    raise CheckFailed(conn.key, problems)


def _money(amount: Decimal | None) -> str | None:
    return None if amount is None else f"{amount:.2f}"
