"""The simulator's HTTP surface: addressing shops, authentication, request validation, errors in Shopify's shapes,
query cost and throttling."""

from __future__ import annotations

import json

import httpx
import pytest

from sentia_testkit.simulators.shopify import ShopifySimulator
from sentia_testkit.simulators.shopify.backend import SeedError, ShopifyBackend

from .conftest import UK_TOKEN, UK_URL

SHOP = "{ shop { name currencyCode ianaTimezone } }"


def test_a_shop_answers_with_its_data_and_the_query_cost(graphql):
    response = graphql(SHOP)
    assert response.status_code == 200
    body = response.json()
    assert body["data"] == {
        "shop": {"name": "Sentia Spirits UK", "currencyCode": "GBP", "ianaTimezone": "Europe/London"}
    }
    assert body["extensions"]["cost"] == {
        "requestedQueryCost": 1,
        "actualQueryCost": 1,
        "throttleStatus": {"maximumAvailable": 2000.0, "currentlyAvailable": 1999.0, "restoreRate": 100.0},
    }


@pytest.mark.parametrize("token", ["", "shpat_wrong", "shpat_simulated-usa-admin-token"])
def test_a_bad_token_gets_shopifys_401_body(graphql, token):
    response = graphql(SHOP, token=token)
    assert response.status_code == 401
    assert response.json() == {"errors": "[API] Invalid API key or access token (unrecognized login or wrong password)"}


@pytest.mark.parametrize(
    "url",
    [
        "https://sentia-fr.myshopify.com/admin/api/2026-10/graphql.json",
        "https://sentia-uk.myshopify.com/admin/api/2023-01/graphql.json",
        "https://sentia-uk.myshopify.com/admin/api/2026-10/graphql.json".replace("sentia-uk", "unknown"),
    ],
)
def test_an_unknown_shop_or_version_is_not_found(graphql, url):
    response = graphql(SHOP, url=url)
    assert (response.status_code, response.json()) == (404, {"errors": "Not Found"})


def test_a_shop_is_also_reached_by_its_path_prefix(graphql):
    response = graphql(SHOP, url="http://simulators/sentia-uk.myshopify.com/admin/api/2026-10/graphql.json")
    assert response.json()["data"]["shop"]["name"] == "Sentia Spirits UK"


@pytest.mark.parametrize(
    ("content", "content_type", "status"),
    [
        (b"{not json", "application/json", 400),
        (b'{"variables": {}}', "application/json", 400),
        (b'["query"]', "application/json", 400),
        (b'{"query": "{ shop { name } }", "variables": [1]}', "application/json", 400),
        (b"{ shop { name } }", "application/graphql", 415),
    ],
)
def test_a_malformed_request_is_refused_like_shopify_does(simulator, content, content_type, status):
    with httpx.Client(transport=simulator.transport()) as client:
        response = client.post(
            UK_URL, content=content, headers={"X-Shopify-Access-Token": UK_TOKEN, "content-type": content_type}
        )
    assert response.status_code == status
    if status == 400:
        assert response.json() == {"errors": {"query": "Required parameter missing or invalid"}}


def test_syntax_and_schema_errors_are_graphql_errors_with_locations(graphql):
    syntax = graphql("{ shop { name ")
    assert syntax.status_code == 200 and "Syntax Error" in syntax.json()["errors"][0]["message"]
    unknown = graphql("{ shop { nmae } }")
    [error] = unknown.json()["errors"]
    assert error["message"] == "Cannot query field 'nmae' on type 'Shop'. Did you mean 'name'?"
    assert error["locations"] == [{"line": 1, "column": 10}]


def test_several_operations_need_an_operation_name(simulator):
    document = "query A { shop { name } } query B { shop { email } }"
    with httpx.Client(transport=simulator.transport()) as client:
        ambiguous = client.post(UK_URL, json={"query": document}, headers={"X-Shopify-Access-Token": UK_TOKEN})
        chosen = client.post(
            UK_URL, json={"query": document, "operationName": "B"}, headers={"X-Shopify-Access-Token": UK_TOKEN}
        )
    assert "operation name is required" in ambiguous.json()["errors"][0]["message"]
    assert chosen.json()["data"] == {"shop": {"email": "hello@sentiaspirits.co.uk"}}


def test_connection_cost_is_two_plus_first_times_the_node_and_actual_counts_what_came_back(graphql):
    body = graphql(
        (
            'query($first: Int!) { products(first: $first, query: "status:draft") { nodes { id '
            "priceRangeV2 { minVariantPrice { amount } } } } }"
        ),
        {"first": 50},
    ).json()
    cost = body["extensions"]["cost"]
    assert cost["requestedQueryCost"] == 2 + 50 * (1 + 2)
    assert cost["actualQueryCost"] == 2 + 1 * (1 + 2)
    assert cost["throttleStatus"]["currentlyAvailable"] == 2000 - cost["actualQueryCost"]


def test_a_mutation_costs_ten_plus_its_selection(graphql):
    body = graphql(
        'mutation { productDelete(input: {id: "gid://shopify/Product/1"}) { deletedProductId userErrors { message } } }'
    ).json()
    assert body["extensions"]["cost"]["requestedQueryCost"] == 11


