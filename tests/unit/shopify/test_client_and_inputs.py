"""The client's shops and settings, and the tools' argument checks."""

from __future__ import annotations

import httpx
import pytest
from pydantic import ValidationError

from sentia_server.integrations.http import RateLimiter, VendorError
from sentia_server.integrations.settings import ShopifySettings, ShopifyShopSettings
from sentia_server.integrations.shopify import ShopifyClient, build_client
from sentia_server.integrations.shopify.documents import SHOP
from sentia_server.tools.shopify.analytics import GetAnalyticsInput
from sentia_server.tools.shopify.customers import GetCustomersInput
from sentia_server.tools.shopify.manage_products import ManageProductsInput
from sentia_server.tools.shopify.orders import GetOrdersInput

pytestmark = pytest.mark.anyio

SHOPS = {
    "UK": {"shop_domain": "sentia-uk.myshopify.com", "access_token": "shpat_a"},
    "usa": {"shop_domain": "sentia-usa.myshopify.com", "access_token": "shpat_b"},
}


def test_a_shop_needs_a_token_or_client_credentials():
    with pytest.raises(ValidationError, match="needs access_token, or client_id and client_secret"):
        ShopifyShopSettings(shop_domain="x.myshopify.com", client_id="only-the-id")
    assert ShopifyShopSettings(shop_domain="x.myshopify.com", client_id="a", client_secret="b").access_token is None
    assert ShopifySettings().missing_settings() == ["SENTIA_SHOPIFY__SHOPS"]
    assert ShopifySettings(shops=SHOPS).configured


async def test_shop_names_resolve_case_insensitively_and_all_means_every_shop():
    client = build_client(ShopifySettings(shops=SHOPS), None, RateLimiter())
    assert isinstance(client, ShopifyClient)
    assert (
        client.resolve("all") == ["UK", "usa"]
        and client.resolve("uk") == ["UK"]
        and client.resolve("ALL") == ["UK", "usa"]
    )
    with pytest.raises(
        VendorError, match=r"no shop named 'fr' is configured; use one of: UK, usa \(or all to read every shop\)"
    ):
        client.resolve("fr")
    with pytest.raises(VendorError, match="no shop named 'fr'"):
        client.shop("fr")
    await client.aclose()


async def test_a_base_url_template_reaches_each_shop_under_one_host():
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        data = {"shop": {"name": "S", "myshopifyDomain": "d", "currencyCode": "GBP", "ianaTimezone": "Europe/London"}}
        return httpx.Response(200, json={"data": data})

    settings = ShopifySettings(shops=SHOPS, base_url="http://127.0.0.1:8900/shopify/{shop_domain}")
    client = ShopifyClient(settings, httpx.MockTransport(handler))
    try:
        info = await client.shop("usa").shop_info()
        assert await client.shop("usa").shop_info() is info
        await client.shop("usa").graphql_once.execute(SHOP)
    finally:
        await client.aclose()
    assert seen == ["http://127.0.0.1:8900/shopify/sentia-usa.myshopify.com/admin/api/2026-10/graphql.json"] * 2


def test_date_ranges_must_run_forwards():
    with pytest.raises(ValidationError, match="created_from must not be after created_to"):
        GetOrdersInput(created_from="2026-03-02", created_to="2026-03-01")
    with pytest.raises(ValidationError, match="updated_from must not be after updated_to"):
        GetOrdersInput(updated_from="2026-03-02T10:00:00Z", updated_to="2026-03-02")
    with pytest.raises(ValidationError, match="created_from must not be after created_to"):
        GetCustomersInput(created_from="2026-03-02", created_to="2026-03-01")
    assert GetOrdersInput(created_from="2026-03-01", created_to="2026-03-01T10:00:00+01:00").created_from is not None


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"date_from": "2026-03-02", "date_to": "2026-03-01"}, "date_from must not be after date_to"),
        ({"date_from": "2025-01-01", "date_to": "2026-01-02"}, "spans more than 366 days"),
    ],
)
def test_analytics_ranges_are_bounded(arguments, message):
    with pytest.raises(ValidationError, match=message):
        GetAnalyticsInput(**arguments)


def test_manage_arguments_name_what_is_missing_or_unused():
    with pytest.raises(ValidationError, match="action set_inventory needs inventory"):
        ManageProductsInput(action="set_inventory", shop="uk")
    with pytest.raises(ValidationError, match="action create does not use product_id"):
        ManageProductsInput(action="create", shop="uk", product_id="1", product={"title": "x"})
    ok = ManageProductsInput(
        action="set_inventory", shop="uk", inventory=[{"variant_id": "1", "location_id": "2", "quantity": 3}]
    )
    assert ok.quantity_name == "available" and ok.reason == "correction"
