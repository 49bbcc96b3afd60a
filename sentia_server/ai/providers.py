"""The two model vendors as the runtime holds them: each SDK client on the server's HTTP layer, with a cap on how
many of its calls run at once in this process.

`provider(runtime, "openai")` builds the vendor's client once, from its settings, on the runtime's transport
(`runtime.vendors.transports[...]`, where tests plug a simulator in) and shared rate limiter.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Literal

import httpx
import httpx2

from sentia_server.ai.exchange import AnthropicExchange, Exchange, OpenAIExchange, Prompt
from sentia_server.ai.transport import RETRYABLE, PolicyTransport
from sentia_server.integrations.anthropic import AnthropicClient
from sentia_server.integrations.http import RateLimiter, RetryPolicy, VendorError, VendorHttpClient, rate_limits
from sentia_server.integrations.openai import OpenAIClient
from sentia_server.integrations.settings import AiModelSettings, AnthropicSettings, OpenAISettings
from sentia_server.runtime import Runtime
from sentia_server.vendors import Factory

Vendor = Literal["openai", "anthropic"]
CONNECT_TIMEOUT = 10.0


@dataclass
class AiProvider:
    vendor: Vendor
    settings: AiModelSettings
    client: OpenAIClient | AnthropicClient
    exchange: Callable[[Prompt], Exchange]
    """Starts a structured exchange with the vendor's model."""
    semaphore: asyncio.Semaphore = field(init=False)

    def __post_init__(self) -> None:
        self.semaphore = asyncio.Semaphore(self.settings.max_concurrent_calls)

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        """One of the vendor's concurrent-call slots, waited for at most one call's timeout."""
        try:
            await asyncio.wait_for(self.semaphore.acquire(), timeout=self.settings.timeout)
        except TimeoutError:
            raise VendorError(
                self.vendor,
                f"all {self.settings.max_concurrent_calls} model-call slots of this server stayed busy for "
                f"{self.settings.timeout:g} s",
                hint=f"try again shortly, or raise SENTIA_{self.vendor.upper()}__MAX_CONCURRENT_CALLS",
                retryable=True,
            ) from None
        try:
            yield
        finally:
            self.semaphore.release()

    async def aclose(self) -> None:
        await self.client.aclose()


def _http(
    vendor: Vendor,
    settings: OpenAISettings | AnthropicSettings,
    transport: httpx.AsyncBaseTransport | None,
    limiter: RateLimiter,
    retry: RetryPolicy | None,
) -> httpx2.AsyncClient:
    policy = retry or RetryPolicy(attempts=settings.max_retries + 1, statuses=RETRYABLE)
    http = VendorHttpClient(
        vendor,
        settings.base_url,
        transport=transport,
        timeout=httpx.Timeout(settings.timeout, connect=min(CONNECT_TIMEOUT, settings.timeout)),
        retry=policy,
        limits=rate_limits(f"{settings.requests_per_minute}/minute"),
        rate_limiter=limiter,
    )
    return httpx2.AsyncClient(transport=PolicyTransport(http), timeout=settings.timeout)


def openai_factory(*, retry: RetryPolicy | None = None) -> Factory[AiProvider]:
    """Builds the OpenAI provider; `retry` replaces the policy from the settings (tests make it fast)."""

    def build(settings: OpenAISettings, transport: httpx.AsyncBaseTransport | None, limiter: RateLimiter) -> AiProvider:
        client = OpenAIClient(settings, _http("openai", settings, transport, limiter, retry))
        return AiProvider("openai", settings, client, lambda prompt: OpenAIExchange(client, settings, prompt))

    return build


def anthropic_factory(*, retry: RetryPolicy | None = None) -> Factory[AiProvider]:
    """Builds the Anthropic provider; `retry` replaces the policy from the settings (tests make it fast)."""

    def build(
        settings: AnthropicSettings, transport: httpx.AsyncBaseTransport | None, limiter: RateLimiter
    ) -> AiProvider:
        client = AnthropicClient(settings, _http("anthropic", settings, transport, limiter, retry))
        return AiProvider("anthropic", settings, client, lambda prompt: AnthropicExchange(client, settings, prompt))

    return build


FACTORIES: dict[Vendor, Callable[[], Factory[AiProvider]]] = {
    "openai": openai_factory,
    "anthropic": anthropic_factory,
}


def provider(runtime: Runtime, vendor: Vendor) -> AiProvider:
    """The runtime's provider for `vendor`; VendorNotConfigured (naming the settings) when its key is not set."""
    return runtime.vendors.get(vendor, FACTORIES[vendor]())
