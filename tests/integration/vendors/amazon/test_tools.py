"""Every Amazon tool, called through the MCP client against the SP-API and Amazon Ads simulators."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.anyio

SELLER_SEED = json.loads((Path(__file__).parents[4] / "fixtures" / "amazon" / "selling_partner.json").read_text())
UK = "A1F83G8C2ARO7P"
TOOLS = {
    "amazon-get-orders",
    "amazon-get-products",
    "amazon-get-inventory",
    "amazon-get-reports",
    "amazon-manage-listings",
    "amazon-advertising-data",
}


def described(schema: dict[str, Any], path: str = "") -> list[str]:
    """Properties (at any depth) that lack a description."""
    missing = []
    for name, prop in schema.get("properties", {}).items():
        if "description" not in prop:
            missing.append(f"{path}{name}")
        for nested in [prop, prop.get("items", {}), *prop.get("anyOf", [])]:
            if isinstance(nested, dict) and nested.get("type") == "object" and "properties" in nested:
                missing += described(nested, f"{path}{name}.")
            items = nested.get("items") if isinstance(nested, dict) else None
            if isinstance(items, dict) and "properties" in items:
                missing += described(items, f"{path}{name}[].")
    return missing


async def call(client: Any, tool: str, arguments: dict[str, Any]) -> dict[str, Any]:
    result = await client.call_tool(tool, arguments)
    assert not result.is_error, result.content[0].text
    structured: dict[str, Any] = result.structured_content
    return structured


async def error_of(client: Any, tool: str, arguments: dict[str, Any]) -> str:
    result = await client.call_tool(tool, arguments)
    assert result.is_error
    text: str = result.content[0].text
    return text


async def test_every_amazon_tool_is_listed_with_a_precise_described_schema(mcp_client):
    listed = {tool.name: tool for tool in (await mcp_client.list_tools()).tools}
    assert set(listed) >= TOOLS
    for name in TOOLS:
        tool = listed[name]
        assert described(tool.input_schema) == [], name
        assert tool.annotations.open_world_hint is True
        assert tool.input_schema["additionalProperties"] is False
    orders = listed["amazon-get-orders"].input_schema["properties"]
    assert orders["marketplace"]["enum"] == ["uk", "us", "de", "ca"]
    assert orders["max_results"]["maximum"] == 100
    assert orders["created_after"]["anyOf"][0]["format"] == "date-time"
    assert "Shipped" in orders["statuses"]["items"]["enum"]
    reports = listed["amazon-get-reports"].input_schema["properties"]
    assert "GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE" in reports["report_type"]["anyOf"][0]["enum"]
    assert reports["wait_seconds"]["maximum"] == 120
    assert listed["amazon-manage-listings"].annotations.destructive_hint is True
    assert listed["amazon-get-products"].annotations.read_only_hint is True


def expected_uk_orders_within(days: int) -> list[dict[str, Any]]:
    return [
        order
        for order in SELLER_SEED["sellers"]["A3SENTIA7DRNKS"]["orders"]
        if order["marketplace"] == UK and order["hours_ago"] <= days * 24 - 0.1
    ]


async def test_get_orders_defaults_to_the_last_30_days_with_items_and_computed_totals(mcp_client):
    result = await call(mcp_client, "amazon-get-orders", {})
    expected = expected_uk_orders_within(30)
    assert {order["order_id"] for order in result["orders"]} == {order["id"] for order in expected}
    assert result["marketplace_id"] == UK
    for order in result["orders"]:
        assert order["items"], order["order_id"]
        if order["status"] == "Pending":
            assert order["order_total"] is None
    priced = [o for o in result["orders"] if o["order_total"] and o["status"] != "Canceled"]
    total = sum(Decimal(o["order_total"]["amount"]) for o in priced)
    assert result["summary"]["totals"] == [
        {
            "currency": "GBP",
            "orders": len(priced),
            "order_total": str(total),
            "average_order_value": str((total / len(priced)).quantize(Decimal("0.01"))),
        }
    ]
    units = sum(line["quantity"] for order in expected for line in order["items"])
    assert result["summary"]["units_ordered"] == units
    assert sum(result["summary"]["by_status"].values()) == len(expected)
    assert result["page"]["has_more"] is False


async def test_get_orders_pages_with_the_next_token(mcp_client):
    first = await call(mcp_client, "amazon-get-orders", {"max_results": 3, "include_items": False})
    assert first["page"]["has_more"] is True and len(first["orders"]) == 3
    assert all(order["items"] is None for order in first["orders"])
    assert first["summary"]["units_ordered"] is None
    second = await call(mcp_client, "amazon-get-orders", {"next_token": first["page"]["next_cursor"]})
    assert not {o["order_id"] for o in first["orders"]} & {o["order_id"] for o in second["orders"]}


async def test_get_orders_filters_by_status_channel_and_update_time(mcp_client, sp_simulator):
    since = datetime.now(UTC) - timedelta(days=60)
    result = await call(
        mcp_client,
        "amazon-get-orders",
        {
            "marketplace": "de",
            "updated_after": since.isoformat(),
            "updated_before": (datetime.now(UTC) + timedelta(hours=1)).isoformat(),
            "statuses": ["Shipped"],
            "fulfillment_channels": ["AFN"],
        },
    )
    assert result["orders"]
    assert {(o["status"], o["fulfillment_channel"], o["marketplace_id"]) for o in result["orders"]} == {
        ("Shipped", "AFN", "A1PA6795UKMFR9")
    }
    sent = list(sp_simulator.requests_to("getOrders"))[-1].url.params
    assert "LastUpdatedBefore" not in sent  # a time later than two minutes ago is left to Amazon's default
    assert sent["OrderStatuses"] == "Shipped"


async def test_order_items_stop_at_the_get_order_items_quota_and_say_so(mcp_client, runtime, monkeypatch):
    from sentia_server.integrations.amazon import build_selling_partner_client
    from sentia_server.tools.amazon import orders

    monkeypatch.setattr(orders, "ORDER_ITEMS_WAIT_BUDGET", 0.0)
    client = runtime.vendors.get("amazon", build_selling_partner_client)
    client.throttle.bucket(client.seller_id, "getOrderItems").tokens = 0.0
    result = await call(mcp_client, "amazon-get-orders", {"max_results": 2})
    assert [order["items"] for order in result["orders"]] == [None, None]
    assert result["items_note"].startswith("items of 2 of 2 orders were not fetched: getOrderItems allows 0.5")
    assert result["summary"]["units_ordered"] is None


async def test_get_products_searches_the_catalog_by_keywords_with_pages(mcp_client):
    first = await call(mcp_client, "amazon-get-products", {"keywords": ["gin"], "page_size": 2})
    assert first["lookup"] == "search"
    assert first["total_results"] == 4
    assert len(first["products"]) == 2 and first["page"]["has_more"] is True
    gin = first["products"][0]
    assert gin["brand"] == "Sentia" and gin["category"] == "Gin"
    assert {"type": "EAN", "value": "5060912340011"} in gin["identifiers"]
    assert gin["images"][0]["variant"] == "MAIN"
    assert gin["sales_ranks"][0] == {"category": "Gin", "rank": 1843, "classification_id": "358583031"}
    second = await call(
        mcp_client,
        "amazon-get-products",
        {"keywords": ["gin"], "page_size": 2, "page_token": first["page"]["next_cursor"]},
    )
    assert len(second["products"]) == 2
    assert {p["asin"] for p in first["products"]}.isdisjoint({p["asin"] for p in second["products"]})


async def test_get_products_finds_items_by_identifiers_including_own_skus(mcp_client, sp_simulator):
    by_ean = await call(
        mcp_client, "amazon-get-products", {"identifiers": ["5060912340059"], "identifiers_type": "EAN"}
    )
    assert [p["asin"] for p in by_ean["products"]] == ["B0D7SNTT24"]
    by_sku = await call(
        mcp_client,
        "amazon-get-products",
        {"identifiers": ["SEN-NA-70"], "identifiers_type": "SKU", "included_data": ["summaries", "attributes"]},
    )
    assert by_sku["products"][0]["title"] == "Sentia Zero Alcohol-Free Botanical Spirit 70cl"
    assert "item_name" in by_sku["products"][0]["attributes"]
    sent = list(sp_simulator.requests_to("searchCatalogItems"))[-1].url.params
    assert sent["sellerId"] == sp_simulator.credentials["seller_id"]


async def test_get_products_reads_one_asin_and_one_listing(mcp_client):
    item = await call(mcp_client, "amazon-get-products", {"asin": "B0D7SNTG70", "marketplace": "de"})
    assert item["lookup"] == "asin" and item["products"][0]["title"].startswith("Sentia Botanical Gin 70cl")
    listing = await call(mcp_client, "amazon-get-products", {"sku": "SEN-GIN-70"})
    assert listing["lookup"] == "sku"
    assert listing["listing"]["status"] == ["BUYABLE", "DISCOVERABLE"]
    assert listing["listing"]["offers"] == [{"offer_type": "B2C", "price": {"amount": "34.00", "currency": "GBP"}}]
    assert listing["listing"]["fulfillment"] == [{"channel": "AMAZON_EU", "quantity": None}]


async def test_get_products_surfaces_amazons_not_found_error(mcp_client):
    text = await error_of(mcp_client, "amazon-get-products", {"asin": "B000000000"})
    assert text.endswith(
        "amazon: getCatalogItem refused: NOT_FOUND: Requested item 'B000000000' not found in marketplace(s) "
        f"'{UK}'. (HTTP 404); check the identifiers"
    )


async def test_get_inventory_reports_fba_stock_with_low_stock_flags_and_totals(mcp_client):
    result = await call(mcp_client, "amazon-get-inventory", {"low_stock_threshold": 10})
    rows = SELLER_SEED["sellers"]["A3SENTIA7DRNKS"]["inventory"][UK]
    assert [item["sku"] for item in result["items"]] == [row["sku"] for row in rows]
    assert result["totals"]["fulfillable_units"] == sum(row["fulfillable"] for row in rows)
    assert result["totals"]["low_stock_skus"] == [row["sku"] for row in rows if row["fulfillable"] <= 10]
    assert result["totals"]["out_of_stock_skus"] == [row["sku"] for row in rows if row["fulfillable"] == 0]
    low = await call(mcp_client, "amazon-get-inventory", {"low_stock_only": True})
    assert [item["sku"] for item in low["items"]] == result["totals"]["low_stock_skus"]


async def test_get_inventory_without_details_cannot_judge_low_stock(mcp_client):
    result = await call(mcp_client, "amazon-get-inventory", {"include_details": False})
    assert result["items"] and {item["low_stock"] for item in result["items"]} == {None}
    assert result["items"][0]["total_quantity"] is not None and result["items"][0]["fulfillable"] is None


async def test_get_inventory_pages_and_filters_by_sku(mcp_client, sp_simulator):
    sp_simulator.inventory_page_size = 3
    first = await call(mcp_client, "amazon-get-inventory", {"changed_since": "2020-01-01T00:00:00Z"})
    assert len(first["items"]) == 3 and first["page"]["has_more"] is True
    second = await call(mcp_client, "amazon-get-inventory", {"next_token": first["page"]["next_cursor"]})
    assert second["items"][0]["sku"] != first["items"][0]["sku"]
    one = await call(mcp_client, "amazon-get-inventory", {"skus": ["SEN-BITT-10"]})
    assert [item["sku"] for item in one["items"]] == ["SEN-BITT-10"]


async def test_manage_listings_validates_puts_patches_and_deletes_a_listing(mcp_client):
    invalid = await call(
        mcp_client,
        "amazon-manage-listings",
        {"action": "validate", "sku": "SEN-NEW-35", "product_type": "SPIRITS", "title": "Sentia Gin 35cl"},
    )
    assert invalid["status"] == "INVALID" and invalid["validation_only"] is True and not invalid["accepted"]
    assert {issue["attribute_names"][0] for issue in invalid["issues"]} == {
        "brand",
        "condition_type",
        "purchasable_offer",
    }
    assert invalid["errors"] == 3
    listing = {
        "sku": "SEN-NEW-35",
        "product_type": "SPIRITS",
        "title": "Sentia Botanical Gin 35cl",
        "brand": "Sentia",
        "condition": "new_new",
        "price": "21.50",
        "quantity": 12,
        "bullet_points": ["Wild juniper and yuzu"],
        "description": "A half bottle of our London Dry.",
    }
    valid = await call(mcp_client, "amazon-manage-listings", {"action": "validate", **listing})
    assert valid["status"] == "VALID"
    missing = await error_of(mcp_client, "amazon-get-products", {"sku": "SEN-NEW-35"})
    assert "(HTTP 404)" in missing
    put = await call(mcp_client, "amazon-manage-listings", {"action": "put", **listing})
    assert put["status"] == "ACCEPTED" and put["accepted"] is True
    created = await call(
        mcp_client,
        "amazon-get-products",
        {"sku": "SEN-NEW-35", "listing_data": ["summaries", "offers", "fulfillmentAvailability", "attributes"]},
    )
    assert created["listing"]["item_name"] == "Sentia Botanical Gin 35cl"
    assert created["listing"]["offers"][0]["price"] == {"amount": "21.50", "currency": "GBP"}
    assert created["listing"]["attributes"]["bullet_point"][0]["value"] == "Wild juniper and yuzu"
    patched = await call(
        mcp_client,
        "amazon-manage-listings",
        {
            "action": "patch",
            "sku": "SEN-NEW-35",
            "product_type": "SPIRITS",
            "price": "19.99",
            "patches": [{"op": "delete", "path": "/attributes/bullet_point"}],
        },
    )
    assert patched["status"] == "ACCEPTED"
    fbm = await call(mcp_client, "amazon-get-inventory", {"fulfillment": "fbm", "skus": ["SEN-NEW-35"]})
    assert fbm["items"][0]["fulfillable"] == 12 and fbm["items"][0]["low_stock"] is False
    after = await call(mcp_client, "amazon-get-products", {"sku": "SEN-NEW-35"})
    assert after["listing"]["offers"][0]["price"]["amount"] == "19.99"
    deleted = await call(mcp_client, "amazon-manage-listings", {"action": "delete", "sku": "SEN-NEW-35"})
    assert deleted["status"] == "ACCEPTED"
    gone = await error_of(mcp_client, "amazon-get-products", {"sku": "SEN-NEW-35", "listing_data": ["summaries"]})
    assert "getListingsItem refused: NOT_FOUND: SKU 'SEN-NEW-35' not found" in gone


async def test_manage_listings_surfaces_amazons_issues_for_a_restricted_product(mcp_client, configure_amazon):
    configure_amazon(region="na")
    patch = await call(
        mcp_client,
        "amazon-manage-listings",
        {
            "action": "validate",
            "marketplace": "us",
            "sku": "SEN-NA-70",
            "product_type": "SPIRITS",
            "patches": [{"op": "replace", "path": "/attributes/item_name", "value": [{"value": "Sentia Zero"}]}],
        },
    )
    assert patch["status"] == "INVALID"
    assert patch["issues"][0]["code"] == "18027" and patch["issues"][0]["severity"] == "ERROR"
    assert patch["asin"] == "B0D7SNTN70"


async def test_get_reports_creates_waits_for_and_downloads_a_report(mcp_client):
    created = await call(
        mcp_client,
        "amazon-get-reports",
        {
            "action": "create",
            "report_type": "GET_FLAT_FILE_ALL_ORDERS_DATA_BY_ORDER_DATE_GENERAL",
            "data_start_time": (datetime.now(UTC) - timedelta(days=30)).isoformat(),
            "data_end_time": datetime.now(UTC).isoformat(),
        },
    )
    report_id = created["report"]["report_id"]
    assert created["report"]["processing_status"] == "IN_PROGRESS"
    assert created["note"].startswith("still being prepared")
    done = await call(mcp_client, "amazon-get-reports", {"action": "status", "report_id": report_id, "wait_seconds": 5})
    assert done["report"]["processing_status"] == "DONE" and done["note"].startswith("ready")
    download = await call(
        mcp_client, "amazon-get-reports", {"action": "download", "report_id": report_id, "max_rows": 4}
    )
    assert download["columns"][:3] == ["amazon-order-id", "merchant-order-id", "purchase-date"]
    expected = expected_uk_orders_within(30)
    assert download["total_rows"] == sum(len(order["items"]) for order in expected)
    assert len(download["rows"]) == 4 and download["page"]["has_more"] is True
    assert download["rows"][0]["values"]["amazon-order-id"] in {order["id"] for order in expected}
    rest = await call(mcp_client, "amazon-get-reports", {"action": "download", "report_id": report_id, "row_offset": 4})
    assert len(rest["rows"]) == download["total_rows"] - 4 and rest["page"]["has_more"] is False


async def test_get_reports_waits_on_create_and_lists_settlements_to_download(mcp_client):
    created = await call(
        mcp_client,
        "amazon-get-reports",
        {"action": "create", "report_type": "GET_FBA_MYI_UNSUPPRESSED_INVENTORY_DATA", "wait_seconds": 5},
    )
    assert created["report"]["processing_status"] == "DONE"
    listed = await call(mcp_client, "amazon-get-reports", {"action": "list"})
    types = {report["report_type"] for report in listed["reports"]}
    assert types == {"GET_FBA_MYI_UNSUPPRESSED_INVENTORY_DATA", "GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE"}
    settlement = next(r for r in listed["reports"] if r["report_schedule_id"])
    rows = await call(mcp_client, "amazon-get-reports", {"action": "download", "report_id": settlement["report_id"]})
    assert rows["rows"][0]["values"]["currency"] == "GBP"
    assert Decimal(rows["rows"][0]["values"]["total-amount"]) > 0
    only_done = await call(
        mcp_client,
        "amazon-get-reports",
        {"action": "list", "report_types": ["GET_MERCHANT_LISTINGS_ALL_DATA"], "processing_statuses": ["DONE"]},
    )
    assert only_done["reports"] == []


async def test_get_reports_says_a_report_is_not_ready_for_download(mcp_client, sp_simulator):
    sp_simulator.reports.polls_per_step = 2
    created = await call(
        mcp_client, "amazon-get-reports", {"action": "create", "report_type": "GET_MERCHANT_LISTINGS_ALL_DATA"}
    )
    assert created["report"]["processing_status"] == "IN_QUEUE"
    report_id = created["report"]["report_id"]
    pending = await call(mcp_client, "amazon-get-reports", {"action": "download", "report_id": report_id})
    assert pending["rows"] == []
    assert pending["note"] == f"report {report_id} is IN_PROGRESS; call again (or with wait_seconds)"


async def test_get_reports_refuses_to_create_a_scheduled_settlement_report(mcp_client):
    text = await error_of(
        mcp_client, "amazon-get-reports", {"action": "create", "report_type": "GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE"}
    )
    assert "is created by Amazon on a schedule; use action list, then download" in text


async def test_advertising_lists_campaigns_ad_groups_and_keywords_with_filters(mcp_client):
    campaigns = await call(
        mcp_client, "amazon-advertising-data", {"data_type": "campaigns", "states": ["ENABLED"], "max_results": 3}
    )
    assert len(campaigns["campaigns"]) == 3 and campaigns["page"]["has_more"] is True
    assert campaigns["campaigns"][0] == {
        "campaign_id": "300000000007919",
        "name": "SP - Botanical Gin - Exact",
        "state": "ENABLED",
        "targeting_type": "MANUAL",
        "daily_budget": 25.0,
        "start_date": campaigns["campaigns"][0]["start_date"],
        "end_date": None,
        "portfolio_id": "81122334455667",
    }
    rest = await call(
        mcp_client,
        "amazon-advertising-data",
        {"data_type": "campaigns", "states": ["ENABLED"], "next_token": campaigns["page"]["next_cursor"]},
    )
    assert [c["name"] for c in rest["campaigns"]] == ["SP - Alcohol Free - Exact"]
    named = await call(
        mcp_client, "amazon-advertising-data", {"data_type": "campaigns", "name_contains": "gift", "portfolio_ids": []}
    )
    assert [c["state"] for c in named["campaigns"]] == ["PAUSED"]
    groups = await call(
        mcp_client, "amazon-advertising-data", {"data_type": "ad_groups", "campaign_ids": ["300000000007919"]}
    )
    assert [g["campaign_id"] for g in groups["ad_groups"]] == ["300000000007919"]
    keywords = await call(
        mcp_client,
        "amazon-advertising-data",
        {"data_type": "keywords", "match_types": ["PHRASE"], "ad_group_ids": [groups["ad_groups"][0]["ad_group_id"]]},
    )
    assert keywords["keywords"] == []
    phrase = await call(mcp_client, "amazon-advertising-data", {"data_type": "keywords", "match_types": ["PHRASE"]})
    assert {k["text"] for k in phrase["keywords"]} == {"pink gin", "rhubarb gin", "hibiscus gin"}


async def test_advertising_campaign_performance_computes_ratios_from_the_report(mcp_client):
    end = datetime.now(UTC).date() - timedelta(days=1)
    result = await call(
        mcp_client,
        "amazon-advertising-data",
        {
            "data_type": "campaign_performance",
            "start_date": (end - timedelta(days=6)).isoformat(),
            "end_date": end.isoformat(),
        },
    )
    performance = result["performance"]
    assert performance["status"] == "COMPLETED" and performance["currency"] == "GBP"
    assert {row["campaign_status"] for row in performance["rows"]} == {"ENABLED"}
    for row in performance["rows"]:
        assert row["ctr"] == round(row["clicks"] / row["impressions"], 4)
        assert row["acos"] == round(row["cost"] / row["sales"], 4)
        assert row["roas"] == round(row["sales"] / row["cost"], 2)
    totals = performance["totals"]
    assert totals["clicks"] == sum(row["clicks"] for row in performance["rows"])
    assert totals["cpc"] == round(totals["cost"] / totals["clicks"], 2)
    daily = await call(
        mcp_client,
        "amazon-advertising-data",
        {
            "data_type": "campaign_performance",
            "time_unit": "DAILY",
            "start_date": (end - timedelta(days=1)).isoformat(),
            "end_date": end.isoformat(),
            "campaign_ids": ["300000000007919"],
        },
    )
    assert [row["date"] for row in daily["performance"]["rows"]] == [
        (end - timedelta(days=1)).isoformat(),
        end.isoformat(),
    ]


async def test_advertising_performance_report_can_be_resumed_by_its_id(mcp_client):
    pending = await call(
        mcp_client, "amazon-advertising-data", {"data_type": "campaign_performance", "wait_seconds": 0}
    )
    performance = pending["performance"]
    assert performance["status"] == "PROCESSING" and performance["rows"] == []
    assert performance["note"] == "the report is not ready yet: call again with this report_id"
    resumed = await call(
        mcp_client,
        "amazon-advertising-data",
        {"data_type": "campaign_performance", "report_id": performance["report_id"], "wait_seconds": 0},
    )
    assert resumed["performance"]["status"] == "COMPLETED" and resumed["performance"]["rows"]
