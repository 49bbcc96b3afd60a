"""The Shopify read tools end to end: MCP client → tool → Shopify client → simulator, on both backends."""

from __future__ import annotations

import json
from collections import Counter
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from mcp.shared.exceptions import MCPError

from sentia_server.auth.principal import Role

from .conftest import sent, text_of

pytestmark = pytest.mark.anyio

FIXTURES = Path(__file__).resolve().parents[4] / "fixtures" / "shopify"


def fixture_orders(shop: str) -> list[dict]:
    return json.loads((FIXTURES / f"{shop}.json").read_text())["orders"]


async def test_tools_list_shows_every_shopify_tool_with_precise_schemas(shop, connect, principal, registry):
    async with connect(principal(), registry=registry) as client:
        tools = {tool.name: tool for tool in (await client.list_tools()).tools}
    names = {name for name in tools if name.startswith("shopify-")}
    assert names == {
        "shopify-get-orders",
        "shopify-get-products",
        "shopify-get-customers",
        "shopify-get-inventory",
        "shopify-get-analytics",
        "shopify-manage-products",
    }
    orders = tools["shopify-get-orders"].input_schema["properties"]
    assert orders["first"]["maximum"] == 250 and orders["first"]["minimum"] == 1
    assert "paid" in orders["financial_status"]["anyOf"][0]["enum"]
    for name in names:
        schema = tools[name].input_schema
        assert schema["additionalProperties"] is False
        assert all("description" in spec for spec in schema["properties"].values() if spec.get("title") != "Action"), (
            name
        )
    manage = tools["shopify-manage-products"]
    assert manage.annotations.destructive_hint is True and manage.annotations.read_only_hint is False
    assert "destructive" in manage.description and "cannot be undone" in manage.description
    assert manage.input_schema["properties"]["action"]["enum"] == [
        "create",
        "update",
        "delete",
        "set_inventory",
        "update_prices",
    ]
    assert all(tools[name].annotations.open_world_hint for name in names)
    assert tools["shopify-get-orders"].annotations.read_only_hint is True


async def test_orders_of_all_shops_are_merged_newest_first_and_tagged_with_their_shop(shop, call):
    result = await call("shopify-get-orders", {"first": 30})
    assert not result.is_error, text_of(result)
    body = result.structured_content
    assert body["shops"] == ["uk", "usa"]
    created = [order["created_at"] for order in body["orders"]]
    assert created == sorted(created, reverse=True)
    assert {order["shop"] for order in body["orders"]} == {"uk", "usa"}
    currencies = {order["shop"]: order["currency"] for order in body["orders"]}
    assert currencies == {"uk": "GBP", "usa": "USD"}
    assert body["page"]["has_more"] is True and body["page"]["returned"] == 30


async def test_paging_with_the_cursor_returns_every_order_once(shop, call):
    seen: list[str] = []
    cursor = None
    for _ in range(10):
        arguments = {"shop": "uk", "first": 25, "sort_by": "order_number", "descending": False}
        if cursor:
            arguments["cursor"] = cursor
        body = (await call("shopify-get-orders", arguments)).structured_content
        seen += [order["name"] for order in body["orders"]]
        cursor = body["page"]["next_cursor"]
        if not body["page"]["has_more"]:
            break
    assert seen == [order["name"] for order in fixture_orders("uk")]
    assert cursor is None


async def test_order_filters_reach_shopify_as_search_syntax(shop, call):
    result = await call(
        "shopify-get-orders",
        {
            "shop": "uk",
            "financial_status": "partially_refunded",
            "created_from": "2026-01-01",
            "created_to": "2026-03-31",
        },
    )
    body = result.structured_content
    expected = [o for o in fixture_orders("uk") if o["financial_status"] == "PARTIALLY_REFUNDED"]
    assert {o["name"] for o in body["orders"]} == {o["name"] for o in expected}
    assert all(Decimal(order["refunded"]["amount"]) > 0 for order in body["orders"])
    query = sent(shop, "SentiaOrders")[0]["query"]
    # midnight in London: GMT on 1 January, BST (UTC+1) on 1 April
    assert query.startswith('created_at:>="2026-01-01T00:00:00Z" created_at:<"2026-03-31T23:00:00Z"')
    assert query.endswith("financial_status:partially_refunded")


