"""Shop credentials: a static Admin API token, or 24-hour tokens from the client credentials grant."""

from __future__ import annotations

from urllib.parse import parse_qs

import httpx
import pytest
from pydantic import SecretStr

from sentia_server.integrations.http import RetryPolicy, VendorError, VendorHttpClient
from sentia_server.integrations.shopify.auth import ClientCredentialsAuth, StaticToken

pytestmark = pytest.mark.anyio


class TokenEndpoint:
    def __init__(self, *responses: httpx.Response) -> None:
        self.responses = list(responses)
        self.forms: list[dict[str, list[str]]] = []

    def handler(self, request: httpx.Request) -> httpx.Response:
        assert (request.method, request.url.path) == ("POST", "/admin/oauth/access_token")
        assert request.headers["content-type"] == "application/x-www-form-urlencoded"
        self.forms.append(parse_qs(request.content.decode()))
        return self.responses.pop(0)


class Clock:
    now = 0.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
async def auth_for():
    clients: list[VendorHttpClient] = []

    def build(endpoint: TokenEndpoint, clock: Clock) -> ClientCredentialsAuth:
        http = VendorHttpClient(
            "shopify",
            "https://sentia-usa.myshopify.com",
            transport=httpx.MockTransport(endpoint.handler),
            retry=RetryPolicy(attempts=1),
        )
        clients.append(http)
        return ClientCredentialsAuth(
            "usa",
            http,
            "client-1",
            SecretStr("s3cret-value"),
            settings_prefix="SENTIA_SHOPIFY__SHOPS__USA",
            clock=clock,
        )

    yield build
    for client in clients:
        await client.aclose()


def granted(token: str, lifetime: int = 86399) -> httpx.Response:
    return httpx.Response(200, json={"access_token": token, "scope": "read_orders", "expires_in": lifetime})


async def test_a_token_is_granted_once_and_renewed_before_it_expires(auth_for):
    endpoint = TokenEndpoint(granted("first"), granted("second"), granted("third"))
    clock = Clock()
    auth = auth_for(endpoint, clock)
    request = httpx.Request("POST", "https://sentia-usa.myshopify.com/x")
    assert await auth.headers(request, refresh=False) == {"X-Shopify-Access-Token": "first"}
    assert await auth.token() == "first"
    assert endpoint.forms[0] == {
        "grant_type": ["client_credentials"],
        "client_id": ["client-1"],
        "client_secret": ["s3cret-value"],
    }
    clock.now = 86399 - 299
    assert await auth.token() == "second"
    assert await auth.headers(request, refresh=True) == {"X-Shopify-Access-Token": "third"}
    assert len(endpoint.forms) == 3


@pytest.mark.parametrize(
    ("response", "message"),
    [
        (
            httpx.Response(400, json={"error": "invalid_client", "error_description": "Client authentication failed"}),
            (
                "shopify: shop usa refused the client credentials grant (Client authentication "
                "failed) (HTTP 400); check SENTIA_SHOPIFY__SHOPS__USA__CLIENT_ID and __CLIENT_SECRET "
                "and that the app is installed"
            ),
        ),
        (httpx.Response(404, content=b"<html>"), "refused the client credentials grant (no reason given) (HTTP 404)"),
        (httpx.Response(403, json={"errors": "[API] app not installed"}), "([API] app not installed) (HTTP 403)"),
        (
            httpx.Response(200, json={"scope": "x"}),
            "shop usa answered the token request without an access token (HTTP 200); try again later",
        ),
        (httpx.Response(200, json=["x"]), "without an access token"),
    ],
)
async def test_a_refused_or_empty_grant_is_a_clear_error_without_the_secret(auth_for, response, message):
    with pytest.raises(VendorError) as raised:
        await auth_for(TokenEndpoint(response), Clock()).token()
    assert message in str(raised.value)
    assert "s3cret-value" not in str(raised.value)


def test_a_static_token_is_sent_as_is():
    assert StaticToken(SecretStr("shpat_x")).header() == {"X-Shopify-Access-Token": "shpat_x"}
