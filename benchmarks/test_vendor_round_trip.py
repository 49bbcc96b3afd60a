"""A vendor round trip against a simulator in process: request signing, the HTTP layer (retries, breaker), the
simulator's answer, and parsing it into the integration's models.

The client is built as `build_unleashed_client` builds it, without the account's client-side limit of 40 calls a
minute: a benchmark makes thousands of calls, and waiting for the limiter is not what it measures."""

from __future__ import annotations

import asyncio

from sentia_server.integrations.http import RateLimiter, RetryPolicy, VendorHttpClient
from sentia_server.integrations.unleashed.auth import SignatureAuth
from sentia_server.integrations.unleashed.client import SUPPLIERS, UnleashedClient, account_key
from sentia_server.integrations.unleashed.errors import VENDOR
from sentia_testkit.simulators.unleashed import API_ID, API_KEY, UnleashedSimulator

PAGE_SIZE = 20


def test_unleashed_suppliers_page(benchmark):
    simulator = UnleashedSimulator()
    http = VendorHttpClient(
        VENDOR,
        "https://api.unleashedsoftware.com",
        auth=SignatureAuth(api_id=API_ID, api_key=API_KEY, client_type="sentia/benchmark"),
        transport=simulator.transport(),
        retry=RetryPolicy(),
        limits=(),
        rate_limiter=RateLimiter(max_wait=1.0),
        headers={"content-type": "application/json"},
    )
    client = UnleashedClient(http, account=account_key(API_ID))
    loop = asyncio.new_event_loop()
    try:
        page = benchmark(lambda: loop.run_until_complete(client.page(SUPPLIERS, page_size=PAGE_SIZE)))
        assert page.items
        assert len(page.items) <= PAGE_SIZE
        assert len(list(simulator.requests_to("Suppliers"))) >= 1
    finally:
        loop.run_until_complete(client.aclose())
        loop.close()
