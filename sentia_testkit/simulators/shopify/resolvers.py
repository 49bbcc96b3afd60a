"""GraphQL resolvers: each field of the schema answered from a shop's records in the backend.

Connections page with `first`/`after` over a stable order (the sort key, then the record's number); cursors are
opaque (base64 JSON of the last record's number and sort value), as Shopify's are. Root fields check the access
scope Shopify requires and answer ACCESS_DENIED without it.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from graphql import GraphQLError, GraphQLObjectType, GraphQLResolveInfo, GraphQLSchema
from graphql.execution.values import get_directive_values

from sentia_testkit.simulators.shopify.backend import QUANTITY_NAMES, ShopifyBackend, ShopState, amount_spent
from sentia_testkit.simulators.shopify.records import Record, gid_number, money_v2
from sentia_testkit.simulators.shopify.search import (
    Extractor,
    FieldSpec,
    SearchSyntaxError,
    matches,
    parse,
)

MAX_PAGE_SIZE = 250


@dataclass
class RequestContext:
    backend: ShopifyBackend
    state: ShopState


Resolver = Callable[..., Any]
Info = GraphQLResolveInfo[RequestContext]


def _state(info: Info) -> ShopState:
    return info.context.state


def _require_scope(info: Info, scope: str) -> None:
    if scope not in _state(info).scopes:
        required = f"`{scope}` access scope."
        raise GraphQLError(
            f"Access denied for {info.field_name} field. Required access: {required}",
            extensions={
                "code": "ACCESS_DENIED",
                "documentation": "https://shopify.dev/api/usage/access-scopes",
                "requiredAccess": required,
            },
        )


# Paging


def _encode_cursor(number: int, value: Any) -> str:
    payload = {"last_id": number, "last_value": str(value), "numeric": isinstance(value, int | Decimal)}
    return base64.b64encode(json.dumps(payload).encode()).decode()


def _decode_cursor(cursor: str) -> tuple[Any, int]:
    try:
        payload = json.loads(base64.b64decode(cursor, validate=True))
        value = Decimal(payload["last_value"]) if payload["numeric"] else str(payload["last_value"])
        return value, int(payload["last_id"])
    except (binascii.Error, ValueError, KeyError, TypeError, ArithmeticError):
        raise GraphQLError("Invalid cursor for current pagination sort.", extensions={"code": "BAD_REQUEST"}) from None


def connection(
    records: list[Record], first: int | None, after: str | None, sort_value: Callable[[Record], Any], reverse: bool
) -> Record:
    if first is None:
        raise GraphQLError("you must provide one of first or last", extensions={"code": "BAD_REQUEST"})
    if not 0 <= first <= MAX_PAGE_SIZE:
        raise GraphQLError(
            f"The first argument must be between 0 and {MAX_PAGE_SIZE}; it was {first}.",
            extensions={"code": "BAD_REQUEST"},
        )
    keyed = sorted(((sort_value(record), record["_num"]), record) for record in records)
    if reverse:
        keyed.reverse()
    if after is not None:
        position = _decode_cursor(after)
        keyed = [(key, record) for key, record in keyed if (key < position if reverse else key > position)]
    page = keyed[:first]
    edges = [{"cursor": _encode_cursor(record["_num"], key[0]), "node": record} for key, record in page]
    return {
        "edges": edges,
        "nodes": [edge["node"] for edge in edges],
        "pageInfo": {
            "hasNextPage": len(keyed) > first,
            "hasPreviousPage": after is not None,
            "startCursor": edges[0]["cursor"] if edges else None,
            "endCursor": edges[-1]["cursor"] if edges else None,
        },
    }


def _positional(records: list[Record]) -> list[Record]:
    """Records that keep their own order (line items, variants): numbered by position for paging."""
    return [{**record, "_num": index} for index, record in enumerate(records)]


def _search(
    records: list[Record], query: str | None, fields: dict[str, FieldSpec], defaults: list[Extractor], state: ShopState
) -> list[Record]:
    try:
        terms = parse(query)
        return [record for record in records if matches(record, terms, fields, defaults, state.timezone)]
    except SearchSyntaxError as error:
        raise GraphQLError(f"Invalid search query: {error}", extensions={"code": "BAD_REQUEST"}) from None


def _by_gid(table: dict[int, Record], value: str | None, kind: str) -> Record | None:
    number = gid_number(value, kind) if value else None
    return table.get(number) if number is not None else None


def _amount(bag: Record) -> Decimal:
    return Decimal(bag["shopMoney"]["amount"])


# Search fields and sort keys


def _order_fields(state: ShopState) -> dict[str, FieldSpec]:
    def fulfillment(order: Record) -> list[str]:
        return {
            "FULFILLED": ["shipped", "fulfilled"],
            "PARTIALLY_FULFILLED": ["partial", "unfulfilled"],
            "UNFULFILLED": ["unshipped", "unfulfilled"],
            "ON_HOLD": ["on_hold"],
            "SCHEDULED": ["scheduled"],
            "REQUEST_DECLINED": ["request_declined"],
        }.get(order["displayFulfillmentStatus"], [])

    def status(order: Record) -> list[str]:
        found = ["closed"] if order["closed"] else ["open", "not_closed"]
        return ["cancelled", *(["closed"] if order["closed"] else ["not_closed"])] if order["cancelledAt"] else found

    return {
        "created_at": FieldSpec(lambda order: order["createdAt"], "time"),
        "updated_at": FieldSpec(lambda order: order["updatedAt"], "time"),
        "processed_at": FieldSpec(lambda order: order["processedAt"], "time"),
        "financial_status": FieldSpec(lambda order: (order["displayFinancialStatus"] or "").lower(), "exact"),
        "fulfillment_status": FieldSpec(fulfillment, "list"),
        "status": FieldSpec(status, "list"),
        "name": FieldSpec(lambda order: order["name"].lstrip("#"), "exact"),
        "email": FieldSpec(lambda order: order["email"], "exact"),
        "tag": FieldSpec(lambda order: order["tags"], "list"),
        "customer_id": FieldSpec(lambda order: order["_customer"], "exact"),
        "id": FieldSpec(lambda order: order["_num"], "number"),
    }


def _order_defaults(state: ShopState) -> list[Extractor]:
    def customer_name(order: Record) -> str:
        customer = state.customers.get(order["_customer"])
        return str(customer["displayName"]) if customer else ""

    return [lambda order: order["name"], lambda order: order["email"], customer_name]


ORDER_SORT: dict[str, Callable[[Record], Any]] = {
    "CREATED_AT": lambda order: order["createdAt"],
    "UPDATED_AT": lambda order: order["updatedAt"],
    "PROCESSED_AT": lambda order: order["processedAt"],
    "TOTAL_PRICE": lambda order: _amount(order["totalPriceSet"]),
    "ORDER_NUMBER": lambda order: int(order["name"].lstrip("#")),
    "ID": lambda order: order["_num"],
}


def _product_fields(state: ShopState) -> dict[str, FieldSpec]:
    return {
        "status": FieldSpec(lambda product: product["status"].lower(), "exact"),
        "vendor": FieldSpec(lambda product: product["vendor"], "exact"),
        "product_type": FieldSpec(lambda product: product["productType"], "exact"),
        "tag": FieldSpec(lambda product: product["tags"], "list"),
        "title": FieldSpec(lambda product: product["title"], "text"),
        "handle": FieldSpec(lambda product: product["handle"], "exact"),
        "sku": FieldSpec(lambda product: [v["sku"] for v in state.product_variants(product) if v["sku"]], "list"),
        "inventory_total": FieldSpec(state.product_inventory, "number"),
        "created_at": FieldSpec(lambda product: product["createdAt"], "time"),
        "updated_at": FieldSpec(lambda product: product["updatedAt"], "time"),
        "id": FieldSpec(lambda product: product["_num"], "number"),
    }


def _product_defaults(state: ShopState) -> list[Extractor]:
    return [
        lambda product: product["title"],
        lambda product: product["vendor"],
        lambda product: product["productType"],
        lambda product: " ".join(product["tags"]),
        lambda product: " ".join(v["sku"] or "" for v in state.product_variants(product)),
    ]


def _product_sort(state: ShopState) -> dict[str, Callable[[Record], Any]]:
    return {
        "TITLE": lambda product: product["title"].lower(),
        "CREATED_AT": lambda product: product["createdAt"],
        "UPDATED_AT": lambda product: product["updatedAt"],
        "INVENTORY_TOTAL": state.product_inventory,
        "PRODUCT_TYPE": lambda product: product["productType"].lower(),
        "VENDOR": lambda product: product["vendor"].lower(),
        "ID": lambda product: product["_num"],
    }


def _customer_fields(state: ShopState) -> dict[str, FieldSpec]:
    return {
        "customer_date": FieldSpec(lambda customer: customer["createdAt"], "time"),
        "updated_at": FieldSpec(lambda customer: customer["updatedAt"], "time"),
        "tag": FieldSpec(lambda customer: customer["tags"], "list"),
        "email": FieldSpec(lambda customer: (customer["defaultEmailAddress"] or {}).get("emailAddress"), "exact"),
        "state": FieldSpec(lambda customer: customer["state"].lower(), "exact"),
        "country": FieldSpec(lambda customer: (customer["defaultAddress"] or {}).get("countryCodeV2"), "exact"),
        "orders_count": FieldSpec(lambda customer: len(state.customer_orders(customer["_num"])), "number"),
        "total_spent": FieldSpec(lambda customer: state.customer_spent(customer["_num"]), "number"),
        "first_name": FieldSpec(lambda customer: customer["firstName"], "text"),
        "last_name": FieldSpec(lambda customer: customer["lastName"], "text"),
        "id": FieldSpec(lambda customer: customer["_num"], "number"),
    }


CUSTOMER_DEFAULTS: list[Extractor] = [
    lambda customer: customer["displayName"],
    lambda customer: (customer["defaultEmailAddress"] or {}).get("emailAddress"),
]

CUSTOMER_SORT: dict[str, Callable[[Record], Any]] = {
    "NAME": lambda customer: customer["displayName"].lower(),
    "CREATED_AT": lambda customer: customer["createdAt"],
    "UPDATED_AT": lambda customer: customer["updatedAt"],
    "ID": lambda customer: customer["_num"],
}

LOCATION_FIELDS = {"name": FieldSpec(lambda location: location["name"], "text")}
LOCATION_SORT: dict[str, Callable[[Record], Any]] = {
    "NAME": lambda location: location["name"].lower(),
    "ID": lambda location: location["_num"],
}


def _item_fields(state: ShopState) -> dict[str, FieldSpec]:
    return {
        "sku": FieldSpec(lambda item: state.variants[item["_variant"]]["sku"], "exact"),
        "id": FieldSpec(lambda item: item["_num"], "number"),
    }


# Query root


def _root_resolvers() -> dict[str, Resolver]:
    def shop(_: Any, info: Info) -> Record:
        return _state(info).shop

    def order(_: Any, info: Info, id: str) -> Record | None:
        _require_scope(info, "read_orders")
        return _by_gid(_state(info).orders, id, "Order")

    def orders(
        _: Any,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        query: str | None = None,
        sortKey: str = "ID",
        reverse: bool = False,
    ) -> Record:
        _require_scope(info, "read_orders")
        state = _state(info)
        found = _search(list(state.orders.values()), query, _order_fields(state), _order_defaults(state), state)
        return connection(found, first, after, ORDER_SORT[sortKey], reverse)

    def product(_: Any, info: Info, id: str) -> Record | None:
        _require_scope(info, "read_products")
        return _by_gid(_state(info).products, id, "Product")

    def products(
        _: Any,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        query: str | None = None,
        sortKey: str = "ID",
        reverse: bool = False,
    ) -> Record:
        _require_scope(info, "read_products")
        state = _state(info)
        found = _search(list(state.products.values()), query, _product_fields(state), _product_defaults(state), state)
        return connection(found, first, after, _product_sort(state)[sortKey], reverse)

    def product_variant(_: Any, info: Info, id: str) -> Record | None:
        _require_scope(info, "read_products")
        return _by_gid(_state(info).variants, id, "ProductVariant")

    def customers(
        _: Any,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        query: str | None = None,
        sortKey: str = "ID",
        reverse: bool = False,
    ) -> Record:
        _require_scope(info, "read_customers")
        state = _state(info)
        found = _search(list(state.customers.values()), query, _customer_fields(state), CUSTOMER_DEFAULTS, state)
        return connection(found, first, after, CUSTOMER_SORT[sortKey], reverse)

    def location(_: Any, info: Info, id: str | None = None) -> Record | None:
        _require_scope(info, "read_locations")
        return _by_gid(_state(info).locations, id, "Location")

    def locations(
        _: Any,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        query: str | None = None,
        sortKey: str = "NAME",
        reverse: bool = False,
        includeInactive: bool = False,
    ) -> Record:
        _require_scope(info, "read_locations")
        state = _state(info)
        candidates = [loc for loc in state.locations.values() if includeInactive or loc["isActive"]]
        found = _search(candidates, query, LOCATION_FIELDS, [lambda loc: loc["name"]], state)
        return connection(found, first, after, LOCATION_SORT[sortKey], reverse)

    def inventory_item(_: Any, info: Info, id: str) -> Record | None:
        _require_scope(info, "read_inventory")
        return _by_gid(_state(info).items, id, "InventoryItem")

    def inventory_items(
        _: Any,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        query: str | None = None,
        reverse: bool = False,
    ) -> Record:
        _require_scope(info, "read_inventory")
        state = _state(info)
        found = _search(list(state.items.values()), query, _item_fields(state), [], state)
        return connection(found, first, after, lambda item: item["_num"], reverse)

    return {
        "shop": shop,
        "order": order,
        "orders": orders,
        "product": product,
        "products": products,
        "productVariant": product_variant,
        "customers": customers,
        "location": location,
        "locations": locations,
        "inventoryItem": inventory_item,
        "inventoryItems": inventory_items,
    }


# Object types


def _type_resolvers() -> dict[str, dict[str, Resolver]]:
    def s(info: Info) -> ShopState:
        return _state(info)

    def line_items(
        order: Record,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        reverse: bool = False,
    ) -> Record:
        return connection(_positional(order["_lines"]), first, after, lambda line: line["_num"], reverse)

    def variants(
        product: Record,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        reverse: bool = False,
    ) -> Record:
        return connection(s(info).product_variants(product), first, after, lambda variant: variant["position"], reverse)

    def price_range(product: Record, info: Info) -> Record:
        state = s(info)
        prices = [Decimal(variant["price"]) for variant in state.product_variants(product)] or [Decimal("0")]
        return {
            "minVariantPrice": money_v2(min(prices), state.currency),
            "maxVariantPrice": money_v2(max(prices), state.currency),
        }

    def level_connection(
        levels: list[Record], first: int | None, after: str | None, query: str | None, reverse: bool
    ) -> Record:
        if query:
            raise GraphQLError(
                "Invalid search query: inventoryLevels(query:) is not implemented by the simulator",
                extensions={"code": "BAD_REQUEST"},
            )
        numbered = [{**level, "_num": level["_item"] * 10_000_000_000 + level["_location"]} for level in levels]
        return connection(numbered, first, after, lambda level: level["_num"], reverse)

    def location_levels(
        location: Record,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        query: str | None = None,
        reverse: bool = False,
    ) -> Record:
        _require_scope(info, "read_inventory")
        return level_connection(s(info).location_levels(location["_num"]), first, after, query, reverse)

    def item_levels(
        item: Record,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        query: str | None = None,
        reverse: bool = False,
    ) -> Record:
        return level_connection(s(info).item_levels(item["_num"]), first, after, query, reverse)

    def location_level(location: Record, info: Info, inventoryItemId: str) -> Record | None:
        _require_scope(info, "read_inventory")
        number = gid_number(inventoryItemId, "InventoryItem")
        return s(info).levels.get((number, location["_num"])) if number is not None else None

    def item_level(item: Record, info: Info, locationId: str) -> Record | None:
        number = gid_number(locationId, "Location")
        return s(info).levels.get((item["_num"], number)) if number is not None else None

    def quantities(level: Record, info: Info, names: list[str]) -> list[Record]:
        unknown = [name for name in names if name not in QUANTITY_NAMES]
        if unknown:
            raise GraphQLError(
                f"Invalid quantity names: {', '.join(unknown)}. Valid names are: {', '.join(QUANTITY_NAMES)}.",
                extensions={"code": "BAD_REQUEST"},
            )
        return [
            {
                "id": f"{level['id']}&quantity_name={name}",
                "name": name,
                "quantity": int(level["_quantities"].get(name, 0)),
                "updatedAt": level["updatedAt"],
            }
            for name in names
        ]

    def measurement(item: Record, info: Info) -> Record:
        grams = item["_weight_grams"]
        weight = {"value": float(grams), "unit": "GRAMS"} if grams is not None else None
        return {"id": item["id"].replace("InventoryItem", "InventoryItemMeasurement"), "weight": weight}

    return {
        "Order": {
            "customer": lambda order, info: s(info).customers.get(order["_customer"]),
            "lineItems": line_items,
        },
        "LineItem": {
            "variant": lambda line, info: s(info).variants.get(line["_variant"]),
            "product": lambda line, info: s(info).products.get(line["_product"]),
        },
        "Product": {
            "totalInventory": lambda product, info: s(info).product_inventory(product),
            "tracksInventory": lambda product, info: any(
                s(info).items[variant["_item"]]["tracked"] for variant in s(info).product_variants(product)
            ),
            "priceRangeV2": price_range,
            "variantsCount": lambda product, info: {
                "count": len(s(info).product_variants(product)),
                "precision": "EXACT",
            },
            "variants": variants,
        },
        "ProductVariant": {
            "displayName": lambda variant, info: (
                f"{s(info).products[variant['_product']]['title']} - {variant['title']}"
            ),
            "inventoryQuantity": lambda variant, info: s(info).variant_inventory(variant),
            "product": lambda variant, info: s(info).products[variant["_product"]],
            "inventoryItem": lambda variant, info: s(info).items[variant["_item"]],
        },
        "Customer": {
            "numberOfOrders": lambda customer, info: str(len(s(info).customer_orders(customer["_num"]))),
            "amountSpent": lambda customer, info: amount_spent(s(info), customer["_num"]),
        },
        "Location": {"inventoryLevels": location_levels, "inventoryLevel": location_level},
        "InventoryItem": {
            "sku": lambda item, info: s(info).variants[item["_variant"]]["sku"],
            "unitCost": lambda item, info: (
                money_v2(Decimal(item["_unit_cost"]), s(info).currency) if item["_unit_cost"] else None
            ),
            "measurement": measurement,
            "variant": lambda item, info: s(info).variants[item["_variant"]],
            "inventoryLevel": item_level,
            "inventoryLevels": item_levels,
        },
        "InventoryLevel": {
            "item": lambda level, info: s(info).items[level["_item"]],
            "location": lambda level, info: s(info).locations[level["_location"]],
            "quantities": quantities,
        },
        "InventoryChange": {
            "item": lambda change, info: s(info).items.get(change["_level"]["_item"]),
            "location": lambda change, info: s(info).locations.get(change["_level"]["_location"]),
        },
    }


# Mutations


def _mutation_resolvers() -> dict[str, Resolver]:
    def backend(info: Info) -> ShopifyBackend:
        return info.context.backend

    def product_create(_: Any, info: Info, product: Record | None = None) -> Record:
        _require_scope(info, "write_products")
        created, errors = backend(info).create_product(_state(info), product or {})
        return {"product": created, "userErrors": errors}

    def product_update(_: Any, info: Info, product: Record | None = None) -> Record:
        _require_scope(info, "write_products")
        updated, errors = backend(info).update_product(_state(info), product or {})
        return {"product": updated, "userErrors": errors}

    def product_delete(_: Any, info: Info, input: Record, synchronous: bool = True) -> Record:
        _require_scope(info, "write_products")
        deleted, errors = backend(info).delete_product(_state(info), input["id"])
        return {"deletedProductId": deleted, "shop": _state(info).shop, "userErrors": errors}

    def variants_bulk_update(
        _: Any, info: Info, productId: str, variants: list[Record], allowPartialUpdates: bool = False
    ) -> Record:
        _require_scope(info, "write_products")
        product, changed, errors = backend(info).bulk_update_variants(
            _state(info), productId, variants, allowPartialUpdates
        )
        return {"product": product, "productVariants": changed if changed or not errors else None, "userErrors": errors}

    def set_quantities(_: Any, info: Info, input: Record) -> Record:
        _require_scope(info, "write_inventory")
        key = _idempotency_key(info)
        for index, change in enumerate(input["quantities"]):
            if "changeFromQuantity" not in change:
                raise GraphQLError(
                    f"input.quantities.{index}.changeFromQuantity must be provided: pass the quantity you expect "
                    "(compare-and-swap) or null to opt out of the check.",
                    extensions={"code": "BAD_REQUEST"},
                )
        group, errors = backend(info).set_quantities(_state(info), input, key)
        return {"inventoryAdjustmentGroup": group, "userErrors": errors}

    return {
        "productCreate": product_create,
        "productUpdate": product_update,
        "productDelete": product_delete,
        "productVariantsBulkUpdate": variants_bulk_update,
        "inventorySetQuantities": set_quantities,
    }


def _idempotency_key(info: Info) -> str:
    """The @idempotent(key:) of the mutation field; required on inventory mutations from API version 2026-04."""
    directive = info.schema.get_directive("idempotent")
    values = get_directive_values(directive, info.field_nodes[0], info.variable_values) if directive else None
    key = (values or {}).get("key")
    if not key:
        raise GraphQLError(
            f"The @idempotent directive with a key is required for {info.field_name}.",
            extensions={
                "code": "BAD_REQUEST",
                "documentation": "https://shopify.dev/docs/api/usage/idempotent-requests",
            },
        )
    return str(key)


def bind(schema: GraphQLSchema) -> GraphQLSchema:
    """Attach every resolver to the schema's field definitions (the schema is shared; resolvers are stateless)."""
    targets: dict[str, dict[str, Resolver]] = {
        "QueryRoot": _root_resolvers(),
        "Mutation": _mutation_resolvers(),
        **_type_resolvers(),
    }
    for type_name, resolvers in targets.items():
        named = schema.type_map[type_name]
        if not isinstance(named, GraphQLObjectType):
            raise TypeError(f"{type_name} is not an object type of the simulator's schema")
        for field_name, resolver in resolvers.items():
            named.fields[field_name].resolve = resolver
    return schema
