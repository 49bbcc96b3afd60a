"""Reading one shop: pages of orders, products, customers, locations and inventory levels, each fetched in as
many requests as Shopify's query-cost limit requires (see `documents`), with every item's own cursor kept so that
a page can resume after any item."""

from __future__ import annotations

from collections.abc import AsyncGenerator, Callable
from dataclasses import replace
from typing import Any, TypeVar

from sentia_server.integrations.shopify import documents, models
from sentia_server.integrations.shopify.documents import Document
from sentia_server.integrations.shopify.graphql import ShopGraphQL
from sentia_server.integrations.shopify.paging import Cursored, Page

T = TypeVar("T")


async def fetch_page(
    gql: ShopGraphQL,
    document: Document,
    root: Callable[[dict[str, Any]], Any],
    variables: dict[str, Any],
    first: int,
    after: str | None,
    parse: Callable[[Any], T],
) -> Page[T]:
    """Up to `first` items after `after`, in requests of at most `document.page_size`."""
    page: Page[T] = Page(gql.shop)
    cursor = after
    while len(page.items) < first:
        size = min(document.page_size, first - len(page.items))
        data = await gql.execute(document, {**variables, "first": size, "after": cursor})
        connection = root(data)
        edges = models.field(connection, "edges")
        for edge in edges:
            page.items.append(Cursored(gql.shop, models.text(edge, "cursor"), parse(models.field(edge, "node"))))
        info = models.field(connection, "pageInfo")
        page.has_next = bool(models.field(info, "hasNextPage"))
        cursor = models.optional(info, "endCursor")
        if not page.has_next or not edges:
            break
    return page


async def orders(
    gql: ShopGraphQL,
    *,
    query: str | None,
    sort_key: str,
    reverse: bool,
    first: int,
    after: str | None,
    with_lines: bool,
) -> Page[models.Order]:
    document = documents.ORDERS_WITH_LINES if with_lines else documents.ORDERS
    variables: dict[str, Any] = {"query": query, "sortKey": sort_key, "reverse": reverse}
    if with_lines:
        variables["lines"] = documents.ORDER_LINES_PER_PAGE
    return await fetch_page(
        gql, document, lambda data: models.field(data, "orders"), variables, first, after, models.order
    )


async def remaining_lines(gql: ShopGraphQL, order_id: str, after: str) -> list[models.LineItem]:
    """The line items of an order after the ones fetched with it."""
    lines: list[models.LineItem] = []
    cursor: str | None = after
    while cursor is not None:
        data = await gql.execute(
            documents.ORDER_LINES, {"id": order_id, "first": documents.ORDER_LINES.page_size, "after": cursor}
        )
        found = models.field(data, "order")
        if found is None:
            break  # the order was deleted between the two requests
        connection = models.field(found, "lineItems")
        lines.extend(models.line_item(node) for node in models.field(connection, "nodes"))
        info = models.field(connection, "pageInfo")
        cursor = models.optional(info, "endCursor") if models.optional(info, "hasNextPage") else None
    return lines


async def sales_orders(
    gql: ShopGraphQL, query: str | None, *, with_lines: bool, limit: int
) -> AsyncGenerator[models.Order, None]:
    """Every order matching `query`, oldest first, with all line items when asked; at most `limit` orders."""
    document = documents.SALES_ORDERS_WITH_LINES if with_lines else documents.SALES_ORDERS
    variables: dict[str, Any] = {"query": query}
    if with_lines:
        variables["lines"] = documents.ORDER_LINES_PER_PAGE
    after: str | None = None
    seen = 0
    while seen < limit:
        page = await fetch_page(
            gql,
            document,
            lambda data: models.field(data, "orders"),
            variables,
            min(document.page_size, limit - seen),
            after,
            models.order,
        )
        for item in page.items:
            found = item.node
            if found.more_lines_after is not None and found.line_items is not None:
                rest = await remaining_lines(gql, found.id, found.more_lines_after)
                found = _with_lines(found, found.line_items + tuple(rest))
            seen += 1
            yield found
        if not page.has_next or not page.items:
            return
        after = page.items[-1].cursor


def _with_lines(order: models.Order, lines: tuple[models.LineItem, ...]) -> models.Order:
    return replace(order, line_items=lines, more_lines_after=None)


async def products(
    gql: ShopGraphQL, *, query: str | None, sort_key: str, reverse: bool, first: int, after: str | None
) -> Page[models.Product]:
    variables = {
        "query": query,
        "sortKey": sort_key,
        "reverse": reverse,
        "variants": documents.PRODUCT_VARIANTS_PER_PAGE,
    }
    return await fetch_page(
        gql, documents.PRODUCTS, lambda data: models.field(data, "products"), variables, first, after, models.product
    )


async def customers(
    gql: ShopGraphQL, *, query: str | None, sort_key: str, reverse: bool, first: int, after: str | None
) -> Page[models.Customer]:
    variables = {"query": query, "sortKey": sort_key, "reverse": reverse}
    return await fetch_page(
        gql, documents.CUSTOMERS, lambda data: models.field(data, "customers"), variables, first, after, models.customer
    )


async def shop_info(gql: ShopGraphQL) -> models.ShopInfo:
    data = await gql.execute(documents.SHOP)
    return models.shop_info(models.field(data, "shop"))


async def locations(gql: ShopGraphQL, *, include_inactive: bool = False) -> list[models.Location]:
    found: list[models.Location] = []
    after: str | None = None
    while True:
        page = await fetch_page(
            gql,
            documents.LOCATIONS,
            lambda data: models.field(data, "locations"),
            {"includeInactive": include_inactive},
            documents.LOCATIONS.page_size,
            after,
            models.location,
        )
        found.extend(item.node for item in page.items)
        if not page.has_next or not page.items:
            return found
        after = page.items[-1].cursor


async def location_levels(
    gql: ShopGraphQL, location: models.Location, *, first: int, after: str | None
) -> Page[models.InventoryLevel]:
    variables = {"id": location.id, "names": list(documents.INVENTORY_QUANTITY_NAMES)}

    def root(data: dict[str, Any]) -> Any:
        found = models.field(data, "location")
        if found is None:
            return {"edges": [], "pageInfo": {"hasNextPage": False, "endCursor": None}}
        return models.field(found, "inventoryLevels")

    return await fetch_page(
        gql,
        documents.LOCATION_LEVELS,
        root,
        variables,
        first,
        after,
        lambda node: models.inventory_level(node, location.id, location.name),
    )
