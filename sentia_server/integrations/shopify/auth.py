"""A shop's Admin API credential, sent as `X-Shopify-Access-Token`.

Either a static token (a custom app's `shpat_` token, which does not expire) or the client credentials grant:
POST https://{shop}/admin/oauth/access_token with the form `grant_type=client_credentials&client_id&client_secret`
answers `{"access_token", "scope", "expires_in": 86399}`; tokens are renewed shortly before they expire, and once
more when Shopify answers 401. https://shopify.dev/docs/apps/build/authentication-authorization/access-tokens/
client-credentials-grant
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import urlencode

import httpx
from pydantic import SecretStr

from sentia_server.integrations.http import VendorError, VendorHttpClient

VENDOR = "shopify"
HEADER_NAME = "X-Shopify-Access-Token"
REFRESH_MARGIN_SECONDS = 300.0


class StaticToken:
    """A token that never changes: a 401 means it was revoked or is wrong, so there is nothing to refresh."""

    def __init__(self, token: SecretStr) -> None:
        self._token = token

    def header(self) -> dict[str, str]:
        return {HEADER_NAME: self._token.get_secret_value()}


class ClientCredentialsAuth:
    """Obtains and renews 24-hour tokens for one shop (the `Auth` protocol of the HTTP layer)."""

    def __init__(
        self,
        shop: str,
        token_http: VendorHttpClient,
        client_id: str,
        client_secret: SecretStr,
        *,
        settings_prefix: str,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._shop = shop
        self._http = token_http
        self._client_id = client_id
        self._client_secret = client_secret
        self._settings_prefix = settings_prefix
        self._clock = clock
        self._token: str | None = None
        self._expires_at = 0.0
        self._lock = asyncio.Lock()

    async def headers(self, request: httpx.Request, *, refresh: bool) -> Mapping[str, str]:
        return {HEADER_NAME: await self.token(refresh=refresh)}

    async def token(self, *, refresh: bool = False) -> str:
        async with self._lock:
            if refresh or self._token is None or self._clock() >= self._expires_at - REFRESH_MARGIN_SECONDS:
                self._token, lifetime = await self._grant()
                self._expires_at = self._clock() + lifetime
            return self._token

    async def _grant(self) -> tuple[str, float]:
        form = {
            "grant_type": "client_credentials",
            "client_id": self._client_id,
            "client_secret": self._client_secret.get_secret_value(),
        }
        response = await self._http.request(
            "POST",
            "/admin/oauth/access_token",
            tenant=self._shop,
            content=urlencode(form).encode(),
            headers={"content-type": "application/x-www-form-urlencoded"},
            expected=frozenset({200, 400, 401, 403, 404}),
        )
        body = _json_object(response)
        if response.status_code != 200:
            detail = body.get("error_description") or body.get("error") or body.get("errors") or "no reason given"
            raise VendorError(
                VENDOR,
                f"shop {self._shop} refused the client credentials grant ({detail})",
                status=response.status_code,
                hint=f"check {self._settings_prefix}__CLIENT_ID and __CLIENT_SECRET and that the app is installed",
            )
        token, lifetime = body.get("access_token"), body.get("expires_in")
        if not isinstance(token, str) or not token or not isinstance(lifetime, int | float):
            raise VendorError(
                VENDOR,
                f"shop {self._shop} answered the token request without an access token",
                status=response.status_code,
                hint="try again later",
                retryable=True,
            )
        return token, float(lifetime)


def _json_object(response: httpx.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}
