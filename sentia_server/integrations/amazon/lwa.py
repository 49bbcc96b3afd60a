"""Login with Amazon: a refresh token exchanged for one-hour access tokens, shared by SP-API and Amazon Ads.

POST https://api.amazon.com/auth/o2/token with the form `grant_type=refresh_token&refresh_token=...&client_id=...
&client_secret=...` answers `{"access_token", "token_type": "bearer", "expires_in": 3600}`; a refused grant answers
400/401 `{"error", "error_description"}`.
https://developer-docs.amazon.com/sp-api/docs/connecting-to-the-selling-partner-api#step-1-request-a-login-with-amazon-access-token
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import httpx
from pydantic import SecretStr

from sentia_server.integrations.http import VendorError, VendorHttpClient

REFRESH_MARGIN_SECONDS = 60.0
"""A token this close to its expiry is renewed before use, so it cannot expire in flight."""


@dataclass(frozen=True)
class LwaCredentials:
    client_id: str
    client_secret: SecretStr
    refresh_token: SecretStr
    token_url: str


class LwaTokenSource:
    """Caches the access token until shortly before it expires; `token(refresh=True)` forces a new one."""

    def __init__(
        self,
        vendor: str,
        credentials: LwaCredentials,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        clock: Callable[[], float] = time.monotonic,
        env_prefix: str = "SENTIA_AMAZON",
    ) -> None:
        url = httpx.URL(credentials.token_url)
        self._vendor = vendor
        self._credentials = credentials
        self._path = url.raw_path.decode()
        self._http = VendorHttpClient(vendor, str(url.copy_with(raw_path=b"/")), transport=transport)
        self._clock = clock
        self._env_prefix = env_prefix
        self._token: str | None = None
        self._expires_at = 0.0
        self._lock = asyncio.Lock()

    async def token(self, *, refresh: bool = False) -> str:
        async with self._lock:
            if refresh or self._token is None or self._clock() >= self._expires_at - REFRESH_MARGIN_SECONDS:
                self._token, lifetime = await self._exchange()
                self._expires_at = self._clock() + lifetime
            return self._token

    async def _exchange(self) -> tuple[str, float]:
        form = {
            "grant_type": "refresh_token",
            "refresh_token": self._credentials.refresh_token.get_secret_value(),
            "client_id": self._credentials.client_id,
            "client_secret": self._credentials.client_secret.get_secret_value(),
        }
        response = await self._http.request(
            "POST",
            self._path,
            content=urlencode(form).encode(),
            headers={"content-type": "application/x-www-form-urlencoded;charset=UTF-8"},
            expected=frozenset({200, 400, 401}),
        )
        body = _json_object(response)
        if response.status_code != 200:
            raise VendorError(
                self._vendor,
                f"Login with Amazon refused the token request ({body.get('error', 'unknown error')}: "
                f"{body.get('error_description', 'no description')})",
                status=response.status_code,
                hint=f"check {self._env_prefix}__* client id, client secret and refresh token, or re-authorise the app",
            )
        token, lifetime = body.get("access_token"), body.get("expires_in", 3600)
        if not isinstance(token, str) or not isinstance(lifetime, int | float):
            raise VendorError(
                self._vendor,
                "Login with Amazon answered without an access token",
                status=response.status_code,
                hint="try again later",
                retryable=True,
            )
        return token, float(lifetime)

    async def aclose(self) -> None:
        await self._http.aclose()


def _json_object(response: httpx.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        body = None
    return body if isinstance(body, dict) else {}
