"""The simulator's query side: search syntax, sorting and paging, and every field the server reads."""

from __future__ import annotations

import base64

import pytest

from sentia_testkit.simulators.shopify.search import SearchSyntaxError, parse


def data(graphql, query, variables=None):
    body = graphql(query, variables).json()
    assert "errors" not in body, body["errors"]
    return body["data"]


def names(graphql, query_filter, sort="ORDER_NUMBER"):
    result = data(
        graphql,
        "query($q: String, $s: OrderSortKeys!) { orders(first: 250, query: $q, sortKey: $s) { nodes { name } } }",
        {"q": query_filter, "s": sort},
    )
    return [node["name"] for node in result["orders"]["nodes"]]


def errors(graphql, query, variables=None):
    return [error["message"] for error in graphql(query, variables).json()["errors"]]


@pytest.mark.parametrize(
    ("query_filter", "count"),
    [
        (None, 72),
        ("financial_status:paid", 63),
        ("financial_status:paid,voided", 65),
        ("-financial_status:paid", 9),
        ("fulfillment_status:unfulfilled", 8),
        ("fulfillment_status:unshipped", 7),
        ("fulfillment_status:shipped", 64),
        ("status:cancelled", 3),
        ("status:open", 13),
        ("created_at:>=2026-03-01", 23),
        ("created_at:<2026-03-01", 49),
        ("created_at:2026-01-22", 1),
        ("created_at:>'2026-03-26T17:22:59Z'", 1),
        ("created_at:<='2026-01-03T23:59:59+00:00'", 1),
        ("tag:wholesale", 3),
        ("name:1018", 1),
        ("id:>=6100000000070", 3),
        ("id:>6100000000070", 2),
        ("id:<6100000000002", 1),
        ("id:<=6100000000002", 2),
        ("Cooper", 4),
        ("AND financial_status:refunded", 1),
    ],
)
def test_order_search_filters(graphql, query_filter, count):
    assert len(names(graphql, query_filter)) == count


def test_quoted_values_and_escapes_are_one_value(graphql):
    assert names(graphql, 'email:"hannah.cooper@example.co.uk"') == names(graphql, "email:hannah.cooper@example.co.uk")
    assert parse(r'"say \"hi\"" title:\'x y\'')[0].value == 'say "hi"'
    assert parse("title:'x y'")[0].value == "x y"


@pytest.mark.parametrize(
    ("query_filter", "message"),
    [
        ("colour:red", "search field 'colour' is not implemented by the simulator"),
        ("financial_status:paid OR financial_status:voided", "the OR connective is not implemented by the simulator"),
        ("name:'unterminated", "unterminated quoted value"),
        ("created_at:>yesterday", "is not a date or an ISO 8601 time"),
        ("id:>abc", "is not a number"),
        ("email:>a", "comparator '>' is not supported on 'email'"),
    ],
)
def test_unsupported_search_syntax_is_refused_loudly(graphql, query_filter, message):
    [error] = errors(graphql, "query($q: String) { orders(first: 1, query: $q) { nodes { id } } }", {"q": query_filter})
    assert error.startswith("Invalid search query:") and message in error


def test_search_terms_parse_comparators_and_negation():
    [term] = parse("-created_at:>=2026-01-01")
    assert (term.field, term.comparator, term.value, term.negated) == ("created_at", ">=", "2026-01-01", True)
    with pytest.raises(SearchSyntaxError):
        parse("NOT x")
    assert parse("") == [] and parse(None) == []