async def test_free_text_cannot_add_a_filter(shop, call):
    result = await call("shopify-get-orders", {"shop": "uk", "text": "status:cancelled"})
    assert result.structured_content["orders"] == []
    assert sent(shop, "SentiaOrders")[0]["query"] == '"status:cancelled"'


async def test_line_items_include_every_line_of_a_large_order(shop, call):
    wholesale = next(o for o in fixture_orders("uk") if len(o["line_items"]) > 10)
    result = await call(
        "shopify-get-orders",
        {"shop": "uk", "include_line_items": True, "text": wholesale["name"].lstrip("#"), "first": 5},
    )
    orders = result.structured_content["orders"]
    assert [order["name"] for order in orders] == [wholesale["name"]]
    lines = orders[0]["line_items"]
    assert [line["sku"] for line in lines] == [line["sku"] for line in wholesale["line_items"]]
    assert sum(Decimal(line["total"]["amount"]) for line in lines) == Decimal(wholesale["subtotal"])


async def test_products_filter_by_status_and_sku(shop, call):
    drafts = (await call("shopify-get-products", {"status": "draft"})).structured_content
    assert {(p["shop"], p["title"]) for p in drafts["products"]} == {
        ("uk", "Sentia Red Magnum"),
        ("usa", "Sentia Holiday Gift Box"),
    }
    by_sku = (await call("shopify-get-products", {"shop": "uk", "sku": "SEN-GLD-20"})).structured_content
    [gold] = by_sku["products"]
    assert gold["title"] == "Sentia Gold" and gold["variants_complete"] is True
    prices = {variant["sku"]: variant["price"] for variant in gold["variants"]}
    assert prices == {"SEN-GLD-50": "36.00", "SEN-GLD-20": "17.50"}
    assert gold["price_min"] == {"amount": "17.50", "currency": "GBP"}


async def test_customers_filter_by_tag_and_orders(shop, call):
    result = await call("shopify-get-customers", {"shop": "uk", "tag": "vip", "min_orders": 1})
    body = result.structured_content
    orders_by_customer = Counter(o["customer_id"] for o in fixture_orders("uk"))
    customers = json.loads((FIXTURES / "uk.json").read_text())["customers"]
    expected = sorted(
        f"{c['first_name']} {c['last_name']}" for c in customers if "vip" in c["tags"] and orders_by_customer[c["id"]]
    )
    assert [c["display_name"] for c in body["customers"]] == expected
    assert all(c["orders_count"] >= 1 and c["amount_spent"]["currency"] == "GBP" for c in body["customers"])


async def test_inventory_flags_low_levels_and_filters_by_location(shop, call):
    everything = (await call("shopify-get-inventory", {"shop": "uk", "first": 250})).structured_content
    assert {location["name"] for location in everything["locations"]} == {
        "Sentia Distillery London",
        "Northampton Fulfilment Centre",
        "Rotterdam EU Hub",
    }
    low = (
        await call("shopify-get-inventory", {"shop": "uk", "only_low": True, "low_stock_threshold": 5})
    ).structured_content
    assert low["levels"] and all(level["available"] <= 5 and level["low_stock"] for level in low["levels"])
    assert len(low["levels"]) == sum(1 for level in everything["levels"] if level["available"] <= 5)
    rotterdam = next(loc for loc in everything["locations"] if loc["name"] == "Rotterdam EU Hub")
    only = (await call("shopify-get-inventory", {"shop": "uk", "location_id": rotterdam["id"]})).structured_content
    assert {level["location_name"] for level in only["levels"]} == {"Rotterdam EU Hub"}
    assert "SEN-GLS-HB2" not in {level["sku"] for level in only["levels"]}


