"""The two manufacturing tools built on Unleashed: production status as domain orders, and inventory health across
Unleashed, Shopify and Amazon FBA, with vendors not configured or failing reported, not fatal."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from integration.vendors.unleashed.helpers import configure, structured, text

from sentia_server.integrations.settings import AmazonSellingPartnerSettings, ShopifySettings, UnleashedSettings
from sentia_server.tools import system
from sentia_server.tools.manufacturing import inventory_health, production
from sentia_server.tools.registry import ToolRegistry
from sentia_testkit.simulators.amazon import SellingPartnerSimulator
from sentia_testkit.simulators.shopify import ShopifySimulator
from sentia_testkit.simulators.unleashed import API_ID, API_KEY, UnleashedSimulator

pytestmark = pytest.mark.anyio
TODAY = "2026-11-27"
UK_SHOP = {"shop_domain": "sentia-uk.myshopify.com", "access_token": "shpat_simulated-uk-admin-token"}


def registry() -> ToolRegistry:
    return ToolRegistry([system.group, production.group, inventory_health.group])


async def run(connect: Any, principal: Any, tool: str, arguments: dict[str, Any]) -> Any:
    async with connect(principal(), registry=registry()) as client:
        return await client.call_tool(tool, arguments)


def every_vendor(runtime: Any, unleashed: UnleashedSimulator) -> tuple[ShopifySimulator, SellingPartnerSimulator]:
    shopify, amazon = ShopifySimulator(), SellingPartnerSimulator()
    runtime.vendors._settings = runtime.settings.model_copy(
        update={
            "unleashed": UnleashedSettings(api_id=API_ID, api_key=API_KEY),
            "shopify": ShopifySettings(shops={"uk": UK_SHOP}),
            "amazon": AmazonSellingPartnerSettings(**amazon.credentials, region="eu"),
        }
    )
    runtime.vendors.transports.update(
        {"unleashed": unleashed.transport(), "shopify": shopify.transport(), "amazon": amazon.transport()}
    )
    return shopify, amazon


async def test_production_status_maps_assemblies_to_orders_with_counts_and_what_is_late(connect, principal, runtime):
    configure(runtime, UnleashedSimulator())
    result = structured(await run(connect, principal, "manufacturing-production-status", {"as_of": TODAY}))
    assert result["currency"] == "GBP"
    assert result["counts_by_status"] == {"in_production": 1, "quality_check": 1, "planned": 2, "released": 1}
    assert result["units_by_status"]["released"] == 2400.0
    assert result["value_by_status"]["in_production"] == round(360 * 9.61, 2)
    assert [(late["order_number"], late["days_late"], late["status"]) for late in result["late"]] == [
        ("ASM-00046", 6, "released"),
        ("ASM-00043", 2, "in_production"),
    ]
    first = result["orders"][0]
    assert first["order"]["order_number"] == "ASM-00043"
    assert first["order"]["customer"] == "Sentia Spirits Ltd stock (MAIN)"
    assert first["order"]["lines"][0]["sku"] == "SEN-NAVY-70"
    assert (Decimal(first["order"]["total"]["amount"]), first["order"]["total"]["currency"]) == (
        Decimal("3459.6"),
        "GBP",
    )
    assert (first["unleashed_status"], first["custom_status"]) == ("Parked", "In Production")
    assert result["unmapped"] == [] and result["total_orders"] == 5


async def test_production_status_with_completed_orders_late_only_and_paging(connect, principal, runtime):
    configure(runtime, UnleashedSimulator())
    result = structured(
        await run(
            connect,
            principal,
            "manufacturing-production-status",
            {
                "as_of": TODAY,
                "include_completed": True,
                "completed_since": "2026-11-10",
                "late_only": True,
                "page_size": 2,
            },
        )
    )
    assert [o["order"]["order_number"] for o in result["orders"]] == ["ASM-00042", "ASM-00043"]
    assert result["orders"][0]["completed_on"] == "2026-11-19"
    assert result["page"]["next_page"] == 2 and result["total_orders"] == 3
    assert result["counts_by_status"]["completed"] == 1
    only = structured(
        await run(
            connect, principal, "manufacturing-production-status", {"as_of": TODAY, "statuses": ["quality_check"]}
        )
    )
    assert [o["order"]["order_number"] for o in only["orders"]] == ["ASM-00044"]


async def test_an_assembly_that_makes_no_valid_order_is_listed_as_unmapped(connect, principal, runtime):
    simulator = UnleashedSimulator()
    simulator.account_named().product_by_code("SEN-BITT-10")["AverageLandPrice"] = None
    configure(runtime, simulator)
    result = structured(await run(connect, principal, "manufacturing-production-status", {"as_of": TODAY}))
    assert result["unmapped"] == [
        {"assembly_number": "ASM-00045", "reason": "product SEN-BITT-10 has no average landed cost to value it at"}
    ]


async def test_production_status_without_unleashed_is_a_tool_error_naming_the_settings(connect, principal, runtime):
    result = await run(connect, principal, "manufacturing-production-status", {})
    assert result.is_error
    assert text(result).endswith("unleashed: not configured; set SENTIA_UNLEASHED__API_ID, SENTIA_UNLEASHED__API_KEY")


async def test_inventory_health_counts_every_source_and_says_what_to_reorder(connect, principal, runtime):
    every_vendor(runtime, UnleashedSimulator())
    result = structured(await run(connect, principal, "manufacturing-inventory-health", {"page_size": 500}))
    sources = {s["source"]: s for s in result["sources"]}
    assert {name: s["status"] for name, s in sources.items()} == {"unleashed": "ok", "shopify": "ok", "amazon": "ok"}
    assert sources["unleashed"]["locations"] == ["unleashed:BOND", "unleashed:MAIN"]
    assert sources["amazon"]["locations"] == ["amazon:uk FBA"]
    items = {item["sku"]: item for item in result["items"]}
    gin = items["SEN-GIN-70"]
    assert [(s["source"], s["location"]) for s in gin["stock"]] == [
        ("unleashed", "BOND"),
        ("unleashed", "MAIN"),
        ("amazon", "uk FBA"),
    ]
    assert gin["total_on_hand"] == sum(s["on_hand"] for s in gin["stock"])
    assert gin["reorder_point"] == 450.0
    caps = items["PKG-CAP-CROWN"]
    assert caps["status"] == "negative"
    navy = items["SEN-NAVY-70"]
    assert (navy["status"], navy["reorder_quantity"]) == (
        "reorder",
        600.0 - navy["total_available"] - navy["total_on_order"],
    )
    assert any(s["source"] == "shopify" for item in result["items"] for s in item["stock"])
    assert "SEN-RED-50" in items and items["SEN-RED-50"]["status"] == "no_reorder_point"
    reorder = {r["sku"]: r for r in result["reorder"]}
    assert reorder["BOT-ELDERFLOWER"]["supplier"] == "Botanica Trading Ltd"  # 2.7 L free, reorder point 8
    assert set(result["counts"]) <= {"ok", "reorder", "negative", "no_reorder_point"}


async def test_inventory_health_reports_unconfigured_vendors_without_failing(connect, principal, runtime):
    configure(runtime, UnleashedSimulator())
    result = structured(
        await run(
            connect,
            principal,
            "manufacturing-inventory-health",
            {"reorder_only": True, "include_components": False, "skus": ["SEN-NAVY-70", "SEN-GIN-70", "BOT-ORRIS"]},
        )
    )
    sources = {s["source"]: s for s in result["sources"]}
    assert sources["shopify"]["status"] == "not_configured"
    assert sources["shopify"]["detail"] == "shopify: not configured; set SENTIA_SHOPIFY__SHOPS"
    assert sources["amazon"]["status"] == "not_configured"
    assert [item["sku"] for item in result["items"]] == ["SEN-NAVY-70"]


async def test_inventory_health_reports_a_failing_vendor_and_counts_the_rest(connect, principal, runtime):
    unleashed = UnleashedSimulator()
    unleashed.faults.server_error("Warehouses", status=503, times=3)
    every_vendor(runtime, unleashed)
    result = structured(
        await run(connect, principal, "manufacturing-inventory-health", {"sources": ["unleashed", "shopify"]})
    )
    sources = {s["source"]: s for s in result["sources"]}
    assert sources["unleashed"] == {
        "source": "unleashed",
        "status": "failed",
        "detail": "unleashed: had a server error (HTTP 503); try again later",
        "locations": [],
        "skus": 0,
    }
    assert sources["amazon"]["status"] == "skipped"
    assert sources["shopify"]["status"] == "ok" and sources["shopify"]["skus"] > 0
    assert result["notes"] == ["no Unleashed products were read, so no SKU has a reorder point"]
    assert {item["status"] for item in result["items"]} == {"no_reorder_point"}
