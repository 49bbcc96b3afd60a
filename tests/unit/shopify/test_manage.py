"""Catalogue changes through the client against the simulator: the checks, validate_only, and what happens when a
step fails part-way."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import httpx
import pytest

from sentia_server.integrations.http import RetryPolicy, VendorError
from sentia_server.integrations.settings import ShopifySettings
from sentia_server.integrations.shopify import ShopifyClient, documents, manage, models, reads
from sentia_server.integrations.shopify.models import ShapeError

pytestmark = pytest.mark.anyio

RED = "gid://shopify/Product/8800000000102"
RED_50 = "gid://shopify/ProductVariant/8800000040002"
LONDON = "gid://shopify/Location/91000001"
UK = {"shop_domain": "sentia-uk.myshopify.com", "access_token": "shpat_simulated-uk-admin-token"}


@pytest.fixture
async def uk(simulator):
    client = ShopifyClient(ShopifySettings(shops={"uk": UK}), simulator.transport(), retry=RetryPolicy(base_delay=0.01))
    yield client.shop("uk")
    await client.aclose()


async def test_a_product_created_without_variant_values_keeps_the_default_variant(uk, simulator):
    outcome = await manage.create_product(
        uk, manage.ProductFields(title="Sentia Tonic Syrup"), manage.VariantFields(), validate_only=False
    )
    assert outcome.applied and [variant.price for variant in outcome.variants] == [Decimal("0.00")]
    bulk = [r for r in simulator.requests_to("graphql") if b"SentiaVariantsBulkUpdate" in r.content]
    assert bulk == []


async def test_a_variant_step_that_fails_after_creation_says_the_product_exists(uk, simulator):
    with pytest.raises(VendorError) as raised:
        await manage.create_product(
            uk,
            manage.ProductFields(title="Sentia Spritz"),
            manage.VariantFields(price=Decimal("-1"), sku="SEN-SPZ"),
            validate_only=False,
        )
    message = str(raised.value)
    assert (
        "(Sentia Spritz) was created" not in message
        and "('Sentia Spritz') was created, but setting its variant failed" in message
    )
    assert "variants.0.price: Price must be greater than or equal to 0 [INVALID_INPUT]" in message
    assert "set the price and SKU with action update_prices, or delete the product" in message
    assert any(p["title"] == "Sentia Spritz" for p in simulator.backend.shop("uk").products.values())


async def test_update_checks_the_product_and_a_new_handle(uk):
    missing = await manage.update_product(
        uk, "gid://shopify/Product/1", manage.ProductFields(title="x"), validate_only=True
    )
    assert missing.problems == ["product gid://shopify/Product/1 does not exist"] and not missing.applied
    with pytest.raises(manage.CheckFailed, match="does not exist; fix the input and try again"):
        await manage.update_product(uk, "gid://shopify/Product/1", manage.ProductFields(title="x"), validate_only=False)
    taken = await manage.update_product(uk, RED, manage.ProductFields(handle="sentia-gold"), validate_only=True)
    assert taken.problems == ["handle 'sentia-gold' is already used by product gid://shopify/Product/8800000000104"]
    free = await manage.update_product(uk, RED, manage.ProductFields(handle="sentia-red-classic"), validate_only=True)
    assert free.checks[-1] == "handle 'sentia-red-classic' is free" and free.product is not None and not free.applied
    same = await manage.update_product(
        uk, RED, manage.ProductFields(handle="sentia-red", title="Red"), validate_only=False
    )
    assert same.applied and same.product is not None and same.product.title == "Red"


async def test_delete_and_price_checks_report_without_changing(uk, simulator):
    delete = await manage.delete_product(uk, RED, validate_only=True)
    assert delete.checks == [f"product {RED} exists ('Sentia Red', 2 variants, all deleted with it)"]
    assert 8800000000102 in simulator.backend.shop("uk").products
    missing = await manage.update_prices(uk, "gid://shopify/Product/1", [], validate_only=True)
    assert missing.problems == ["product gid://shopify/Product/1 does not exist"]
    checked = await manage.update_prices(
        uk,
        RED,
        [
            manage.PriceChange(RED_50, Decimal("30.00")),
            manage.PriceChange("gid://shopify/ProductVariant/1", Decimal("1")),
        ],
        validate_only=True,
    )
    assert checked.problems == ["variant gid://shopify/ProductVariant/1 does not exist"]
    ok = await manage.update_prices(uk, RED, [manage.PriceChange(RED_50, Decimal("30.00"))], validate_only=True)
    assert ok.problems == [] and "price 33.00 -> 30.00" in ok.checks[-1]
    assert simulator.backend.shop("uk").variants[8800000040002]["price"] == "33.00"


async def test_set_inventory_validate_only_reads_the_current_quantity(uk, simulator):
    outcome = await manage.set_inventory(
        uk,
        [manage.StockChange(RED_50, LONDON, 5)],
        name="on_hand",
        reason="correction",
        reference_document_uri=None,
        validate_only=True,
    )
    on_hand = simulator.backend.shop("uk").levels[(8800000070002, 91000001)]["_quantities"]["on_hand"]
    assert outcome.checks == [f"variant {RED_50} (SEN-RED-50) at 'Sentia Distillery London': on_hand {on_hand} -> 5"]
    applied = await manage.set_inventory(
        uk,
        [manage.StockChange(RED_50, LONDON, 5)],
        name="on_hand",
        reason="correction",
        reference_document_uri=None,
        validate_only=False,
    )
    assert applied.adjustment_group_id and {c.name for c in applied.inventory_changes} == {"on_hand", "available"}


async def test_a_create_refused_for_the_credential_is_not_reworded(simulator):
    client = ShopifyClient(ShopifySettings(shops={"uk": {**UK, "access_token": "shpat_gone"}}), simulator.transport())
    try:
        with pytest.raises(VendorError, match="rejected the access token"):
            await manage.create_product(
                client.shop("uk"), manage.ProductFields(title="x"), manage.VariantFields(), validate_only=False
            )
    finally:
        await client.aclose()


async def test_a_mutation_answered_without_its_payload_is_a_shape_error():
    def handler(request: httpx.Request) -> httpx.Response:
        if b"SentiaProduct(" in request.content:
            return httpx.Response(200, json={"data": {"product": None}})
        return httpx.Response(200, json={"data": {"productDelete": None}})

    client = ShopifyClient(ShopifySettings(shops={"uk": UK}), httpx.MockTransport(handler))
    try:
        with pytest.raises(manage.CheckFailed):
            await manage.delete_product(client.shop("uk"), RED, validate_only=False)
        with pytest.raises(ShapeError, match="productDelete returned no payload"):
            manage._payload({"productDelete": None}, "productDelete")
    finally:
        await client.aclose()


async def test_reads_cope_with_deleted_orders_missing_locations_and_many_pages(uk, simulator, monkeypatch):
    assert await reads.remaining_lines(uk.graphql, "gid://shopify/Order/1", "cursor") == []

    missing = models.Location("gid://shopify/Location/1", "Gone", True, True, None, None)
    page = await reads.location_levels(uk.graphql, missing, first=5, after=None)
    assert (page.items, page.has_next) == ([], False)
    monkeypatch.setattr(documents, "LOCATIONS", replace(documents.LOCATIONS, page_size=1))
    assert len(await reads.locations(uk.graphql, include_inactive=True)) == 4
    monkeypatch.setattr(documents, "SALES_ORDERS", replace(documents.SALES_ORDERS, page_size=1))
    query = "created_at:>=2026-03-24"
    orders = [order async for order in reads.sales_orders(uk.graphql, query, with_lines=False, limit=100)]
    assert [order.name for order in orders] == ["#1070", "#1071", "#1072"]
