"""One shop's GraphQL endpoint as the client sees it: Shopify's answers, good and bad, and what each becomes."""

from __future__ import annotations

import json

import httpx
import pytest

from sentia_server.integrations.http import RetryPolicy, VendorError, VendorHttpClient
from sentia_server.integrations.shopify.documents import SHOP, Document
from sentia_server.integrations.shopify.graphql import ShopGraphQL, user_errors_message
from sentia_server.integrations.shopify.throttle import CostBudget

pytestmark = pytest.mark.anyio

SHOP_DATA = {
    "shop": {"name": "Sentia", "myshopifyDomain": "x.myshopify.com", "currencyCode": "GBP", "ianaTimezone": "UTC"}
}


def cost(requested=1, available=1999.0):
    return {
        "cost": {
            "requestedQueryCost": requested,
            "actualQueryCost": requested,
            "throttleStatus": {"maximumAvailable": 2000.0, "currentlyAvailable": available, "restoreRate": 100.0},
        }
    }


class Shopify:
    """Answers each request with the next queued response."""

    def __init__(self, *responses: httpx.Response) -> None:
        self.responses = list(responses)
        self.sent: list[httpx.Request] = []
        self.slept: list[float] = []
        self.now = 0.0

    def clock(self) -> float:
        return self.now

    def handler(self, request: httpx.Request) -> httpx.Response:
        self.sent.append(request)
        return self.responses.pop(0)

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


@pytest.fixture
async def closing():
    clients: list[VendorHttpClient] = []
    yield clients
    for client in clients:
        await client.aclose()


def gql(shopify: Shopify, closing: list[VendorHttpClient], **options) -> ShopGraphQL:
    http = VendorHttpClient(
        "shopify",
        "https://x.myshopify.com",
        transport=httpx.MockTransport(shopify.handler),
        headers={"X-Shopify-Access-Token": "t"},
        retry=RetryPolicy(attempts=1),
    )
    closing.append(http)
    return ShopGraphQL(
        "uk",
        http,
        "2026-10",
        CostBudget(shopify.clock),
        settings_prefix="SENTIA_SHOPIFY__SHOPS__UK",
        sleep=shopify.sleep,
        **options,
    )


async def test_a_query_is_posted_as_json_to_the_versioned_endpoint(closing):
    shopify = Shopify(httpx.Response(200, json={"data": SHOP_DATA, "extensions": cost()}))
    data = await gql(shopify, closing).execute(SHOP, {"a": 1})
    assert data == SHOP_DATA
    [request] = shopify.sent
    assert (request.method, request.url.path) == ("POST", "/admin/api/2026-10/graphql.json")
    assert json.loads(request.content) == {"query": SHOP.text, "variables": {"a": 1}}
    assert request.headers["x-shopify-access-token"] == "t"


THROTTLED = {"errors": [{"message": "Throttled", "extensions": {"code": "THROTTLED"}}]}


async def test_a_throttled_query_waits_as_long_as_shopify_says_and_is_sent_again(closing):
    shopify = Shopify(
        httpx.Response(200, json={**THROTTLED, "extensions": cost(requested=500, available=300)}),
        httpx.Response(200, json={"data": SHOP_DATA, "extensions": cost(500, 1500)}),
    )
    assert await gql(shopify, closing).execute(SHOP) == SHOP_DATA
    assert shopify.slept == [pytest.approx(2.05)] and len(shopify.sent) == 2


async def test_throttling_that_persists_is_an_error_saying_when_to_retry(closing):
    answers = [httpx.Response(200, json={**THROTTLED, "extensions": cost(500, 490)}) for _ in range(4)]
    with pytest.raises(
        VendorError, match=r"shop uk throttled SentiaShop 4 times \(query cost limit\); try again in 0 s"
    ):
        await gql(Shopify(*answers), closing).execute(SHOP)
    too_long = Shopify(httpx.Response(200, json={**THROTTLED, "extensions": cost(2000, 0)}))
    with pytest.raises(VendorError, match="try again in 20 s, or ask for fewer items"):
        await gql(too_long, closing, max_throttle_wait=5.0).execute(SHOP)


