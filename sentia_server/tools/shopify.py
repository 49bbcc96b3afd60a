"""Shopify tools: orders, products, customers, inventory and sales figures of one shop or all of them, and changes
to a shop's catalogue, through the GraphQL Admin API (see `sentia_server.integrations.shopify`)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from contextlib import aclosing
from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal, TypeVar
from zoneinfo import ZoneInfo

from mcp.server.mcpserver.exceptions import ToolError
from pydantic import BaseModel, Field, model_validator

from sentia_server.auth.permissions import Permission
from sentia_server.cache import CacheTier
from sentia_server.integrations.shopify import ShopConnection, ShopifyClient, build_client, manage, models, reads
from sentia_server.integrations.shopify.analytics import SalesAccumulator, SalesRow, cents
from sentia_server.integrations.shopify.ids import gid_pattern, to_gid
from sentia_server.integrations.shopify.paging import (
    Cursored,
    InvalidCursor,
    Page,
    Position,
    advance,
    decode_cursor,
    encode_cursor,
    fingerprint,
    has_more,
    merge,
)
from sentia_server.integrations.shopify.search import SearchQuery
from sentia_server.tools.context import ToolContext
from sentia_server.tools.paging import PageInfo, fit_to_budget
from sentia_server.tools.registry import ToolCategory, ToolGroup, ToolInput, ToolOutput

group = ToolGroup(ToolCategory.SHOPIFY)

T = TypeVar("T")
OutT = TypeVar("OutT", bound=BaseModel)

ShopChoice = Annotated[
    str,
    Field(
        pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$",
        description="A configured shop's short name (e.g. uk, usa), or all to read every configured shop; items "
        "are tagged with their shop.",
    ),
]
OneShop = Annotated[
    str,
    Field(
        pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$",
        description="The configured shop's short name (e.g. uk or usa); changes apply to one shop at a time.",
    ),
]
First = Annotated[int, Field(default=50, ge=1, le=250, description="Items per page (1-250).")]
Cursor = Annotated[
    str | None,
    Field(
        default=None,
        max_length=4096,
        description="page.next_cursor of the previous call, with the same filters, for the next page.",
    ),
]
Text = Annotated[
    str | None,
    Field(
        default=None,
        min_length=1,
        max_length=200,
        description="Free text searched in the default fields (words are ANDed; they cannot add filters).",
    ),
]
DateOrTime = date | datetime
TimeBound = Annotated[
    DateOrTime | None,
    Field(
        default=None,
        description="A date (YYYY-MM-DD, a whole day in the shop's time zone) or an ISO 8601 date-time.",
    ),
]


def _client(ctx: ToolContext) -> ShopifyClient:
    return ctx.runtime.vendors.get("shopify", build_client)


def _check_range(start: DateOrTime | None, end: DateOrTime | None, name: str) -> None:
    if start is not None and end is not None and _as_datetime(start) > _as_datetime(end):
        raise ValueError(f"{name}_from must not be after {name}_to")


def _as_datetime(value: DateOrTime) -> datetime:
    moment = value if isinstance(value, datetime) else datetime.combine(value, datetime.min.time())
    return moment.replace(tzinfo=None)


# Output parts


class MoneyOut(ToolOutput):
    amount: Decimal = Field(description="Decimal amount, exact (never a float).")
    currency: str = Field(description="ISO 4217 currency code.")


def _money(value: models.Money | None) -> MoneyOut | None:
    return None if value is None else MoneyOut(amount=value.amount, currency=value.currency)


def _required_money(value: models.Money) -> MoneyOut:
    return MoneyOut(amount=value.amount, currency=value.currency)


# Merged listing across shops


async def _listing(
    ctx: ToolContext,
    *,
    shop: str,
    cursor: str | None,
    first: int,
    filters: dict[str, Any],
    fetch: Callable[[ShopConnection, Position], Awaitable[Page[T]]],
    sort_key: Callable[[T], Any],
    reverse: bool,
    render: Callable[[Cursored[T]], OutT],
) -> tuple[list[str], list[OutT], PageInfo]:
    """One page of items merged from the chosen shops, trimmed to the response budget, with its next cursor."""
    client = _client(ctx)
    shops = client.resolve(shop)
    query = fingerprint({**filters, "shops": shops})
    try:
        positions = decode_cursor(cursor, query, shops)
    except InvalidCursor as error:
        raise ToolError(f"invalid cursor: {error}") from None
    pages = [await fetch(client.shop(key), positions[key]) for key in shops if not positions[key].done]
    merged = merge(pages, first, sort_key, reverse)
    rendered = [render(item) for item in merged]
    kept, reason = fit_to_budget(rendered, ctx.runtime.settings.tool_response_budget_bytes)
    updated = advance(positions, pages, merged[: len(kept)])
    more = has_more(updated)
    page = PageInfo(
        returned=len(kept),
        has_more=more,
        next_cursor=encode_cursor(query, updated) if more else None,
        truncated=reason is not None,
        truncated_reason=reason,
    )
    return shops, kept, page


# shopify-get-orders

FinancialStatus = Literal[
    "authorized", "expired", "paid", "partially_paid", "partially_refunded", "pending", "refunded", "voided"
]
FulfillmentFilter = Literal[
    "fulfilled", "unfulfilled", "partial", "shipped", "unshipped", "on_hold", "scheduled", "request_declined"
]
OrderSort = Literal["created_at", "updated_at", "processed_at", "total_price", "order_number"]


class GetOrdersInput(ToolInput):
    shop: ShopChoice = "all"
    created_from: TimeBound
    created_to: TimeBound
    updated_from: TimeBound
    updated_to: TimeBound
    financial_status: FinancialStatus | None = Field(default=None, description="Only orders in this payment state.")
    fulfillment_status: FulfillmentFilter | None = Field(
        default=None,
        description="Only orders in this fulfilment state (unfulfilled includes partially fulfilled orders).",
    )
    status: Literal["open", "closed", "cancelled"] | None = Field(
        default=None, description="open: neither closed nor cancelled; closed: archived; cancelled: cancelled."
    )
    text: Text
    include_line_items: bool = Field(
        default=False, description="Add each order's line items (costs more of Shopify's query budget)."
    )
    sort_by: OrderSort = Field(default="created_at", description="Sort key.")
    descending: bool = Field(default=True, description="Newest (or largest) first.")
    first: First
    cursor: Cursor

    @model_validator(mode="after")
    def _ranges(self) -> GetOrdersInput:
        _check_range(self.created_from, self.created_to, "created")
        _check_range(self.updated_from, self.updated_to, "updated")
        return self


class OrderCustomerOut(ToolOutput):
    id: str
    name: str
    email: str | None


class LineItemOut(ToolOutput):
    id: str
    title: str
    name: str = Field(description="Product and variant title as sold.")
    sku: str | None
    quantity: int
    variant_id: str | None = Field(description="None when the variant was deleted since.")
    product_id: str | None
    unit_price: MoneyOut
    total: MoneyOut = Field(description="Quantity times unit price, after line discounts, in the shop's currency.")


class OrderOut(ToolOutput):
    shop: str
    id: str
    name: str = Field(description="The order number shown to customers, e.g. #1001.")
    created_at: datetime
    processed_at: datetime | None
    updated_at: datetime | None
    cancelled_at: datetime | None
    closed: bool
    financial_status: str | None
    fulfillment_status: str | None
    currency: str = Field(description="The shop's currency; amounts below are in it.")
    presentment_currency: str | None = Field(description="The currency the customer paid in.")
    units: int
    subtotal: MoneyOut | None
    discounts: MoneyOut | None
    shipping: MoneyOut | None
    tax: MoneyOut | None
    total: MoneyOut
    total_presentment: MoneyOut | None = Field(description="The total in the customer's currency.")
    refunded: MoneyOut
    customer: OrderCustomerOut | None
    email: str | None
    shipping_country: str | None
    tags: list[str]
    line_items: list[LineItemOut] | None = Field(description="Present when include_line_items is true.")


class OrdersResult(ToolOutput):
    shops: list[str]
    orders: list[OrderOut]
    page: PageInfo


ORDER_SORT_KEYS: dict[str, Callable[[models.Order], Any]] = {
    "created_at": lambda order: order.created_at,
    "updated_at": lambda order: order.updated_at or order.created_at,
    "processed_at": lambda order: order.processed_at or order.created_at,
    "total_price": lambda order: order.total.amount,
    "order_number": lambda order: int("".join(ch for ch in order.name if ch.isdigit()) or 0),
}


async def _timezone(conn: ShopConnection) -> ZoneInfo:
    return ZoneInfo((await conn.shop_info()).timezone)


async def _order_query(conn: ShopConnection, params: GetOrdersInput) -> str | None:
    query = SearchQuery()
    if any(
        value is not None for value in (params.created_from, params.created_to, params.updated_from, params.updated_to)
    ):
        timezone = await _timezone(conn)
        query.time_range("created_at", params.created_from, params.created_to, timezone)
        query.time_range("updated_at", params.updated_from, params.updated_to, timezone)
    query.equals("financial_status", params.financial_status)
    query.equals("fulfillment_status", params.fulfillment_status)
    query.equals("status", params.status)
    query.text(params.text)
    return query.value()


def _line_out(line: models.LineItem) -> LineItemOut:
    return LineItemOut(
        id=line.id,
        title=line.title,
        name=line.name,
        sku=line.sku,
        quantity=line.quantity,
        variant_id=line.variant_id,
        product_id=line.product_id,
        unit_price=_required_money(line.unit_price),
        total=_required_money(line.total),
    )


def _order_out(item: Cursored[models.Order]) -> OrderOut:
    order = item.node
    customer = order.customer
    return OrderOut(
        shop=item.shop,
        id=order.id,
        name=order.name,
        created_at=order.created_at,
        processed_at=order.processed_at,
        updated_at=order.updated_at,
        cancelled_at=order.cancelled_at,
        closed=order.closed,
        financial_status=order.financial_status,
        fulfillment_status=order.fulfillment_status,
        currency=order.currency,
        presentment_currency=order.presentment_currency,
        units=order.units,
        subtotal=_money(order.subtotal),
        discounts=_money(order.discounts),
        shipping=_money(order.shipping),
        tax=_money(order.tax),
        total=_required_money(order.total),
        total_presentment=_money(order.total_presentment),
        refunded=_required_money(order.refunded),
        customer=OrderCustomerOut(id=customer.id, name=customer.name, email=customer.email) if customer else None,
        email=order.email,
        shipping_country=order.shipping_country,
        tags=list(order.tags),
        line_items=None if order.line_items is None else [_line_out(line) for line in order.line_items],
    )


@group.tool(
    "shopify-get-orders",
    title="Shopify orders",
    permission=Permission.COMMERCE_READ,
    cache_tier=CacheTier.SHORT,
    read_only=True,
    open_world=True,
)
async def shopify_get_orders(params: GetOrdersInput, ctx: ToolContext) -> OrdersResult:
    """List a Shopify shop's orders (or every shop's, merged), newest first by default, with totals, taxes,
    refunds and payment and fulfilment states; filter by creation or update dates, statuses and text. Amounts are
    in each shop's currency. Without the read_all_orders scope Shopify returns only the last 60 days of orders.
    Pass page.next_cursor back as cursor for the next page."""
    filters = params.model_dump(mode="json", exclude={"first", "cursor", "shop"})

    async def fetch(conn: ShopConnection, position: Position) -> Page[models.Order]:
        page = await reads.orders(
            conn.graphql,
            query=await _order_query(conn, params),
            sort_key=params.sort_by.upper(),
            reverse=params.descending,
            first=params.first,
            after=position.after,
            with_lines=params.include_line_items,
        )
        for index, item in enumerate(page.items):
            order = item.node
            if order.more_lines_after is not None and order.line_items is not None:
                rest = await reads.remaining_lines(conn.graphql, order.id, order.more_lines_after)
                page.items[index] = Cursored(item.shop, item.cursor, _complete(order, rest))
        return page

    shops, orders, page = await _listing(
        ctx,
        shop=params.shop,
        cursor=params.cursor,
        first=params.first,
        filters=filters,
        fetch=fetch,
        sort_key=ORDER_SORT_KEYS[params.sort_by],
        reverse=params.descending,
        render=_order_out,
    )
    return OrdersResult(shops=shops, orders=orders, page=page)


def _complete(order: models.Order, rest: list[models.LineItem]) -> models.Order:
    return replace(order, line_items=(order.line_items or ()) + tuple(rest), more_lines_after=None)


# shopify-get-products

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


def _variant_out(variant: models.Variant) -> VariantOut:
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


def _product_out(shop: str, product: models.Product) -> ProductOut:
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
        price_min=_required_money(product.min_price),
        price_max=_required_money(product.max_price),
        variants_count=product.variants_count,
        variants=[_variant_out(variant) for variant in product.variants],
        variants_complete=product.variants_complete,
    )


@group.tool(
    "shopify-get-products",
    title="Shopify products",
    permission=Permission.COMMERCE_READ,
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

    shops, products, page = await _listing(
        ctx,
        shop=params.shop,
        cursor=params.cursor,
        first=params.first,
        filters=params.model_dump(mode="json", exclude={"first", "cursor", "shop"}),
        fetch=fetch,
        sort_key=PRODUCT_SORT_KEYS[params.sort_by],
        reverse=params.descending,
        render=lambda item: _product_out(item.shop, item.node),
    )
    return ProductsResult(shops=shops, products=products, page=page)


# shopify-get-customers

CustomerSort = Literal["name", "created_at", "updated_at"]


class GetCustomersInput(ToolInput):
    shop: ShopChoice = "all"
    text: Text
    tag: str | None = Field(default=None, min_length=1, max_length=255, description="Only customers with this tag.")
    email: str | None = Field(default=None, min_length=3, max_length=255, description="Exact email address.")
    state: Literal["enabled", "disabled", "invited", "declined"] | None = Field(
        default=None, description="Customer account state."
    )
    created_from: TimeBound
    created_to: TimeBound
    min_orders: int | None = Field(default=None, ge=0, description="At least this many orders.")
    min_amount_spent: Decimal | None = Field(
        default=None, ge=0, description="At least this much spent, in the shop's currency."
    )
    sort_by: CustomerSort = Field(default="name", description="Sort key.")
    descending: bool = Field(default=False, description="Reverse the sort order.")
    first: First
    cursor: Cursor

    @model_validator(mode="after")
    def _range(self) -> GetCustomersInput:
        _check_range(self.created_from, self.created_to, "created")
        return self


class CustomerOut(ToolOutput):
    shop: str
    id: str
    display_name: str
    first_name: str | None
    last_name: str | None
    email: str | None
    email_marketing: str | None = Field(description="Email marketing consent state.")
    phone: str | None
    state: str
    verified_email: bool
    tags: list[str]
    orders_count: int
    amount_spent: MoneyOut
    city: str | None
    province: str | None
    country: str | None = Field(description="ISO 3166-1 alpha-2 code of the default address.")
    created_at: datetime
    updated_at: datetime


class CustomersResult(ToolOutput):
    shops: list[str]
    customers: list[CustomerOut]
    page: PageInfo


CUSTOMER_SORT_KEYS: dict[str, Callable[[models.Customer], Any]] = {
    "name": lambda customer: customer.display_name.lower(),
    "created_at": lambda customer: customer.created_at,
    "updated_at": lambda customer: customer.updated_at,
}


def _customer_out(item: Cursored[models.Customer]) -> CustomerOut:
    customer = item.node
    return CustomerOut(
        shop=item.shop,
        id=customer.id,
        display_name=customer.display_name,
        first_name=customer.first_name,
        last_name=customer.last_name,
        email=customer.email,
        email_marketing=customer.marketing_state,
        phone=customer.phone,
        state=customer.state,
        verified_email=customer.verified_email,
        tags=list(customer.tags),
        orders_count=customer.orders_count,
        amount_spent=_required_money(customer.amount_spent),
        city=customer.city,
        province=customer.province,
        country=customer.country,
        created_at=customer.created_at,
        updated_at=customer.updated_at,
    )


@group.tool(
    "shopify-get-customers",
    title="Shopify customers",
    permission=Permission.COMMERCE_READ,
    cache_tier=CacheTier.MEDIUM,
    read_only=True,
    open_world=True,
)
async def shopify_get_customers(params: GetCustomersInput, ctx: ToolContext) -> CustomersResult:
    """List a Shopify shop's customers (or every shop's, merged) with contact details, tags, order count and amount
    spent; filter by text, tag, email, account state, creation dates, order count and spend. Pass
    page.next_cursor back as cursor for the next page."""

    async def fetch(conn: ShopConnection, position: Position) -> Page[models.Customer]:
        query = SearchQuery()
        if params.created_from is not None or params.created_to is not None:
            query.time_range("customer_date", params.created_from, params.created_to, await _timezone(conn))
        query.equals("tag", params.tag).equals("email", params.email).equals("state", params.state)
        query.compare("orders_count", ">=", params.min_orders)
        query.compare("total_spent", ">=", params.min_amount_spent)
        query.text(params.text)
        return await reads.customers(
            conn.graphql,
            query=query.value(),
            sort_key=params.sort_by.upper(),
            reverse=params.descending,
            first=params.first,
            after=position.after,
        )

    shops, customers, page = await _listing(
        ctx,
        shop=params.shop,
        cursor=params.cursor,
        first=params.first,
        filters=params.model_dump(mode="json", exclude={"first", "cursor", "shop"}),
        fetch=fetch,
        sort_key=CUSTOMER_SORT_KEYS[params.sort_by],
        reverse=params.descending,
        render=_customer_out,
    )
    return CustomersResult(shops=shops, customers=customers, page=page)


# shopify-get-inventory


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
    permission=Permission.COMMERCE_READ,
    cache_tier=CacheTier.SHORT,
    read_only=True,
    open_world=True,
)
async def shopify_get_inventory(params: GetInventoryInput, ctx: ToolContext) -> InventoryResult:
    """List inventory levels per active location of a Shopify shop (or every shop): available, on hand, committed
    and incoming units for each SKU, flagged low at or below low_stock_threshold (default 10). only_low returns
    only the low ones. Pass page.next_cursor back as cursor for the next page."""
    client = _client(ctx)
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


# shopify-get-analytics

MAX_ANALYTICS_DAYS = 366


class GetAnalyticsInput(ToolInput):
    shop: ShopChoice = "all"
    date_from: date = Field(description="First day (YYYY-MM-DD), in each shop's time zone.")
    date_to: date = Field(description="Last day (YYYY-MM-DD), inclusive.")
    group_by: Literal["day", "product", "shop"] = Field(default="day", description="How rows are grouped.")
    financial_status: FinancialStatus | None = Field(default=None, description="Only orders in this payment state.")
    include_cancelled: bool = Field(default=False, description="Count cancelled orders too.")
    max_orders: int = Field(
        default=2500, ge=1, le=20_000, description="Stop after reading this many orders (the result says so)."
    )

    @model_validator(mode="after")
    def _range(self) -> GetAnalyticsInput:
        if self.date_from > self.date_to:
            raise ValueError("date_from must not be after date_to")
        if (self.date_to - self.date_from).days + 1 > MAX_ANALYTICS_DAYS:
            raise ValueError(f"the date range spans more than {MAX_ANALYTICS_DAYS} days; split it")
        return self


class SalesRowOut(ToolOutput):
    key: str = Field(description="The day (YYYY-MM-DD), the product ID, or the shop.")
    label: str
    shop: str | None
    currency: str
    orders: int
    units: int
    order_total: Decimal | None = Field(description="Σ order totals (after discounts, with shipping and tax).")
    refunded: Decimal | None
    net_total: Decimal | None = Field(description="order_total - refunded.")
    average_order_value: Decimal | None
    line_total: Decimal | None = Field(description="By product: Σ line items after line discounts.")


class AnalyticsResult(ToolOutput):
    shops: list[str]
    date_from: date
    date_to: date
    timezones: dict[str, str] = Field(description="The time zone each shop's days are counted in.")
    group_by: str
    rows: list[SalesRowOut]
    totals: list[SalesRowOut] = Field(description="One row per currency (shops' currencies are never summed).")
    orders_read: int = Field(description="Orders read from Shopify, page by page.")
    orders_counted: int
    cancelled_excluded: int
    complete: bool = Field(description="False when max_orders stopped the reading before the last order.")
    truncated: bool = Field(description="True when rows were left out to fit the response budget.")
    truncated_reason: str | None


def _row_out(row: SalesRow, by_product: bool) -> SalesRowOut:
    return SalesRowOut(
        key=row.key,
        label=row.label,
        shop=row.shop,
        currency=row.currency,
        orders=row.orders,
        units=row.units,
        order_total=None if by_product else cents(row.order_total),
        refunded=None if by_product else cents(row.refunded),
        net_total=None if by_product else cents(row.net_total),
        average_order_value=None if by_product else row.average_order_value,
        line_total=cents(row.line_total) if by_product else None,
    )


@group.tool(
    "shopify-get-analytics",
    title="Shopify sales analytics",
    permission=Permission.COMMERCE_READ,
    cache_tier=CacheTier.MEDIUM,
    read_only=True,
    open_world=True,
)
async def shopify_get_analytics(params: GetAnalyticsInput, ctx: ToolContext) -> AnalyticsResult:
    """Compute sales by day, by product or by shop over a date range from a Shopify shop's orders (or every
    shop's): order count, units, order totals, refunds, net totals and average order value, exact to the penny and
    per currency. The orders are read page by page; the result says how many were read and whether max_orders
    stopped it early. Cancelled orders are left out unless include_cancelled is true."""
    client = _client(ctx)
    shops = client.resolve(params.shop)
    timezones = {key: await _timezone(client.shop(key)) for key in shops}
    accumulator = SalesAccumulator(params.group_by, timezones, include_cancelled=params.include_cancelled)
    complete = True
    for key in shops:
        remaining = params.max_orders - accumulator.orders_read
        if remaining <= 0:
            complete = False
            break
        query = (
            SearchQuery()
            .time_range("created_at", params.date_from, params.date_to, timezones[key])
            .equals("financial_status", params.financial_status)
            .value()
        )
        read = 0
        orders = reads.sales_orders(
            client.shop(key).graphql, query, with_lines=params.group_by == "product", limit=remaining + 1
        )
        async with aclosing(orders):
            async for order in orders:
                if read == remaining:  # one order more than allowed: there are more to read
                    complete = False
                    break
                read += 1
                accumulator.add(key, order)
    report = accumulator.report()
    by_product = params.group_by == "product"
    rows, reason = fit_to_budget(
        [_row_out(row, by_product) for row in report.rows], ctx.runtime.settings.tool_response_budget_bytes // 2
    )
    totals = [_row_out(total, False) for total in report.totals]
    return AnalyticsResult(
        shops=shops,
        date_from=params.date_from,
        date_to=params.date_to,
        timezones={key: str(zone) for key, zone in timezones.items()},
        group_by=params.group_by,
        rows=rows,
        totals=totals,
        orders_read=report.orders_read,
        orders_counted=report.orders_counted,
        cancelled_excluded=report.cancelled_excluded,
        complete=complete,
        truncated=reason is not None,
        truncated_reason=reason,
    )


# shopify-manage-products

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
    permission=Permission.COMMERCE_WRITE,
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
    client = _client(ctx)
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
        product=_product_out(key, outcome.product) if outcome.product else None,
        deleted_product_id=outcome.deleted_product_id,
        variants=[_variant_out(variant) for variant in outcome.variants],
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