def test_pages_follow_cursors_in_both_directions(graphql):
    query = (
        "query($a: String, $r: Boolean!) { orders(first: 30, after: $a, sortKey: TOTAL_PRICE, "
        "reverse: $r) { edges { cursor node { name totalPriceSet { shopMoney { amount } } } } "
        "pageInfo { hasNextPage hasPreviousPage endCursor startCursor } } }"
    )
    for reverse in (False, True):
        seen, after = [], None
        while True:
            page = data(graphql, query, {"a": after, "r": reverse})["orders"]
            seen += [float(edge["node"]["totalPriceSet"]["shopMoney"]["amount"]) for edge in page["edges"]]
            assert page["pageInfo"]["hasPreviousPage"] is (after is not None)
            assert page["pageInfo"]["startCursor"] == page["edges"][0]["cursor"]
            after = page["pageInfo"]["endCursor"]
            if not page["pageInfo"]["hasNextPage"]:
                break
        assert len(seen) == 72 and seen == sorted(seen, reverse=reverse)


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ("", "you must provide one of first or last"),
        ("first: 251", "The first argument must be between 0 and 250; it was 251."),
        ('first: 1, after: "bm9wZQ=="', "Invalid cursor for current pagination sort."),
        ('first: 1, after: "%%%"', "Invalid cursor for current pagination sort."),
    ],
)
def test_bad_paging_arguments_are_graphql_errors(graphql, arguments, message):
    field = f"customers({arguments})" if arguments else "customers"
    assert errors(graphql, f"{{ {field} {{ nodes {{ id }} }} }}") == [message]


def test_an_empty_page_has_no_cursors(graphql):
    page = data(
        graphql, '{ orders(first: 5, query: "tag:nothing") { pageInfo { startCursor endCursor hasNextPage } } }'
    )
    assert page["orders"]["pageInfo"] == {"startCursor": None, "endCursor": None, "hasNextPage": False}


ORDER = """query($id: ID!) { order(id: $id) {
  name closed customer { displayName numberOfOrders amountSpent { amount currencyCode } }
  totalPriceSet { shopMoney { amount currencyCode } presentmentMoney { amount currencyCode } }
  lineItems(first: 5, after: null) { edges { cursor } nodes { sku quantity variant { id displayName } product { title }
    discountedTotalSet { shopMoney { amount } } } pageInfo { hasNextPage } }
} }"""


def test_an_order_has_its_customer_lines_and_money_in_two_currencies(graphql):
    order = data(graphql, ORDER, {"id": "gid://shopify/Order/6100000000018"})["order"]
    assert order["name"] == "#1018" and order["closed"] is True
    assert order["lineItems"]["pageInfo"]["hasNextPage"] is True and len(order["lineItems"]["nodes"]) == 5
    assert order["lineItems"]["nodes"][0]["variant"]["displayName"].startswith(
        order["lineItems"]["nodes"][0]["product"]["title"]
    )
    assert order["customer"]["amountSpent"]["currencyCode"] == "GBP" and int(order["customer"]["numberOfOrders"]) >= 1
    euro = data(
        graphql,
        (
            "{ orders(first: 100) { nodes { presentmentCurrencyCode totalPriceSet { shopMoney { "
            "amount } presentmentMoney { amount } } } } }"
        ),
    )
    paid_in_euro = [o for o in euro["orders"]["nodes"] if o["presentmentCurrencyCode"] == "EUR"]
    assert paid_in_euro
    for order in paid_in_euro:
        money = order["totalPriceSet"]
        assert float(money["presentmentMoney"]["amount"]) == pytest.approx(
            float(money["shopMoney"]["amount"]) * 1.17, abs=0.006
        )
    assert data(graphql, ORDER, {"id": "gid://shopify/Product/6100000000018"})["order"] is None


PRODUCTS = "query($q: String) { products(first: 50, query: $q, sortKey: TITLE) { nodes { title } } }"