@pytest.mark.parametrize(
    ("errors", "message", "hint"),
    [
        (
            [
                {
                    "message": "Access denied for orders field. Required access: `read_orders` access scope.",
                    "path": ["orders"],
                    "extensions": {"code": "ACCESS_DENIED"},
                }
            ],
            "Access denied for orders field. Required access: `read_orders` access scope. at orders [ACCESS_DENIED]",
            "grant the app the access scope named above in the Shopify admin",
        ),
        (
            [{"message": "Internal error", "extensions": {"code": "INTERNAL_SERVER_ERROR"}}],
            "Internal error [INTERNAL_SERVER_ERROR]",
            "Shopify had an internal error; try again later",
        ),
        (
            [{"message": "Query cost is 1200\nmore", "extensions": {"code": "MAX_COST_EXCEEDED"}}],
            "Query cost is 1200 [MAX_COST_EXCEEDED]",
            "ask for fewer items per page",
        ),
        (
            [{"message": f"problem {n}"} for n in range(5)],
            "problem 0; problem 1; problem 2; and 2 more",
            "this is a fault in Sentia's Shopify integration; report it with this message",
        ),
        (["plain"], "plain", "report it"),
    ],
)
async def test_graphql_errors_carry_shopifys_messages_and_a_hint(closing, errors, message, hint):
    shopify = Shopify(httpx.Response(200, json={"data": None, "errors": errors}))
    with pytest.raises(VendorError) as raised:
        await gql(shopify, closing).execute(SHOP)
    assert f"shopify: shop uk answered SentiaShop with errors: {message}" in str(raised.value)
    assert hint in str(raised.value)


@pytest.mark.parametrize(
    ("status", "body", "expected"),
    [
        (
            401,
            {"errors": "[API] Invalid API key or access token (unrecognized login or wrong password)"},
            (
                "shopify: shop uk rejected the access token: [API] Invalid API key or access token "
                "(unrecognized login or wrong password) (HTTP 401); check "
                "SENTIA_SHOPIFY__SHOPS__UK__ACCESS_TOKEN"
            ),
        ),
        (
            402,
            {"errors": "Unavailable Shop"},
            "shop uk is frozen (payment required): Unavailable Shop (HTTP 402); the shop's Shopify plan is unpaid",
        ),
        (
            403,
            {"errors": "[API] This action requires merchant approval for read_orders scope."},
            (
                "shop uk refused access: [API] This action requires merchant approval for read_orders "
                "scope. (HTTP 403); grant the app"
            ),
        ),
        (
            404,
            {"errors": "Not Found"},
            (
                "shop uk or API version 2026-10 was not found: Not Found (HTTP 404); check "
                "SENTIA_SHOPIFY__SHOPS__UK__SHOP_DOMAIN and SENTIA_SHOPIFY__API_VERSION"
            ),
        ),
        (423, {"errors": "This shop is unavailable"}, "shop uk is locked: This shop is unavailable (HTTP 423)"),
        (
            400,
            {"errors": {"query": "Required parameter missing or invalid"}},
            'rejected the request as malformed: {"query": "Required parameter missing or invalid"} (HTTP 400)',
        ),
        (400, None, "rejected the request as malformed: no reason given (HTTP 400)"),
    ],
)
async def test_http_answers_about_the_shop_or_credential_say_what_to_check(closing, status, body, expected):
    response = httpx.Response(status, json=body) if body is not None else httpx.Response(status, content=b"<html>")
    with pytest.raises(VendorError) as raised:
        await gql(Shopify(response), closing).execute(SHOP)
    assert expected in str(raised.value)


@pytest.mark.parametrize(
    ("response", "what"),
    [
        (httpx.Response(200, content=b"<html>oops</html>"), "a body that is not valid JSON"),
        (httpx.Response(200, json=[1, 2]), "a JSON body that is not an object"),
        (httpx.Response(200, json={"extensions": {}}), "an answer without data"),
    ],
)
async def test_a_malformed_answer_is_a_retryable_error(closing, response, what):
    with pytest.raises(VendorError) as raised:
        await gql(Shopify(response), closing).execute(SHOP)
    assert (
        str(raised.value) == f"shopify: returned {what} (HTTP 200); Shopify may be having an incident; try again later"
    )
    assert raised.value.retryable


async def test_the_client_waits_before_a_query_its_estimate_says_would_be_throttled(closing):
    shopify = Shopify(
        httpx.Response(200, json={"data": SHOP_DATA, "extensions": cost(800, 100)}),
        httpx.Response(200, json={"data": SHOP_DATA, "extensions": cost(800, 100)}),
    )
    client = gql(shopify, closing)
    await client.execute(SHOP)
    await client.execute(SHOP)
    assert shopify.slept == [pytest.approx(7.05)]


def test_user_errors_are_rendered_verbatim_with_paths_and_codes():
    errors = [
        {
            "field": ["variants", "0", "price"],
            "message": "Price must be greater than or equal to 0",
            "code": "INVALID_INPUT",
        },
        {"field": None, "message": "Something about the whole input"},
    ]
    assert user_errors_message("uk", "productVariantsBulkUpdate", errors) == (
        "shop uk refused productVariantsBulkUpdate: variants.0.price: Price must be greater than or equal to 0 "
        "[INVALID_INPUT]; (input): Something about the whole input"
    )


def test_documents_are_plain_values():
    assert Document("X", "query X { shop { name } }") == Document("X", "query X { shop { name } }")
