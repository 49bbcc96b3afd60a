"""The bridge from the vendors' SDKs to the server's HTTP layer.

The OpenAI and Anthropic SDKs send through an httpx2 client; its transport here hands every request to a
`VendorHttpClient`, so AI calls get what every vendor call gets: the runtime's transport (a simulator in tests),
timeouts, retries of 408/429/5xx/529 honouring Retry-After, client-side rate limits per tenant, a circuit breaker
and clear errors. The SDKs' own retries are off, so retries never stack. Answers the SDK must see (success and
the 4xx it turns into typed errors) are passed back to it; everything else is a VendorError raised through it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

import httpx2

from sentia_server.integrations.http import VendorHttpClient

RETRYABLE = frozenset({408, 429, 500, 502, 503, 504, 529})
"""429 rate limits, 5xx and Anthropic's 529 "overloaded" pass; 408 is a request the vendor gave up on."""
PASSED_TO_SDK = frozenset(range(200, 300)) | (frozenset(range(400, 500)) - RETRYABLE)
HOP_BY_HOP = frozenset({"host", "content-length", "transfer-encoding", "connection", "content-encoding"})

_tenant: ContextVar[str] = ContextVar("sentia_ai_tenant", default="default")


@contextmanager
def calling_tenant(tenant: str) -> Iterator[None]:
    """Requests sent inside this block count against `tenant`'s rate limits and circuit breaker."""
    token = _tenant.set(tenant)
    try:
        yield
    finally:
        _tenant.reset(token)


class PolicyTransport(httpx2.AsyncBaseTransport):
    def __init__(self, http: VendorHttpClient) -> None:
        self._http = http

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        body = await request.aread()
        headers = {name: value for name, value in request.headers.items() if name.lower() not in HOP_BY_HOP}
        answer = await self._http.request(
            request.method,
            str(request.url),
            content=body,
            headers=headers,
            tenant=_tenant.get(),
            expected=PASSED_TO_SDK,
        )
        kept = [(name, value) for name, value in answer.headers.multi_items() if name.lower() not in HOP_BY_HOP]
        return httpx2.Response(answer.status_code, headers=kept, content=answer.content, request=request)

    async def aclose(self) -> None:
        await self._http.aclose()