@pytest.mark.parametrize(
    ("query_filter", "titles"),
    [
        ("status:draft", ["Sentia Red Magnum"]),
        ("status:archived", ["Sentia Winter Spice"]),
        ("sku:SEN-GIN-4X200", ["Sentia Ginger Mixer"]),
        ("product_type:Mixer", ["Sentia Botanical Tonic", "Sentia Ginger Mixer"]),
        ("vendor:'Sentia Spirits' tag:glassware", ["Sentia Highball Glasses"]),
        ("title:Gift", ["Sentia Red & Tonic Gift Box"]),
        ("handle:sentia-gold", ["Sentia Gold"]),
        ("inventory_total:0", ["Sentia Winter Spice"]),
        ("created_at:<2024-05-01 updated_at:>2024-01-01", ["Sentia Black", "Sentia Red"]),
        ("id:8800000000102", ["Sentia Red"]),
        ("miniatures", ["Sentia Discovery Set"]),
    ],
)
def test_product_search_filters(graphql, query_filter, titles):
    assert [node["title"] for node in data(graphql, PRODUCTS, {"q": query_filter})["products"]["nodes"]] == titles


@pytest.mark.parametrize("sort", ["CREATED_AT", "UPDATED_AT", "INVENTORY_TOTAL", "PRODUCT_TYPE", "VENDOR", "ID"])
def test_every_product_sort_key_pages_completely(graphql, sort):
    query = "query($s: ProductSortKeys!) { products(first: 250, sortKey: $s) { nodes { id } } }"
    assert len(data(graphql, query, {"s": sort})["products"]["nodes"]) == 10


PRODUCT = """query($id: ID!) { product(id: $id) {
  title totalInventory tracksInventory variantsCount { count precision }
  priceRangeV2 { minVariantPrice { amount } maxVariantPrice { amount } } seo { title }
  variants(first: 1) { nodes { title sku price compareAtPrice inventoryQuantity inventoryItem {
    id sku tracked requiresShipping unitCost { amount currencyCode } measurement { weight { value unit } }
    variant { id } inventoryLevels(first: 5) { nodes { location { name } } }
    inventoryLevel(locationId: "gid://shopify/Location/91000001") {
      quantities(names: ["available", "on_hand", "committed"]) { name quantity }
    }
  } } pageInfo { hasNextPage } }
} }"""


def test_a_product_has_variants_prices_and_inventory(graphql):
    product = data(graphql, PRODUCT, {"id": "gid://shopify/Product/8800000000104"})["product"]
    assert product["title"] == "Sentia Gold" and product["variantsCount"] == {"count": 2, "precision": "EXACT"}
    assert product["priceRangeV2"] == {"minVariantPrice": {"amount": "17.50"}, "maxVariantPrice": {"amount": "36.00"}}
    [variant] = product["variants"]["nodes"]
    assert product["variants"]["pageInfo"]["hasNextPage"] is True
    item = variant["inventoryItem"]
    assert (variant["sku"], item["sku"], variant["compareAtPrice"]) == ("SEN-GLD-50", "SEN-GLD-50", "39.00")
    assert item["unitCost"] == {"amount": "10.08", "currencyCode": "GBP"}
    assert item["measurement"]["weight"] == {"value": 1150.0, "unit": "GRAMS"}
    quantities = {q["name"]: q["quantity"] for q in item["inventoryLevel"]["quantities"]}
    assert quantities["on_hand"] == quantities["available"] + quantities["committed"]
    assert len(item["inventoryLevels"]["nodes"]) == 3
    assert product["totalInventory"] >= variant["inventoryQuantity"] and product["tracksInventory"] is True


def test_variants_and_inventory_items_are_found_by_id_and_sku(graphql):
    query = """{
      productVariant(id: "gid://shopify/ProductVariant/8800000040002") { displayName product { handle } }
      inventoryItems(first: 5, query: "sku:SEN-RED-20") { nodes { id variant { title } } }
      inventoryItem(id: "gid://shopify/InventoryItem/8800000070002") { sku }
      missing: productVariant(id: "gid://shopify/ProductVariant/1") { id }
    }"""
    found = data(graphql, query)
    assert found["productVariant"] == {"displayName": "Sentia Red - 50cl", "product": {"handle": "sentia-red"}}
    assert [node["variant"]["title"] for node in found["inventoryItems"]["nodes"]] == ["20cl"]
    assert found["inventoryItem"] == {"sku": "SEN-RED-50"} and found["missing"] is None