def test_a_query_over_the_single_query_limit_is_refused(graphql):
    body = graphql("{ orders(first: 250) { nodes { customer { id } totalPriceSet { shopMoney { amount } } } } }").json()
    [error] = body["errors"]
    assert error["extensions"]["code"] == "MAX_COST_EXCEEDED"
    assert error["extensions"]["cost"] == 2 + 250 * 4
    assert "exceeds the single query max cost limit (1000)" in error["message"]


def test_an_empty_bucket_throttles_and_refills_with_time(simulator, graphql, clock):
    simulator.backend.shop("uk").bucket.set_available(10)
    throttled = graphql("{ products(first: 20) { nodes { id } } }").json()
    assert throttled["errors"] == [
        {
            "message": "Throttled",
            "extensions": {"code": "THROTTLED", "documentation": "https://shopify.dev/api/usage/limits#rate-limits"},
        }
    ]
    assert "data" not in throttled
    cost = throttled["extensions"]["cost"]
    assert (cost["requestedQueryCost"], cost["actualQueryCost"], cost["throttleStatus"]["currentlyAvailable"]) == (
        22,
        None,
        10.0,
    )
    clock.now += (22 - 10) / 100
    assert "data" in graphql("{ products(first: 20) { nodes { id } } }").json()


def test_scopes_are_checked_per_field(simulator, graphql):
    simulator.backend.shop("uk").scopes.discard("read_customers")
    body = graphql("{ shop { name } customers(first: 1) { nodes { id } } }").json()
    [error] = body["errors"]
    assert error["message"] == "Access denied for customers field. Required access: `read_customers` access scope."
    assert error["extensions"]["code"] == "ACCESS_DENIED" and error["path"] == ["customers"]
    assert body["data"] is None


def test_the_client_credentials_grant_issues_tokens_that_expire(simulator, clock):
    with httpx.Client(transport=simulator.transport()) as client:
        url = "https://sentia-usa.myshopify.com/admin/oauth/access_token"
        form = {
            "grant_type": "client_credentials",
            "client_id": "sentia-usa-app-client",
            "client_secret": "simulated-usa-client-secret",
        }
        issued = client.post(url, data=form).json()
        assert issued == {
            "access_token": "shpat_simulated-usa-1",
            "scope": (
                "read_customers,read_inventory,read_locations,read_orders,read_products,write_inventory,write_products"
            ),
            "expires_in": 86399,
        }
        graphql_url = "https://sentia-usa.myshopify.com/admin/api/2026-10/graphql.json"
        headers = {"X-Shopify-Access-Token": issued["access_token"]}
        assert client.post(graphql_url, json={"query": SHOP}, headers=headers).status_code == 200
        clock.now += 86_399
        assert client.post(graphql_url, json={"query": SHOP}, headers=headers).status_code == 401
        wrong = client.post(url, data={**form, "client_secret": "nope"})
        assert (wrong.status_code, wrong.json()["error"]) == (400, "invalid_client")
        grant = client.post(url, data={**form, "grant_type": "authorization_code"})
        assert grant.json()["error"] == "unsupported_grant_type"
        assert client.post("https://unknown.myshopify.com/admin/oauth/access_token", data=form).status_code == 404


def test_faults_are_injected_per_route_and_an_unsimulated_endpoint_answers_501(simulator, graphql):
    simulator.faults.server_error("graphql", status=502)
    assert graphql(SHOP).status_code == 502
    assert graphql(SHOP).status_code == 200
    with httpx.Client(transport=simulator.transport()) as client:
        response = client.get("https://sentia-uk.myshopify.com/admin/api/2026-10/products.json")
    assert response.status_code == 501
    assert response.json()["error"] == "not implemented by the simulator"


def test_reset_restores_the_seed_and_clears_faults_and_requests(simulator, graphql):
    simulator.backend.shop("uk").products.clear()
    simulator.faults.server_error("graphql")
    simulator.reset()
    assert simulator.faults.pending() == 0 and simulator.requests == []
    assert len(simulator.backend.shop("uk").products) == 10
    assert simulator.base_url("usa") == "https://sentia-usa.myshopify.com"


def test_an_unknown_shop_name_lists_the_known_ones(simulator):
    with pytest.raises(KeyError, match="no simulated Shopify shop 'fr'; known: uk, usa"):
        simulator.backend.shop("fr")


def test_missing_or_broken_seed_data_is_a_clear_error(tmp_path):
    with pytest.raises(SeedError, match=r"seed data not found: .*shops\.json does not exist; pass seed_dir="):
        ShopifySimulator(tmp_path)
    (tmp_path / "shops.json").write_text(json.dumps({"eur_per_gbp": "1.17", "shops": {"uk": {"fixture": "uk.json"}}}))
    (tmp_path / "uk.json").write_text("{broken")
    with pytest.raises(SeedError, match=r"uk.json could not be read"):
        ShopifyBackend(tmp_path)
