"""shopify-manage-products end to end: checks against the shop, validate_only, mutations and their userErrors."""

from __future__ import annotations

import pytest
from mcp.shared.exceptions import MCPError

from sentia_server.auth.principal import Role

from .conftest import sent, text_of

pytestmark = pytest.mark.anyio

RED = "gid://shopify/Product/8800000000102"
RED_50 = "gid://shopify/ProductVariant/8800000040002"
BLACK_50 = "gid://shopify/ProductVariant/8800000040004"
LONDON = "gid://shopify/Location/91000001"
BERMONDSEY = "gid://shopify/Location/91000004"


async def test_validate_only_checks_a_new_product_without_creating_it(shop, call):
    before = len(shop.backend.shop("uk").products)
    result = await call(
        "shopify-manage-products",
        {
            "action": "create",
            "shop": "uk",
            "product": {"title": "Sentia Spritz", "handle": "sentia-spritz"},
            "validate_only": True,
        },
    )
    body = result.structured_content
    assert (body["applied"], body["valid"], body["problems"]) == (False, True, [])
    assert "handle 'sentia-spritz' is free" in body["checks"]
    assert len(shop.backend.shop("uk").products) == before
    taken = await call(
        "shopify-manage-products",
        {
            "action": "create",
            "shop": "uk",
            "product": {"title": "Red again", "handle": "sentia-red"},
            "validate_only": True,
        },
    )
    assert taken.structured_content["valid"] is False
    assert taken.structured_content["problems"] == [f"handle 'sentia-red' is already used by product {RED}"]


async def test_create_sets_price_and_sku_then_the_product_can_be_stocked_and_deleted(shop, call):
    created = await call(
        "shopify-manage-products",
        {
            "action": "create",
            "shop": "uk",
            "product": {
                "title": "Sentia Spritz",
                "product_type": "Ready to Drink",
                "tags": ["rtd", "spritz"],
                "status": "draft",
            },
            "variant": {"price": "3.50", "sku": "SEN-SPZ-25", "barcode": "5060897230151"},
        },
    )
    assert not created.is_error, text_of(created)
    body = created.structured_content
    product = body["product"]
    assert (body["applied"], product["title"], product["status"], product["handle"]) == (
        True,
        "Sentia Spritz",
        "DRAFT",
        "sentia-spritz",
    )
    [variant] = body["variants"]
    assert (variant["price"], variant["sku"], variant["barcode"]) == ("3.50", "SEN-SPZ-25", "5060897230151")

    stocked = await call(
        "shopify-manage-products",
        {
            "action": "set_inventory",
            "shop": "uk",
            "inventory": [{"variant_id": variant["id"], "location_id": LONDON, "quantity": 96}],
            "reason": "received",
            "reference_document_uri": "sentia://production-batch/2026-0412",
        },
    )
    changes = stocked.structured_content["inventory_changes"]
    assert {(c["name"], c["delta"], c["quantity_after"]) for c in changes} == {
        ("available", 96, 96),
        ("on_hand", 96, 96),
    }
    [mutation] = sent(shop, "SentiaInventorySetQuantities")
    assert mutation["input"]["quantities"][0]["changeFromQuantity"] == 0
    assert len(mutation["idempotencyKey"]) == 36

    deleted = await call("shopify-manage-products", {"action": "delete", "shop": "uk", "product_id": product["id"]})
    assert deleted.structured_content["deleted_product_id"] == product["id"]
    listed = await call("shopify-get-products", {"shop": "uk", "sku": "SEN-SPZ-25"})
    assert listed.structured_content["products"] == []


async def test_update_changes_the_product_details(shop, call):
    result = await call(
        "shopify-manage-products",
        {
            "action": "update",
            "shop": "uk",
            "product_id": "8800000000102",
            "product": {"tags": ["bestseller", "red"], "seo_title": "Sentia Red"},
        },
    )
    body = result.structured_content
    assert body["applied"] and body["product"]["tags"] == ["bestseller", "red"]
    assert shop.backend.shop("uk").products[8800000000102]["seo"]["title"] == "Sentia Red"


async def test_update_prices_refuses_a_variant_of_another_product(shop, call):
    result = await call(
        "shopify-manage-products",
        {
            "action": "update_prices",
            "shop": "uk",
            "product_id": RED,
            "prices": [{"variant_id": BLACK_50, "price": "30.00"}],
        },
    )
    assert result.is_error
    assert f"variant {BLACK_50} belongs to product gid://shopify/Product/8800000000103, not {RED}" in text_of(result)
    assert shop.backend.shop("uk").variants[8800000040004]["price"] == "33.00"


