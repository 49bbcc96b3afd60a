"""The simulator's mutations: state changes, userErrors in Shopify's shapes, compare-and-swap and idempotency."""

from __future__ import annotations

import pytest

RED = "gid://shopify/Product/8800000000102"
RED_50 = "gid://shopify/ProductVariant/8800000040002"
RED_20 = "gid://shopify/ProductVariant/8800000040003"
BLACK_50 = "gid://shopify/ProductVariant/8800000040004"
RED_50_ITEM = "gid://shopify/InventoryItem/8800000070002"
GLASSES_ITEM = "gid://shopify/InventoryItem/8800000070013"
LONDON = "gid://shopify/Location/91000001"
ROTTERDAM = "gid://shopify/Location/91000003"

CREATE = (
    "mutation($p: ProductCreateInput!) { productCreate(product: $p) { product { id handle vendor "
    "status tags seo { title } variants(first: 5) { nodes { id title price inventoryItem { "
    "inventoryLevels(first: 5) { nodes { location { name } } } } } } } userErrors { field message } } "
    "}"
)
UPDATE = (
    "mutation($p: ProductUpdateInput!) { productUpdate(product: $p) { product { title handle status "
    "tags seo { title description } } userErrors { field message } } }"
)
DELETE = (
    "mutation($id: ID!) { productDelete(input: {id: $id}) { deletedProductId shop { name } userErrors "
    "{ field message } } }"
)
BULK = (
    "mutation($id: ID!, $v: [ProductVariantsBulkInput!]!, $partial: Boolean) { "
    "productVariantsBulkUpdate(productId: $id, variants: $v, allowPartialUpdates: $partial) { "
    "productVariants { id price compareAtPrice sku barcode taxable inventoryPolicy inventoryItem { "
    "tracked requiresShipping unitCost { amount } measurement { weight { value unit } } } } "
    "userErrors { code field message } } }"
)
SET = (
    "mutation($input: InventorySetQuantitiesInput!, $key: String!) { inventorySetQuantities(input: "
    "$input) @idempotent(key: $key) { inventoryAdjustmentGroup { id reason referenceDocumentUri "
    "changes { name delta quantityAfterChange item { id } location { name } } } userErrors { code "
    "field message } } }"
)


def run(graphql, query, variables):
    body = graphql(query, variables).json()
    assert "errors" not in body, body["errors"]
    return next(iter(body["data"].values()))


def test_product_create_makes_a_default_variant_stocked_at_active_locations(graphql):
    created = run(
        graphql, CREATE, {"p": {"title": "Sentia Spritz", "tags": ["rtd", "rtd"], "seo": {"title": "Spritz"}}}
    )
    product = created["product"]
    assert created["userErrors"] == []
    assert (product["handle"], product["vendor"], product["status"], product["tags"]) == (
        "sentia-spritz",
        "Sentia Spirits UK",
        "ACTIVE",
        ["rtd"],
    )
    [variant] = product["variants"]["nodes"]
    assert (variant["title"], variant["price"]) == ("Default Title", "0.00")
    assert len(variant["inventoryItem"]["inventoryLevels"]["nodes"]) == 3
    again = run(graphql, CREATE, {"p": {"title": "Sentia Spritz"}})
    assert again["product"]["handle"] == "sentia-spritz-1"


@pytest.mark.parametrize(
    ("product", "error"),
    [
        ({"title": "  "}, {"field": ["title"], "message": "Title can't be blank"}),
        ({}, {"field": ["title"], "message": "Title can't be blank"}),
        (
            {"title": "Red", "handle": "sentia-red"},
            {"field": ["handle"], "message": "Handle 'sentia-red' already in use. Please provide a new handle."},
        ),
    ],
)
def test_product_create_user_errors(graphql, product, error):
    assert run(graphql, CREATE, {"p": product}) == {"product": None, "userErrors": [error]}


def test_product_update_changes_only_what_is_given(graphql, simulator):
    updated = run(
        graphql,
        UPDATE,
        {
            "p": {
                "id": RED,
                "title": " Sentia Red ",
                "status": "ARCHIVED",
                "tags": ["b", "a"],
                "seo": {"description": "Bittersweet"},
                "handle": "sentia-red",
            }
        },
    )
    assert updated["product"] == {
        "title": "Sentia Red",
        "handle": "sentia-red",
        "status": "ARCHIVED",
        "tags": ["a", "b"],
        "seo": {"title": "Sentia Red | Sentia Spirits", "description": "Bittersweet"},
    }
    assert simulator.backend.shop("uk").products[8800000000102]["updatedAt"].startswith("20")


@pytest.mark.parametrize(
    ("product", "error"),
    [
        ({"id": "gid://shopify/Product/1", "title": "x"}, {"field": ["id"], "message": "Product does not exist"}),
        ({"title": "no id"}, {"field": ["id"], "message": "Product does not exist"}),
        ({"id": RED, "title": ""}, {"field": ["title"], "message": "Title can't be blank"}),
        (
            {"id": RED, "handle": "sentia-gold"},
            {"field": ["handle"], "message": "Handle 'sentia-gold' already in use. Please provide a new handle."},
        ),
    ],
)
def test_product_update_user_errors(graphql, product, error):
    assert run(graphql, UPDATE, {"p": product}) == {"product": None, "userErrors": [error]}


