"""How the Shopify tools behave when Shopify misbehaves: each case ends in success or a clear tool error that
names the vendor, the HTTP status when there is one, and what to do."""

from __future__ import annotations

import pytest

from sentia_server.integrations.settings import ShopifySettings

from .conftest import UK, text_of

pytestmark = pytest.mark.anyio

SHOP_LIMIT_BODY = (
    b'{"errors":"Exceeded 2 calls per second for api client. Reduce request rates to resume uninterrupted service."}'
)


async def test_a_429_with_retry_after_is_retried_and_succeeds(shop, call):
    shop.faults.rate_limit("graphql", retry_after=0, body=SHOP_LIMIT_BODY)
    result = await call("shopify-get-products", {"shop": "uk", "first": 3})
    assert not result.is_error, text_of(result)
    assert len(result.structured_content["products"]) == 3
    assert len(list(shop.requests_to("graphql"))) == 2


async def test_a_429_that_persists_is_a_tool_error_saying_when_to_retry(shop, call):
    shop.faults.rate_limit("graphql", retry_after=7, times=3, body=SHOP_LIMIT_BODY)
    result = await call("shopify-get-products", {"shop": "uk"})
    assert result.is_error
    assert text_of(result).endswith("shopify: rate limit exceeded (HTTP 429); try again in 7 s")


async def test_a_server_error_is_retried_and_succeeds(shop, call):
    shop.faults.server_error("graphql", status=502)
    result = await call("shopify-get-customers", {"shop": "uk", "first": 2})
    assert not result.is_error, text_of(result)
    assert len(result.structured_content["customers"]) == 2


async def test_server_errors_that_persist_are_a_tool_error(shop, call):
    shop.faults.server_error("graphql", status=503, times=3)
    result = await call("shopify-get-customers", {"shop": "uk"})
    assert result.is_error
    assert text_of(result).endswith("shopify: had a server error (HTTP 503); try again later")


async def test_a_timeout_is_a_tool_error_after_the_retries(shop, call):
    shop.faults.timeout("graphql", times=3)
    result = await call("shopify-get-customers", {"shop": "uk"})
    assert result.is_error
    assert text_of(result).endswith(
        "shopify: did not answer within 30 s; the vendor is slow or unreachable; try again later"
    )


async def test_a_timed_out_product_creation_is_not_sent_twice(shop, call):
    shop.faults.timeout("graphql", times=1)
    before = len(shop.backend.shop("uk").products)
    result = await call(
        "shopify-manage-products", {"action": "create", "shop": "uk", "product": {"title": "Sentia Spritz"}}
    )
    assert result.is_error
    assert "the product may or may not have been created; look for it with shopify-get-products" in text_of(result)
    assert len(shop.backend.shop("uk").products) == before


async def test_a_malformed_body_is_a_tool_error(shop, call):
    shop.faults.malformed("graphql")
    result = await call("shopify-get-orders", {"shop": "uk"})
    assert result.is_error
    assert text_of(result).endswith(
        "shopify: returned a body that is not valid JSON (HTTP 200); Shopify may be having an incident; try again later"
    )


async def test_an_expired_token_is_refreshed_through_the_client_credentials_grant(shop, call):
    first = await call("shopify-get-products", {"shop": "usa", "first": 1})
    assert not first.is_error, text_of(first)
    shop.backend.expire_tokens("usa")
    second = await call("shopify-get-products", {"shop": "usa", "first": 2, "descending": True})
    assert not second.is_error, text_of(second)
    assert len(list(shop.requests_to("access_token"))) == 2
    tokens = [request.headers["x-shopify-access-token"] for request in shop.requests_to("graphql")]
    assert tokens == ["shpat_simulated-usa-1", "shpat_simulated-usa-1", "shpat_simulated-usa-2"]


async def test_a_wrong_static_token_is_a_tool_error_naming_the_setting(runtime, simulator, call, clock):
    from .conftest import fast_client

    wrong = ShopifySettings(shops={"uk": {**UK, "access_token": "shpat_revoked"}})
    runtime.vendors._settings = runtime.settings.model_copy(update={"shopify": wrong})
    runtime.vendors.transports["shopify"] = simulator.transport()
    runtime.vendors.get("shopify", fast_client(clock))
    result = await call("shopify-get-orders", {"shop": "uk"})
    assert result.is_error
    assert text_of(result).endswith(
        "shopify: shop uk rejected the access token: [API] Invalid API key or access token (unrecognized login or "
        "wrong password) (HTTP 401); check SENTIA_SHOPIFY__SHOPS__UK__ACCESS_TOKEN (or __CLIENT_ID and "
        "__CLIENT_SECRET) for this shop"
    )
    assert "shpat_revoked" not in text_of(result)


async def test_refused_client_credentials_are_a_tool_error(runtime, simulator, call, clock):
    from .conftest import USA, fast_client

    wrong = ShopifySettings(shops={"usa": {**USA, "client_secret": "not-the-secret"}})
    runtime.vendors._settings = runtime.settings.model_copy(update={"shopify": wrong})
    runtime.vendors.transports["shopify"] = simulator.transport()
    runtime.vendors.get("shopify", fast_client(clock))
    result = await call("shopify-get-customers", {})
    assert result.is_error
    message = text_of(result)
    assert "shopify: shop usa refused the client credentials grant (Client authentication failed" in message
    assert "(HTTP 400); check SENTIA_SHOPIFY__SHOPS__USA__CLIENT_ID and __CLIENT_SECRET" in message
    assert "not-the-secret" not in message


async def test_an_unconfigured_shopify_is_a_tool_error_naming_the_setting(runtime, call):
    result = await call("shopify-get-inventory", {})
    assert result.is_error
    assert text_of(result).endswith("shopify: not configured; set SENTIA_SHOPIFY__SHOPS")


async def test_a_throttled_query_waits_for_the_bucket_and_succeeds(shop, call, clock):
    shop.backend.shop("uk").bucket.set_available(50)
    result = await call("shopify-get-orders", {"shop": "uk", "first": 40})
    assert not result.is_error, text_of(result)
    assert len(result.structured_content["orders"]) == 40
    # 40 orders cost 2 + 40 x 17 = 682 points; 50 were available, restoring at 100 per second
    assert clock.slept == [pytest.approx(6.32 + 0.05, abs=0.01)]
    assert len(list(shop.requests_to("graphql"))) == 2


async def test_the_client_waits_for_the_bucket_instead_of_being_throttled(shop, call, clock):
    for sort_by in ("created_at", "updated_at", "order_number"):  # distinct arguments: no cached result
        result = await call("shopify-get-orders", {"shop": "uk", "first": 40, "sort_by": sort_by})
        assert not result.is_error, text_of(result)
    # each call costs 682 of 2000 points and actually uses 678: 644 are left for the third, so the client waits
    # (682 - 644) / 100 s, plus a margin, instead of being throttled
    assert clock.slept == [pytest.approx(0.38 + 0.05, abs=0.01)]
    assert len(list(shop.requests_to("graphql"))) == 3