async def test_update_prices_applies_new_and_was_prices(shop, call):
    result = await call(
        "shopify-manage-products",
        {
            "action": "update_prices",
            "shop": "uk",
            "product_id": RED,
            "prices": [{"variant_id": "8800000040002", "price": "31.00", "compare_at_price": "33.00"}],
        },
    )
    [variant] = result.structured_content["variants"]
    assert (variant["price"], variant["compare_at_price"]) == ("31.00", "33.00")
    cleared = await call(
        "shopify-manage-products",
        {
            "action": "update_prices",
            "shop": "uk",
            "product_id": RED,
            "prices": [{"variant_id": RED_50, "price": "31.00", "clear_compare_at_price": True}],
        },
    )
    assert cleared.structured_content["variants"][0]["compare_at_price"] is None


async def test_set_inventory_validate_only_reports_every_problem(shop, call):
    result = await call(
        "shopify-manage-products",
        {
            "action": "set_inventory",
            "shop": "uk",
            "validate_only": True,
            "inventory": [
                {"variant_id": RED_50, "location_id": LONDON, "quantity": 10},
                {"variant_id": RED_50, "location_id": BERMONDSEY, "quantity": 1},
                {"variant_id": "1", "location_id": LONDON, "quantity": 1},
                {"variant_id": RED_50, "location_id": "2", "quantity": 1},
            ],
        },
    )
    body = result.structured_content
    assert body["valid"] is False and body["applied"] is False
    assert body["problems"] == [
        f"location {BERMONDSEY} ('Bermondsey Pop-up (closed)') is not active",
        "variant gid://shopify/ProductVariant/1 does not exist",
        "location gid://shopify/Location/2 does not exist",
    ]
    assert len(body["checks"]) == 1 and "available" in body["checks"][0]
    assert sent(shop, "SentiaInventorySetQuantities") == []


async def test_set_inventory_on_a_location_that_does_not_stock_the_item_is_refused(shop, call):
    glasses = next(v for v in shop.backend.shop("uk").variants.values() if v["sku"] == "SEN-GLS-HB2")
    result = await call(
        "shopify-manage-products",
        {
            "action": "set_inventory",
            "shop": "uk",
            "inventory": [{"variant_id": glasses["id"], "location_id": "91000003", "quantity": 5}],
        },
    )
    assert result.is_error
    assert "is not stocked at location 'Rotterdam EU Hub'; fix the input and try again" in text_of(result)


async def test_shopify_user_errors_reach_the_caller_with_their_field_paths(shop, call):
    result = await call("shopify-manage-products", {"action": "create", "shop": "uk", "product": {"title": "   "}})
    assert result.is_error
    assert text_of(result).endswith(
        "shopify: shop uk refused productCreate: title: Title can't be blank; fix the input and try again"
    )


async def test_a_missing_product_is_a_clear_error(shop, call):
    result = await call("shopify-manage-products", {"action": "delete", "shop": "uk", "product_id": "42"})
    assert result.is_error
    assert "product gid://shopify/Product/42 does not exist" in text_of(result)


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"action": "update", "shop": "uk", "product": {"title": "x"}}, "action update needs product_id"),
        (
            {"action": "delete", "shop": "uk", "product_id": "1", "prices": [{"variant_id": "1", "price": "1"}]},
            "does not use prices",
        ),
        ({"action": "create", "shop": "all", "product": {"title": "x"}}, "changes apply to one shop"),
        ({"action": "create", "shop": "uk", "product": {"vendor": "x"}}, "needs product.title"),
        ({"action": "update", "shop": "uk", "product_id": "1", "product": {}}, "at least one product field"),
        (
            {
                "action": "update_prices",
                "shop": "uk",
                "product_id": "1",
                "prices": [{"variant_id": "1", "price": "1.999"}],
            },
            "decimal places",
        ),
    ],
)
async def test_arguments_that_do_not_fit_the_action_are_refused(shop, call, arguments, message):
    result = await call("shopify-manage-products", arguments)
    assert result.is_error and message in text_of(result)
    assert list(shop.requests_to("graphql")) == []


async def test_changing_products_needs_the_commerce_write_permission(shop, call):
    with pytest.raises(MCPError, match="requires permission 'commerce:write'"):
        await call("shopify-manage-products", {"action": "delete", "shop": "uk", "product_id": RED}, role=Role.OPERATOR)
    assert RED.rsplit("/", 1)[1].isdigit() and 8800000000102 in shop.backend.shop("uk").products
