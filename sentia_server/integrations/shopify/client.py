"""The Shopify client of one server process: one connection per configured shop (keyed by its short name, e.g.
`uk`, `usa`), each with its credential, its query-cost estimate and its own circuit breaker."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace

import httpx

from sentia_server.integrations.http import RateLimiter, RetryPolicy, VendorError, VendorHttpClient
from sentia_server.integrations.settings import ShopifySettings, ShopifyShopSettings
from sentia_server.integrations.shopify import reads
from sentia_server.integrations.shopify.auth import ClientCredentialsAuth, StaticToken
from sentia_server.integrations.shopify.graphql import ShopGraphQL, Sleep
from sentia_server.integrations.shopify.models import ShopInfo
from sentia_server.integrations.shopify.throttle import CostBudget

VENDOR = "shopify"
ALL_SHOPS = "all"


class UnknownShop(VendorError):
    def __init__(self, name: str, known: list[str]) -> None:
        super().__init__(
            VENDOR,
            f"no shop named {name!r} is configured",
            hint=f"use one of: {', '.join(known)} (or {ALL_SHOPS} to read every shop)",
        )


@dataclass
class ShopConnection:
    """One shop. `graphql` retries timeouts and server errors; `graphql_once` sends once, for mutations that would
    be applied twice if a request that timed out had in fact reached Shopify (productCreate)."""

    key: str
    domain: str
    graphql: ShopGraphQL
    graphql_once: ShopGraphQL
    clients: list[VendorHttpClient] = field(default_factory=list)
    info: ShopInfo | None = None

    async def shop_info(self) -> ShopInfo:
        """The shop's name, currency and time zone (fetched once; they change rarely)."""
        if self.info is None:
            self.info = await reads.shop_info(self.graphql)
        return self.info


class ShopifyClient:
    def __init__(
        self,
        settings: ShopifySettings,
        transport: httpx.AsyncBaseTransport | None = None,
        rate_limiter: RateLimiter | None = None,
        *,
        sleep: Sleep = asyncio.sleep,
        clock: Callable[[], float] = time.monotonic,
        retry: RetryPolicy | None = None,
    ) -> None:
        self._settings = settings
        self._retry = retry or RetryPolicy()
        self._transport = transport
        self._rate_limiter = rate_limiter
        self._sleep = sleep
        self._clock = clock
        self._shops: dict[str, ShopConnection] = {}

    @property
    def shop_keys(self) -> list[str]:
        return list(self._settings.shops)

    def resolve(self, name: str) -> list[str]:
        """The shop keys `name` stands for: every configured shop for `all`, else the one it names."""
        if name.lower() == ALL_SHOPS:
            return self.shop_keys
        for key in self.shop_keys:
            if key.lower() == name.lower():
                return [key]
        raise UnknownShop(name, self.shop_keys)

    def shop(self, key: str) -> ShopConnection:
        if key not in self._shops:
            if key not in self._settings.shops:
                raise UnknownShop(key, self.shop_keys)
            self._shops[key] = self._connect(key, self._settings.shops[key])
        return self._shops[key]

    def _connect(self, key: str, shop: ShopifyShopSettings) -> ShopConnection:
        base_url = (self._settings.base_url or "https://{shop_domain}").replace("{shop_domain}", shop.shop_domain)
        prefix = f"SENTIA_SHOPIFY__SHOPS__{key.upper()}"
        clients: list[VendorHttpClient] = []
        auth = None
        headers: dict[str, str] = {}
        if shop.access_token is not None:
            headers = StaticToken(shop.access_token).header()
        elif shop.client_id is not None and shop.client_secret is not None:
            token_http = VendorHttpClient(VENDOR, base_url, transport=self._transport, retry=self._retry)
            clients.append(token_http)
            auth = ClientCredentialsAuth(
                key, token_http, shop.client_id, shop.client_secret, settings_prefix=prefix, clock=self._clock
            )

        def http(retry: RetryPolicy) -> VendorHttpClient:
            client = VendorHttpClient(
                VENDOR,
                base_url,
                auth=auth,
                transport=self._transport,
                rate_limiter=self._rate_limiter,
                headers=headers,
                retry=retry,
            )
            clients.append(client)
            return client

        budget = CostBudget(self._clock)

        def graphql(retry: RetryPolicy) -> ShopGraphQL:
            return ShopGraphQL(
                key, http(retry), self._settings.api_version, budget, settings_prefix=prefix, sleep=self._sleep
            )

        return ShopConnection(
            key=key,
            domain=shop.shop_domain,
            graphql=graphql(self._retry),
            graphql_once=graphql(replace(self._retry, attempts=1)),
            clients=clients,
        )

    async def aclose(self) -> None:
        for connection in self._shops.values():
            for client in connection.clients:
                await client.aclose()
        self._shops.clear()


def build_client(
    settings: ShopifySettings, transport: httpx.AsyncBaseTransport | None, rate_limiter: RateLimiter
) -> ShopifyClient:
    """The factory `runtime.vendors.get("shopify", build_client)` calls once per process."""
    return ShopifyClient(settings, transport, rate_limiter)
