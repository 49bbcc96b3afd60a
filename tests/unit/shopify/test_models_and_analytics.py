"""Parsing Shopify answers into records, and sales figures computed from them in Decimal."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from sentia_server.integrations.shopify import models
from sentia_server.integrations.shopify.analytics import SalesAccumulator


def bag(amount: str, currency: str = "GBP") -> dict:
    return {"shopMoney": {"amount": amount, "currencyCode": currency}}


def order_node(**overrides) -> dict:
    node = {
        "id": "gid://shopify/Order/1",
        "name": "#1001",
        "email": None,
        "createdAt": "2026-03-28T23:30:00Z",
        "updatedAt": None,
        "processedAt": None,
        "cancelledAt": None,
        "closed": False,
        "currencyCode": "GBP",
        "presentmentCurrencyCode": "GBP",
        "displayFinancialStatus": "PAID",
        "displayFulfillmentStatus": "UNFULFILLED",
        "subtotalLineItemsQuantity": 3,
        "tags": [],
        "customer": None,
        "shippingAddress": None,
        "subtotalPriceSet": None,
        "totalDiscountsSet": None,
        "totalShippingPriceSet": bag("0.00"),
        "totalTaxSet": None,
        "totalPriceSet": bag("30.00"),
        "totalRefundedSet": bag("0.00"),
    }
    return node | overrides


def line(product: str | None, quantity: int, total: str, title: str = "Sentia Red") -> dict:
    return {
        "id": "gid://shopify/LineItem/1",
        "title": title,
        "name": title,
        "sku": "SEN",
        "quantity": quantity,
        "variant": None,
        "product": {"id": product} if product else None,
        "originalUnitPriceSet": bag("10.00"),
        "discountedTotalSet": bag(total),
    }


def test_an_order_parses_money_times_and_line_pages():
    lines = {
        "nodes": [line("gid://shopify/Product/1", 1, "10.00")],
        "pageInfo": {"hasNextPage": True, "endCursor": "c1"},
    }
    parsed = models.order(
        order_node(lineItems=lines, customer={"id": "c", "displayName": "Ann", "defaultEmailAddress": None})
    )
    assert parsed.total == models.Money(Decimal("30.00"), "GBP")
    assert parsed.created_at == datetime(2026, 3, 28, 23, 30, tzinfo=UTC)
    assert parsed.more_lines_after == "c1" and parsed.customer == models.CustomerRef("c", "Ann", None)
    assert parsed.total_presentment is None and parsed.subtotal is None


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"id": None}, "field 'id' is not a string"),
        ({"createdAt": 5}, "field 'createdAt' is not a date-time"),
        ({"createdAt": "yesterday"}, "field 'createdAt' is not an ISO 8601 date-time"),
        ({"subtotalLineItemsQuantity": "many"}, "field 'subtotalLineItemsQuantity' is not an integer"),
        ({"totalPriceSet": bag("lots")}, "field 'totalPriceSet' is not a decimal amount"),
        ({"totalRefundedSet": None}, "missing field 'shopMoney'"),
    ],
)
def test_an_unexpected_shape_is_a_vendor_error_not_a_crash(overrides, message):
    with pytest.raises(models.ShapeError) as raised:
        models.order(order_node(**overrides))
    assert str(raised.value) == (
        f"shopify: answered with an unexpected shape ({message}); Shopify may have changed the API version's "
        "schema; report this with the message"
    )


def test_other_records_parse_their_optional_parts():
    level = models.inventory_level(
        {
            "id": "l",
            "updatedAt": None,
            "quantities": [{"name": "available", "quantity": 3}],
            "item": {"id": "i", "sku": None, "tracked": True, "variant": None},
        },
        "loc",
        "London",
    )
    assert (level.quantities, level.variant_id, level.product_title) == ({"available": 3}, None, None)
    location = models.location(
        {"id": "loc", "name": "London", "isActive": True, "fulfillsOnlineOrders": False, "address": None}
    )
    assert (location.city, location.country) == (None, None)
    variant = models.variant(
        {"id": "v", "title": "50cl", "price": "33.00", "compareAtPrice": None, "inventoryQuantity": None}
    )
    assert (variant.compare_at_price, variant.inventory_quantity, variant.inventory_item_id) == (None, None, None)


def order(
    created: str,
    total: str,
    refunded: str = "0.00",
    *,
    currency: str = "GBP",
    cancelled: bool = False,
    lines=None,
    units: int = 1,
):
    return models.order(
        order_node(
            id=f"gid://shopify/Order/{created}",
            createdAt=created,
            totalPriceSet=bag(total, currency),
            totalRefundedSet=bag(refunded, currency),
            currencyCode=currency,
            subtotalLineItemsQuantity=units,
            cancelledAt="2026-03-01T00:00:00Z" if cancelled else None,
            lineItems={"nodes": lines or [], "pageInfo": {"hasNextPage": False}},
        )
    )


ZONES = {"uk": ZoneInfo("Europe/London"), "usa": ZoneInfo("America/New_York")}


def test_days_are_counted_in_each_shops_time_zone():
    sales = SalesAccumulator("day", ZONES)
    sales.add("uk", order("2026-03-28T23:30:00Z", "10.00"))  # 23:30 GMT, 28 March in London
    sales.add("uk", order("2026-03-29T23:30:00Z", "20.00"))  # 00:30 BST, 30 March in London
    sales.add("usa", order("2026-03-29T02:00:00Z", "5.00", currency="USD"))  # 22:00 EDT, 28 March in New York
    report = sales.report()
    assert [(row.key, row.currency, row.orders) for row in report.rows] == [
        ("2026-03-28", "GBP", 1),
        ("2026-03-30", "GBP", 1),
        ("2026-03-28", "USD", 1),
    ]
    assert [(total.currency, total.order_total) for total in report.totals] == [
        ("GBP", Decimal("30.00")),
        ("USD", Decimal("5.00")),
    ]


def test_totals_are_exact_decimals_and_cancelled_orders_are_left_out():
    sales = SalesAccumulator("shop", ZONES)
    for _ in range(3):
        sales.add("uk", order("2026-03-01T10:00:00Z", "0.10", refunded="0.01", units=2))
    sales.add("uk", order("2026-03-01T10:00:00Z", "99.00", cancelled=True))
    report = sales.report()
    [row] = report.rows
    assert (row.orders, row.units, row.order_total, row.refunded, row.net_total) == (
        3,
        6,
        Decimal("0.30"),
        Decimal("0.03"),
        Decimal("0.27"),
    )
    assert row.average_order_value == Decimal("0.10")
    assert (report.orders_read, report.orders_counted, report.cancelled_excluded) == (4, 3, 1)
    included = SalesAccumulator("shop", ZONES, include_cancelled=True)
    included.add("uk", order("2026-03-01T10:00:00Z", "99.00", cancelled=True))
    assert included.report().rows[0].orders == 1
    empty = SalesAccumulator("shop", ZONES)
    empty.add("uk", order("2026-03-01T10:00:00Z", "0.00"))
    assert empty.report().rows[0].average_order_value is None


def test_products_sum_their_lines_and_count_each_order_once():
    sales = SalesAccumulator("product", ZONES)
    sales.add(
        "uk",
        order(
            "2026-03-01T10:00:00Z",
            "50.00",
            lines=[
                line("gid://shopify/Product/1", 1, "33.00"),
                line("gid://shopify/Product/1", 1, "16.00"),
                line(None, 2, "1.00", title="Old Gin"),
            ],
        ),
    )
    sales.add("uk", order("2026-03-02T10:00:00Z", "33.00", lines=[line("gid://shopify/Product/1", 1, "33.00")]))
    rows = {row.key: row for row in sales.report().rows}
    red = rows["gid://shopify/Product/1"]
    assert (red.orders, red.units, red.line_total, red.shop) == (2, 3, Decimal("82.00"), "uk")
    gone = rows["deleted-product:Old Gin"]
    assert (gone.label, gone.units, gone.line_total) == ("Old Gin", 2, Decimal("1.00"))
    assert list(rows) == ["gid://shopify/Product/1", "deleted-product:Old Gin"]