def test_product_delete_removes_variants_and_stock_and_unlinks_order_lines(graphql, simulator):
    state = simulator.backend.shop("uk")
    deleted = run(graphql, DELETE, {"id": RED})
    assert deleted == {"deletedProductId": RED, "shop": {"name": "Sentia Spirits UK"}, "userErrors": []}
    assert 8800000040002 not in state.variants and 8800000070002 not in state.items
    assert not [key for key in state.levels if key[0] == 8800000070002]
    lines = [line for order in state.orders.values() for line in order["_lines"] if line["sku"] == "SEN-RED-50"]
    assert lines and all(line["_variant"] is None and line["_product"] is None for line in lines)
    assert run(graphql, DELETE, {"id": RED})["userErrors"] == [{"field": ["id"], "message": "Product does not exist"}]


def test_variant_bulk_update_sets_prices_identifiers_and_item_fields(graphql):
    result = run(
        graphql,
        BULK,
        {
            "id": RED,
            "v": [
                {
                    "id": RED_50,
                    "price": "31.5",
                    "compareAtPrice": None,
                    "barcode": "123",
                    "taxable": False,
                    "inventoryPolicy": "CONTINUE",
                    "inventoryItem": {
                        "sku": "SEN-RED-50B",
                        "cost": "9.1",
                        "tracked": False,
                        "requiresShipping": False,
                        "measurement": {"weight": {"value": 1.2, "unit": "KILOGRAMS"}},
                    },
                }
            ],
        },
    )
    [variant] = result["productVariants"]
    assert (variant["price"], variant["compareAtPrice"], variant["sku"], variant["barcode"]) == (
        "31.50",
        None,
        "SEN-RED-50B",
        "123",
    )
    assert (variant["taxable"], variant["inventoryPolicy"]) == (False, "CONTINUE")
    item = variant["inventoryItem"]
    assert (item["tracked"], item["requiresShipping"], item["unitCost"]) == (False, False, {"amount": "9.10"})
    assert item["measurement"]["weight"] == {"value": 1200.0, "unit": "GRAMS"}
    assert result["userErrors"] == []


def test_variant_bulk_update_refuses_everything_when_one_update_is_wrong(graphql, simulator):
    updates = [
        {"id": RED_50, "price": "30.00"},
        {"id": BLACK_50, "price": "30.00"},
        {"price": "1.00"},
        {"id": RED_20, "price": "-1"},
        {"id": RED_20, "compareAtPrice": "abc"},
    ]
    result = run(graphql, BULK, {"id": RED, "v": updates})
    assert result["productVariants"] is None
    assert result["userErrors"] == [
        {
            "code": "PRODUCT_VARIANT_DOES_NOT_EXIST",
            "field": ["variants", "1", "id"],
            "message": "Product variant does not exist",
        },
        {
            "code": "PRODUCT_VARIANT_ID_MISSING",
            "field": ["variants", "2", "id"],
            "message": "Product variant is missing ID attribute",
        },
        {
            "code": "INVALID_INPUT",
            "field": ["variants", "3", "price"],
            "message": "Price must be greater than or equal to 0",
        },
        {
            "code": "INVALID_INPUT",
            "field": ["variants", "4", "compareAtPrice"],
            "message": "compareAtPrice is not a valid amount",
        },
    ]
    assert simulator.backend.shop("uk").variants[8800000040002]["price"] == "33.00"
    partial = run(graphql, BULK, {"id": RED, "v": updates, "partial": True})
    assert [variant["id"] for variant in partial["productVariants"]] == [RED_50]
    missing = run(graphql, BULK, {"id": "gid://shopify/Product/9", "v": updates})
    assert missing["userErrors"] == [
        {"code": "PRODUCT_DOES_NOT_EXIST", "field": ["productId"], "message": "Product does not exist"}
    ]


def quantities(item=RED_50_ITEM, location=LONDON, quantity=20, change_from=None, **extra):
    return {
        "inventoryItemId": item,
        "locationId": location,
        "quantity": quantity,
        "changeFromQuantity": change_from,
        **extra,
    }


def level(simulator, item=8800000070002, location=91000001):
    return simulator.backend.shop("uk").levels[(item, location)]["_quantities"]