CUSTOMERS = "query($q: String) { customers(first: 100, query: $q, sortKey: NAME) { nodes { displayName } } }"


@pytest.mark.parametrize(
    ("query_filter", "count"),
    [
        (None, 24),
        ("tag:vip", 4),
        ("state:invited", 3),
        ("country:DE", 2),
        ("email:olivia.smith@example.co.uk", 1),
        ("customer_date:>=2025-06-01", 13),
        ("updated_at:<2025-03-01", 2),
        ("orders_count:>=5", 4),
        ("total_spent:>500", 1),
        ("first_name:ol last_name:smi", 1),
        ("id:6200000000001", 1),
        ("smith", 1),
    ],
)
def test_customer_search_filters(graphql, query_filter, count):
    assert len(data(graphql, CUSTOMERS, {"q": query_filter})["customers"]["nodes"]) == count


def test_customer_sort_keys(graphql):
    for sort in ("CREATED_AT", "UPDATED_AT", "ID"):
        nodes = data(graphql, f"{{ customers(first: 100, sortKey: {sort}) {{ nodes {{ id }} }} }}")["customers"][
            "nodes"
        ]
        assert len(nodes) == 24


def test_locations_hide_inactive_ones_unless_asked(graphql):
    query = (
        "query($all: Boolean!, $q: String) { locations(first: 10, includeInactive: $all, query: $q, "
        "sortKey: ID) { nodes { name isActive address { countryCode } } } }"
    )
    assert len(data(graphql, query, {"all": False})["locations"]["nodes"]) == 3
    everything = data(graphql, query, {"all": True})["locations"]["nodes"]
    assert [node["isActive"] for node in everything] == [True, True, True, False]
    assert [node["name"] for node in data(graphql, query, {"all": False, "q": "Rotterdam"})["locations"]["nodes"]] == [
        "Rotterdam EU Hub"
    ]


def test_a_location_lists_its_levels_and_finds_one_item(graphql):
    query = """{ location(id: "gid://shopify/Location/91000003") {
      inventoryLevels(first: 250) { nodes { item { sku } quantities(names: ["available"]) { name quantity } } }
      inventoryLevel(inventoryItemId: "gid://shopify/InventoryItem/8800000070002") { id }
      none: inventoryLevel(inventoryItemId: "nope") { id }
    } nowhere: location(id: "gid://shopify/Location/1") { id } }"""
    found = data(graphql, query)
    skus = {node["item"]["sku"] for node in found["location"]["inventoryLevels"]["nodes"]}
    assert "SEN-GLS-HB2" not in skus and "SEN-RED-50" in skus
    assert (
        found["location"]["inventoryLevel"]["id"]
        == "gid://shopify/InventoryLevel/91000003?inventory_item_id=8800000070002"
    )
    assert found["location"]["none"] is None and found["nowhere"] is None


def test_unknown_quantity_names_and_level_queries_are_refused(graphql):
    [bad_name] = errors(
        graphql,
        (
            '{ inventoryItem(id: "gid://shopify/InventoryItem/8800000070002") { '
            'inventoryLevels(first: 1) { nodes { quantities(names: ["sold"]) { quantity } } } } }'
        ),
    )
    assert bad_name.startswith("Invalid quantity names: sold.")
    [query] = errors(
        graphql,
        (
            '{ location(id: "gid://shopify/Location/91000001") { inventoryLevels(first: 1, query: '
            '"x") { nodes { id } } } }'
        ),
    )
    assert "inventoryLevels(query:) is not implemented by the simulator" in query


def test_cursors_are_opaque_base64(graphql):
    edge = data(graphql, "{ customers(first: 1) { edges { cursor } } }")["customers"]["edges"][0]
    assert base64.b64decode(edge["cursor"]).startswith(b'{"last_id"')
