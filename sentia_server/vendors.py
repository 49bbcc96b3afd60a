"""The vendor clients of one server process, built on first use from settings and shared by every tool call.

A vendor whose credentials are not set is never called: asking for its client raises `VendorNotConfigured`,
which names the settings to provide. Tests and the local stack point vendors at simulators either through their
base URLs (settings) or, in process, through `transports` (an httpx transport per vendor).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol, TypeVar, cast

import httpx

from sentia_server.config import Settings
from sentia_server.integrations.http import RateLimiter, VendorNotConfigured
from sentia_server.integrations.settings import VendorSettings


class Closeable(Protocol):
    async def aclose(self) -> None: ...


ClientT = TypeVar("ClientT", bound=Closeable)
SettingsT = TypeVar("SettingsT", bound=VendorSettings)
Factory = Callable[[Any, "httpx.AsyncBaseTransport | None", RateLimiter], ClientT]
"""Builds a vendor client from that vendor's settings, an optional transport and the shared rate limiter."""


class VendorClients:
    def __init__(
        self,
        settings: Settings,
        *,
        rate_limiter: RateLimiter | None = None,
        transports: dict[str, httpx.AsyncBaseTransport] | None = None,
    ) -> None:
        self._settings = settings
        self.rate_limiter = rate_limiter or RateLimiter()
        self.transports: dict[str, httpx.AsyncBaseTransport] = dict(transports or {})
        self._clients: dict[str, Closeable] = {}

    def settings_of(self, vendor: str) -> VendorSettings:
        return self._settings.vendor_settings()[vendor]

    def get(self, vendor: str, factory: Factory[ClientT]) -> ClientT:
        """The vendor's client, built once; VendorNotConfigured when its credentials are missing."""
        if vendor not in self._clients:
            settings = self.settings_of(vendor)
            missing = settings.missing_settings()
            if missing:
                raise VendorNotConfigured(vendor, missing)
            self._clients[vendor] = factory(settings, self.transports.get(vendor), self.rate_limiter)
        return cast(ClientT, self._clients[vendor])

    async def aclose(self) -> None:
        for client in self._clients.values():
            await client.aclose()
        self._clients.clear()
        await self.rate_limiter.aclose()