def test_set_available_moves_on_hand_by_the_same_delta(graphql, simulator):
    before = dict(level(simulator))
    input_ = {
        "name": "available",
        "reason": "cycle_count_available",
        "referenceDocumentUri": "sentia://count/7",
        "quantities": [quantities(change_from=before["available"])],
    }
    group = run(graphql, SET, {"input": input_, "key": "k1"})["inventoryAdjustmentGroup"]
    delta = 20 - before["available"]
    assert group["reason"] == "cycle_count_available" and group["referenceDocumentUri"] == "sentia://count/7"
    assert [(c["name"], c["delta"], c["quantityAfterChange"]) for c in group["changes"]] == [
        ("available", delta, 20),
        ("on_hand", delta, before["on_hand"] + delta),
    ]
    assert group["changes"][0]["location"] == {"name": "Sentia Distillery London"}
    on_hand = run(
        graphql,
        SET,
        {"input": {"name": "on_hand", "reason": "correction", "quantities": [quantities(quantity=50)]}, "key": "k2"},
    )
    assert [c["name"] for c in on_hand["inventoryAdjustmentGroup"]["changes"]] == ["on_hand", "available"]
    assert level(simulator)["on_hand"] == 50


def test_the_same_idempotency_key_applies_once_and_refuses_other_input(graphql, simulator):
    input_ = {"name": "available", "reason": "received", "quantities": [quantities(quantity=7)]}
    first = run(graphql, SET, {"input": input_, "key": "same"})
    replay = run(graphql, SET, {"input": input_, "key": "same"})
    assert replay == first and level(simulator)["available"] == 7
    other = run(graphql, SET, {"input": {**input_, "quantities": [quantities(quantity=8)]}, "key": "same"})
    assert other["userErrors"][0]["code"] == "IDEMPOTENCY_KEY_PARAMETER_MISMATCH"
    assert level(simulator)["available"] == 7


@pytest.mark.parametrize(
    ("input_", "code", "field"),
    [
        (
            {"name": "committed", "reason": "correction", "quantities": [quantities()]},
            "INVALID_NAME",
            ["input", "name"],
        ),
        (
            {"name": "available", "reason": "because", "quantities": [quantities()]},
            "INVALID_REASON",
            ["input", "reason"],
        ),
        (
            {
                "name": "available",
                "reason": "correction",
                "quantities": [quantities(item="gid://shopify/InventoryItem/1")],
            },
            "INVALID_INVENTORY_ITEM",
            ["input", "quantities", "0", "inventoryItemId"],
        ),
        (
            {
                "name": "available",
                "reason": "correction",
                "quantities": [quantities(location="gid://shopify/Location/1")],
            },
            "INVALID_LOCATION",
            ["input", "quantities", "0", "locationId"],
        ),
        (
            {"name": "available", "reason": "correction", "quantities": [quantities(), quantities()]},
            "NO_DUPLICATE_INVENTORY_ITEM_ID_GROUP_ID_PAIR",
            ["input", "quantities", "1"],
        ),
        (
            {
                "name": "available",
                "reason": "correction",
                "quantities": [quantities(item=GLASSES_ITEM, location=ROTTERDAM)],
            },
            "ITEM_NOT_STOCKED_AT_LOCATION",
            ["input", "quantities", "0", "locationId"],
        ),
        (
            {"name": "available", "reason": "correction", "quantities": [quantities(quantity=-1)]},
            "INVALID_QUANTITY_NEGATIVE",
            ["input", "quantities", "0", "quantity"],
        ),
        (
            {"name": "available", "reason": "correction", "quantities": [quantities(change_from=99_999)]},
            "CHANGE_FROM_QUANTITY_STALE",
            ["input", "quantities", "0", "changeFromQuantity"],
        ),
    ],
)
def test_set_quantities_user_errors_change_nothing(graphql, simulator, input_, code, field):
    before = dict(level(simulator))
    result = run(graphql, SET, {"input": input_, "key": f"key-{code}"})
    assert result["inventoryAdjustmentGroup"] is None
    assert (result["userErrors"][0]["code"], result["userErrors"][0]["field"]) == (code, field)
    assert level(simulator) == before


def test_the_idempotent_directive_and_change_from_quantity_are_required(graphql):
    without_key = graphql(
        (
            "mutation($input: InventorySetQuantitiesInput!) { inventorySetQuantities(input: $input) { "
            "userErrors { message } } }"
        ),
        {"input": {"name": "available", "reason": "correction", "quantities": [quantities()]}},
    ).json()
    assert (
        without_key["errors"][0]["message"]
        == "The @idempotent directive with a key is required for inventorySetQuantities."
    )
    missing = {"inventoryItemId": RED_50_ITEM, "locationId": LONDON, "quantity": 1}
    without_cas = graphql(
        SET, {"input": {"name": "available", "reason": "correction", "quantities": [missing]}, "key": "x"}
    ).json()
    assert "input.quantities.0.changeFromQuantity must be provided" in without_cas["errors"][0]["message"]


def test_mutations_need_write_scopes(graphql, simulator):
    simulator.backend.shop("uk").scopes -= {"write_products", "write_inventory"}
    for query, variables in (
        (DELETE, {"id": RED}),
        (SET, {"input": {"name": "available", "reason": "correction", "quantities": [quantities()]}, "key": "s"}),
    ):
        [error] = graphql(query, variables).json()["errors"]
        assert error["extensions"]["code"] == "ACCESS_DENIED"