async def test_inventory_pages_through_every_level_of_every_shop(shop, call):
    skus: list[tuple[str, str, str]] = []
    cursor = None
    while True:
        arguments = {"first": 17} | ({"cursor": cursor} if cursor else {})
        body = (await call("shopify-get-inventory", arguments)).structured_content
        skus += [(level["shop"], level["location_id"], level["sku"]) for level in body["levels"]]
        cursor = body["page"]["next_cursor"]
        if not body["page"]["has_more"]:
            break
    uk = shop.backend.shop("uk")
    usa = shop.backend.shop("usa")
    active = sum(1 for state in (uk, usa) for (item, location) in state.levels if state.locations[location]["isActive"])
    assert len(skus) == len(set(skus)) == active


async def test_analytics_by_shop_match_the_orders_summed_independently(shop, call):
    result = await call(
        "shopify-get-analytics", {"date_from": "2026-01-01", "date_to": "2026-03-31", "group_by": "shop"}
    )
    assert not result.is_error, text_of(result)
    body = result.structured_content
    rows = {row["shop"]: row for row in body["rows"]}
    for key, currency in (("uk", "GBP"), ("usa", "USD")):
        kept = [o for o in fixture_orders(key) if o["cancelled_at"] is None]
        total = sum((Decimal(o["total"]) for o in kept), Decimal("0"))
        refunded = sum((Decimal(o["refunded"]) for o in kept), Decimal("0"))
        row = rows[key]
        assert (row["currency"], row["orders"]) == (currency, len(kept))
        assert Decimal(row["order_total"]) == total
        assert Decimal(row["net_total"]) == total - refunded
        assert Decimal(row["average_order_value"]) == (total / len(kept)).quantize(Decimal("0.01"))
        assert row["units"] == sum(line["quantity"] for o in kept for line in o["line_items"])
    cancelled = sum(1 for key in ("uk", "usa") for o in fixture_orders(key) if o["cancelled_at"])
    assert body["cancelled_excluded"] == cancelled
    assert body["orders_read"] == len(fixture_orders("uk")) + len(fixture_orders("usa"))
    assert body["complete"] is True
    assert [total["currency"] for total in body["totals"]] == ["GBP", "USD"]


async def test_analytics_by_day_counts_days_in_the_shops_time_zone(shop, call):
    body = (
        await call("shopify-get-analytics", {"shop": "usa", "date_from": "2026-02-01", "date_to": "2026-02-28"})
    ).structured_content
    zone = ZoneInfo("America/New_York")
    from datetime import datetime

    expected = Counter()
    for order in fixture_orders("usa"):
        day = datetime.fromisoformat(order["created_at"].replace("Z", "+00:00")).astimezone(zone).date()
        if day.month == 2 and order["cancelled_at"] is None:
            expected[day.isoformat()] += 1
    assert {row["key"]: row["orders"] for row in body["rows"]} == dict(expected)
    assert body["timezones"] == {"usa": "America/New_York"}


async def test_analytics_by_product_sums_line_items(shop, call):
    body = (
        await call(
            "shopify-get-analytics",
            {
                "shop": "uk",
                "date_from": "2026-01-01",
                "date_to": "2026-03-31",
                "group_by": "product",
                "include_cancelled": True,
            },
        )
    ).structured_content
    units = Counter()
    for order in fixture_orders("uk"):
        for line in order["line_items"]:
            units[line["title"]] += line["quantity"]
    assert {row["label"]: row["units"] for row in body["rows"]} == dict(units)
    assert all(row["order_total"] is None and Decimal(row["line_total"]) > 0 for row in body["rows"])


async def test_analytics_stop_at_max_orders_and_say_so(shop, call):
    body = (
        await call("shopify-get-analytics", {"date_from": "2026-01-01", "date_to": "2026-03-31", "max_orders": 20})
    ).structured_content
    assert body["orders_read"] == 20 and body["complete"] is False


async def test_a_cursor_from_another_query_is_refused(shop, call):
    first = (await call("shopify-get-orders", {"shop": "uk", "first": 5})).structured_content
    result = await call(
        "shopify-get-orders", {"shop": "uk", "first": 5, "status": "open", "cursor": first["page"]["next_cursor"]}
    )
    assert result.is_error
    assert "cursor belongs to a query with other filters" in text_of(result)
    garbage = await call("shopify-get-orders", {"shop": "uk", "cursor": "not-a-cursor"})
    assert garbage.is_error and "not one this tool returned" in text_of(garbage)


