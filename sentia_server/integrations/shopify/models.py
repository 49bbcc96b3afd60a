"""Shopify records as the server uses them, parsed from GraphQL answers. Amounts are Decimal, times are aware
datetimes; a node that lacks a field the documents ask for is a `ShapeError` (Shopify answered something other
than what was asked), never a crash further on."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from sentia_server.integrations.http import VendorError

Node = Mapping[str, Any]


class ShapeError(VendorError):
    def __init__(self, what: str) -> None:
        super().__init__(
            "shopify",
            f"answered with an unexpected shape ({what})",
            hint="Shopify may have changed the API version's schema; report this with the message",
        )


@dataclass(frozen=True)
class Money:
    amount: Decimal
    currency: str


@dataclass(frozen=True)
class CustomerRef:
    id: str
    name: str
    email: str | None


@dataclass(frozen=True)
class LineItem:
    id: str
    title: str
    name: str
    sku: str | None
    quantity: int
    variant_id: str | None
    product_id: str | None
    unit_price: Money
    total: Money
    """After line discounts (`discountedTotalSet`)."""


@dataclass(frozen=True)
class Order:
    id: str
    name: str
    email: str | None
    created_at: datetime
    updated_at: datetime | None
    processed_at: datetime | None
    cancelled_at: datetime | None
    closed: bool
    currency: str
    presentment_currency: str | None
    financial_status: str | None
    fulfillment_status: str | None
    units: int
    tags: tuple[str, ...]
    customer: CustomerRef | None
    shipping_country: str | None
    subtotal: Money | None
    discounts: Money | None
    shipping: Money | None
    tax: Money | None
    total: Money
    total_presentment: Money | None
    refunded: Money
    line_items: tuple[LineItem, ...] | None = None
    more_lines_after: str | None = None
    """Set when the order has more line items than were fetched with it (their cursor)."""


@dataclass(frozen=True)
class Variant:
    id: str
    title: str
    sku: str | None
    barcode: str | None
    price: Decimal
    compare_at_price: Decimal | None
    inventory_quantity: int | None
    inventory_policy: str | None
    inventory_item_id: str | None


@dataclass(frozen=True)
class Product:
    id: str
    title: str
    handle: str
    status: str
    vendor: str
    product_type: str
    tags: tuple[str, ...]
    created_at: datetime
    updated_at: datetime
    total_inventory: int | None
    min_price: Money
    max_price: Money
    variants_count: int | None
    variants: tuple[Variant, ...]
    variants_complete: bool


@dataclass(frozen=True)
class Customer:
    id: str
    first_name: str | None
    last_name: str | None
    display_name: str
    email: str | None
    marketing_state: str | None
    phone: str | None
    state: str
    verified_email: bool
    tags: tuple[str, ...]
    orders_count: int
    amount_spent: Money
    city: str | None
    province: str | None
    country: str | None
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class Location:
    id: str
    name: str
    active: bool
    fulfills_online_orders: bool
    city: str | None
    country: str | None


@dataclass(frozen=True)
class InventoryLevel:
    id: str
    location_id: str
    location_name: str
    inventory_item_id: str
    sku: str | None
    tracked: bool
    variant_id: str | None
    variant_title: str | None
    product_id: str | None
    product_title: str | None
    quantities: dict[str, int]
    updated_at: datetime | None


@dataclass(frozen=True)
class ShopInfo:
    name: str
    domain: str
    currency: str
    timezone: str


# Parsing


def field(node: Any, name: str) -> Any:
    if not isinstance(node, Mapping) or name not in node:
        raise ShapeError(f"missing field {name!r}")
    return node[name]


def optional(node: Any, name: str) -> Any:
    return node.get(name) if isinstance(node, Mapping) else None


def text(node: Any, name: str) -> str:
    value = field(node, name)
    if not isinstance(value, str):
        raise ShapeError(f"field {name!r} is not a string")
    return value


def timestamp(value: Any, name: str) -> datetime:
    if not isinstance(value, str):
        raise ShapeError(f"field {name!r} is not a date-time")
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise ShapeError(f"field {name!r} is not an ISO 8601 date-time") from None


def optional_timestamp(node: Any, name: str) -> datetime | None:
    value = optional(node, name)
    return None if value is None else timestamp(value, name)


def decimal(value: Any, name: str) -> Decimal:
    try:
        return Decimal(str(value))
    except InvalidOperation:
        raise ShapeError(f"field {name!r} is not a decimal amount") from None


def money_v2(node: Any, name: str) -> Money:
    return Money(decimal(field(node, "amount"), name), text(node, "currencyCode"))


def shop_money(node: Any, name: str) -> Money:
    return money_v2(field(field(node, name), "shopMoney"), name)


def optional_shop_money(node: Any, name: str) -> Money | None:
    return None if optional(node, name) is None else shop_money(node, name)


def integer(value: Any, name: str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ShapeError(f"field {name!r} is not an integer") from None


def line_item(node: Node) -> LineItem:
    return LineItem(
        id=text(node, "id"),
        title=text(node, "title"),
        name=text(node, "name"),
        sku=optional(node, "sku"),
        quantity=integer(field(node, "quantity"), "quantity"),
        variant_id=optional(optional(node, "variant"), "id"),
        product_id=optional(optional(node, "product"), "id"),
        unit_price=shop_money(node, "originalUnitPriceSet"),
        total=shop_money(node, "discountedTotalSet"),
    )


def order(node: Node) -> Order:
    customer = optional(node, "customer")
    total_set = field(node, "totalPriceSet")
    presentment = optional(total_set, "presentmentMoney")
    lines = optional(node, "lineItems")
    parsed_lines = None
    more_after = None
    if lines is not None:
        parsed_lines = tuple(line_item(line) for line in field(lines, "nodes"))
        page = field(lines, "pageInfo")
        more_after = optional(page, "endCursor") if optional(page, "hasNextPage") else None
    return Order(
        id=text(node, "id"),
        name=text(node, "name"),
        email=optional(node, "email"),
        created_at=timestamp(field(node, "createdAt"), "createdAt"),
        updated_at=optional_timestamp(node, "updatedAt"),
        processed_at=optional_timestamp(node, "processedAt"),
        cancelled_at=optional_timestamp(node, "cancelledAt"),
        closed=bool(optional(node, "closed")),
        currency=text(node, "currencyCode"),
        presentment_currency=optional(node, "presentmentCurrencyCode"),
        financial_status=optional(node, "displayFinancialStatus"),
        fulfillment_status=optional(node, "displayFulfillmentStatus"),
        units=integer(field(node, "subtotalLineItemsQuantity"), "subtotalLineItemsQuantity"),
        tags=tuple(optional(node, "tags") or ()),
        customer=(
            CustomerRef(
                id=text(customer, "id"),
                name=text(customer, "displayName"),
                email=optional(optional(customer, "defaultEmailAddress"), "emailAddress"),
            )
            if customer is not None
            else None
        ),
        shipping_country=optional(optional(node, "shippingAddress"), "countryCodeV2"),
        subtotal=optional_shop_money(node, "subtotalPriceSet"),
        discounts=optional_shop_money(node, "totalDiscountsSet"),
        shipping=optional_shop_money(node, "totalShippingPriceSet"),
        tax=optional_shop_money(node, "totalTaxSet"),
        total=shop_money(node, "totalPriceSet"),
        total_presentment=money_v2(presentment, "presentmentMoney") if presentment is not None else None,
        refunded=shop_money(node, "totalRefundedSet"),
        line_items=parsed_lines,
        more_lines_after=more_after,
    )


def variant(node: Node) -> Variant:
    compare = optional(node, "compareAtPrice")
    quantity = optional(node, "inventoryQuantity")
    return Variant(
        id=text(node, "id"),
        title=text(node, "title"),
        sku=optional(node, "sku"),
        barcode=optional(node, "barcode"),
        price=decimal(field(node, "price"), "price"),
        compare_at_price=None if compare is None else decimal(compare, "compareAtPrice"),
        inventory_quantity=None if quantity is None else integer(quantity, "inventoryQuantity"),
        inventory_policy=optional(node, "inventoryPolicy"),
        inventory_item_id=optional(optional(node, "inventoryItem"), "id"),
    )


def product(node: Node) -> Product:
    variants = field(node, "variants")
    price_range = field(node, "priceRangeV2")
    total = optional(node, "totalInventory")
    count = optional(optional(node, "variantsCount"), "count")
    return Product(
        id=text(node, "id"),
        title=text(node, "title"),
        handle=text(node, "handle"),
        status=text(node, "status"),
        vendor=text(node, "vendor"),
        product_type=text(node, "productType"),
        tags=tuple(field(node, "tags")),
        created_at=timestamp(field(node, "createdAt"), "createdAt"),
        updated_at=timestamp(field(node, "updatedAt"), "updatedAt"),
        total_inventory=None if total is None else integer(total, "totalInventory"),
        min_price=money_v2(field(price_range, "minVariantPrice"), "minVariantPrice"),
        max_price=money_v2(field(price_range, "maxVariantPrice"), "maxVariantPrice"),
        variants_count=None if count is None else integer(count, "variantsCount"),
        variants=tuple(variant(item) for item in field(variants, "nodes")),
        variants_complete=not optional(field(variants, "pageInfo"), "hasNextPage"),
    )


def customer(node: Node) -> Customer:
    address = optional(node, "defaultAddress")
    email = optional(node, "defaultEmailAddress")
    return Customer(
        id=text(node, "id"),
        first_name=optional(node, "firstName"),
        last_name=optional(node, "lastName"),
        display_name=text(node, "displayName"),
        email=optional(email, "emailAddress"),
        marketing_state=optional(email, "marketingState"),
        phone=optional(optional(node, "defaultPhoneNumber"), "phoneNumber"),
        state=text(node, "state"),
        verified_email=bool(optional(node, "verifiedEmail")),
        tags=tuple(field(node, "tags")),
        orders_count=integer(field(node, "numberOfOrders"), "numberOfOrders"),
        amount_spent=money_v2(field(node, "amountSpent"), "amountSpent"),
        city=optional(address, "city"),
        province=optional(address, "province"),
        country=optional(address, "countryCodeV2"),
        created_at=timestamp(field(node, "createdAt"), "createdAt"),
        updated_at=timestamp(field(node, "updatedAt"), "updatedAt"),
    )


def location(node: Node) -> Location:
    address = optional(node, "address")
    return Location(
        id=text(node, "id"),
        name=text(node, "name"),
        active=bool(field(node, "isActive")),
        fulfills_online_orders=bool(optional(node, "fulfillsOnlineOrders")),
        city=optional(address, "city"),
        country=optional(address, "countryCode"),
    )


def inventory_level(node: Node, location_id: str, location_name: str) -> InventoryLevel:
    item = field(node, "item")
    item_variant = optional(item, "variant")
    item_product = optional(item_variant, "product")
    return InventoryLevel(
        id=text(node, "id"),
        location_id=location_id,
        location_name=location_name,
        inventory_item_id=text(item, "id"),
        sku=optional(item, "sku"),
        tracked=bool(optional(item, "tracked")),
        variant_id=optional(item_variant, "id"),
        variant_title=optional(item_variant, "title"),
        product_id=optional(item_product, "id"),
        product_title=optional(item_product, "title"),
        quantities={text(q, "name"): integer(field(q, "quantity"), "quantity") for q in field(node, "quantities")},
        updated_at=optional_timestamp(node, "updatedAt"),
    )


def shop_info(node: Node) -> ShopInfo:
    return ShopInfo(
        name=text(node, "name"),
        domain=text(node, "myshopifyDomain"),
        currency=text(node, "currencyCode"),
        timezone=text(node, "ianaTimezone"),
    )