async def test_an_unknown_shop_is_named_with_the_configured_ones(shop, call):
    result = await call("shopify-get-products", {"shop": "france"})
    assert result.is_error
    assert text_of(result).endswith(
        "shopify: no shop named 'france' is configured; use one of: uk, usa (or all to read every shop)"
    )


async def test_reading_needs_the_commerce_read_permission(shop, call):
    with pytest.raises(MCPError, match="requires permission 'commerce:read'"):
        await call("shopify-get-orders", {}, role=Role.VIEWER)
    assert list(shop.requests_to("graphql")) == []


@pytest.fixture
def small_budget(runtime, monkeypatch):
    """The smallest response budget the settings allow (10 000 bytes), so pages are trimmed."""
    monkeypatch.setattr(runtime, "settings", runtime.settings.model_copy(update={"tool_response_budget_bytes": 10_000}))


async def test_a_trimmed_inventory_page_resumes_after_the_last_level_returned(shop, small_budget, call):
    levels: list[tuple[str, str]] = []
    cursor = None
    trimmed = False
    while True:
        body = (
            await call("shopify-get-inventory", {"first": 250} | ({"cursor": cursor} if cursor else {}))
        ).structured_content
        trimmed = trimmed or body["page"]["truncated"]
        levels += [(level["location_id"], level["inventory_item_id"]) for level in body["levels"]]
        cursor = body["page"]["next_cursor"]
        if not body["page"]["has_more"]:
            break
    assert trimmed
    expected = sum(
        1
        for key in ("uk", "usa")
        for (_, location) in shop.backend.shop(key).levels
        if shop.backend.shop(key).locations[location]["isActive"]
    )
    assert len(levels) == len(set(levels)) == expected


async def test_a_trimmed_order_page_says_why_and_resumes(shop, small_budget, call):
    body = (
        await call("shopify-get-orders", {"shop": "uk", "first": 100, "sort_by": "order_number", "descending": False})
    ).structured_content
    page = body["page"]
    assert page["truncated"] and "response budget" in page["truncated_reason"] and page["has_more"]
    following = await call(
        "shopify-get-orders",
        {"shop": "uk", "first": 100, "sort_by": "order_number", "descending": False, "cursor": page["next_cursor"]},
    )
    names = [o["name"] for o in body["orders"]] + [o["name"] for o in following.structured_content["orders"]]
    assert names[: len(body["orders"]) + 1] == [o["name"] for o in fixture_orders("uk")][: len(body["orders"]) + 1]


async def test_inventory_refuses_an_unknown_location_and_a_foreign_cursor(shop, call):
    unknown = await call("shopify-get-inventory", {"shop": "uk", "location_id": "123"})
    assert unknown.is_error
    assert text_of(unknown).endswith(
        "shopify: location gid://shopify/Location/123 is not an active location of shop(s) uk"
    )
    orders = (await call("shopify-get-orders", {"shop": "uk", "first": 1})).structured_content
    foreign = await call("shopify-get-inventory", {"shop": "uk", "cursor": orders["page"]["next_cursor"]})
    assert foreign.is_error and "invalid cursor" in text_of(foreign)


async def test_customers_filter_by_creation_dates(shop, call):
    body = (
        await call(
            "shopify-get-customers",
            {"shop": "usa", "created_from": "2025-03-01", "created_to": "2025-06-30", "sort_by": "created_at"},
        )
    ).structured_content
    customers = json.loads((FIXTURES / "usa.json").read_text())["customers"]
    expected = [c["created_at"][:10] for c in customers if "2025-03-01" <= c["created_at"][:10] <= "2025-06-30"]
    assert [c["created_at"][:10] for c in body["customers"]] == expected
    assert sent(shop, "SentiaCustomers")[0]["query"].startswith('customer_date:>="2025-03-01T05:00:00Z"')
