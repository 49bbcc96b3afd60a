"""The shared vendor HTTP layer against a small simulator: retries, Retry-After, refresh on 401, breaker, limits."""

from __future__ import annotations

import time

import httpx
import pytest
from limits import parse

from sentia_server.integrations.http import (
    CircuitBreaker,
    RateLimiter,
    RetryPolicy,
    VendorError,
    VendorHttpClient,
    rate_limits,
    retry_after_seconds,
)
from sentia_testkit.simulators import Simulator, SimulatorRequest, json_response

pytestmark = pytest.mark.anyio
FAST = RetryPolicy(attempts=3, base_delay=0.001, max_delay=0.01)


class Ledger(Simulator):
    vendor = "ledger"

    def __init__(self) -> None:
        super().__init__()
        self.valid_tokens = {"token-2"}

        @self.route("GET", "/accounts", name="accounts")
        def accounts(request: SimulatorRequest) -> httpx.Response:
            if request.headers.get("authorization", "").removeprefix("Bearer ") not in self.valid_tokens:
                return json_response(401, {"error": "invalid_token"})
            return json_response(200, {"accounts": [{"code": "200"}]})


class Tokens:
    """Hands out token-1 first (already expired at the vendor), token-2 after a refresh."""

    def __init__(self) -> None:
        self.issued: list[str] = []

    async def headers(self, request: httpx.Request, *, refresh: bool) -> dict[str, str]:
        token = "token-2" if refresh or self.issued else "token-1"
        self.issued.append(token)
        return {"authorization": f"Bearer {token}"}


def client(simulator: Simulator, **options) -> VendorHttpClient:
    options.setdefault("retry", FAST)
    return VendorHttpClient("ledger", "https://ledger.example", transport=simulator.transport(), **options)


async def test_an_expired_token_is_refreshed_once():
    simulator, tokens = Ledger(), Tokens()
    vendor = client(simulator, auth=tokens)
    assert await vendor.request_json("GET", "/accounts") == {"accounts": [{"code": "200"}]}
    assert tokens.issued == ["token-1", "token-2"]
    simulator.valid_tokens.clear()
    with pytest.raises(VendorError, match=r"ledger: rejected the credentials \(HTTP 401\); check the configured keys"):
        await vendor.request("GET", "/accounts")
    await vendor.aclose()


async def test_429_with_retry_after_then_5xx_are_retried_until_success():
    simulator = Ledger()
    simulator.faults.rate_limit("accounts", retry_after=0.01)
    simulator.faults.server_error("accounts", status=503)
    vendor = client(simulator, auth=Tokens())
    started = time.monotonic()
    assert (await vendor.request_json("GET", "/accounts"))["accounts"]
    assert time.monotonic() - started >= 0.01
    assert len(list(simulator.requests_to("accounts"))) == 3  # 429, 503, then 200


@pytest.mark.parametrize(
    ("fault", "message"),
    [
        ("server_error", r"ledger: had a server error \(HTTP 503\); try again later"),
        ("rate_limit", r"ledger: rate limit exceeded \(HTTP 429\); try again in 1 s"),
        ("timeout", r"ledger: did not answer within 30 s; the vendor is slow or unreachable"),
    ],
)
async def test_persistent_failures_end_in_a_clear_error(fault: str, message: str):
    simulator = Ledger()
    getattr(simulator.faults, fault)("accounts", times=5)
    vendor = client(simulator, retry=RetryPolicy(attempts=3, base_delay=0.001, max_delay=0.001))
    with pytest.raises(VendorError, match=message) as raised:
        await vendor.request("GET", "/accounts")
    assert raised.value.retryable


async def test_a_malformed_body_is_a_clear_error():
    simulator = Ledger()
    simulator.faults.malformed("accounts")
    with pytest.raises(VendorError, match="returned a body that is not valid JSON"):
        await client(simulator).request_json("GET", "/accounts")


async def test_unreachable_vendor_and_other_statuses():
    vendor = VendorHttpClient("ledger", "http://127.0.0.1:9", retry=FAST)
    with pytest.raises(VendorError, match=r"could not be reached \(ConnectError\); check the network"):
        await vendor.request("GET", "/accounts")
    simulator = Ledger()
    simulator.valid_tokens.add("token-1")
    for status, message in [
        (403, "refused access"),
        (404, "has no such resource"),
        (400, 'refused the request: {"error":"simulated server error"}'),
    ]:
        simulator.faults.add("accounts", _status_fault(status))
        with pytest.raises(VendorError, match=message):
            await client(simulator, auth=Tokens()).request("GET", "/accounts")


def _status_fault(status: int):
    from sentia_testkit.simulators import Fault

    return Fault(status=status, body=b'{"error":"simulated server error"}')


async def test_the_circuit_opens_after_repeated_failures_and_half_opens_later():
    simulator = Ledger()
    simulator.faults.server_error("accounts", times=10)
    vendor = client(simulator, retry=RetryPolicy(attempts=1))
    vendor._breakers["acme"] = CircuitBreaker(threshold=2, reset_after=0.05)
    for _ in range(2):
        with pytest.raises(VendorError, match="server error"):
            await vendor.request("GET", "/accounts", tenant="acme")
    with pytest.raises(VendorError, match="temporarily not called after 2 consecutive failures"):
        await vendor.request("GET", "/accounts", tenant="acme")
    calls = len(simulator.requests)
    time.sleep(0.06)
    with pytest.raises(VendorError, match="server error"):
        await vendor.request("GET", "/accounts", tenant="acme")
    assert len(simulator.requests) == calls + 1


async def test_rate_limiter_waits_for_a_slot_and_gives_up_past_its_limit():
    limiter = RateLimiter(max_wait=5)
    limits = rate_limits("2/second")
    started = time.monotonic()
    for _ in range(3):
        await limiter.acquire("ledger", "acme", limits)
    assert time.monotonic() - started >= 0.5
    await limiter.acquire("ledger", "other-tenant", limits)  # tenants have their own budgets
    impatient = RateLimiter(max_wait=0.01)
    await impatient.acquire("ledger", "acme", (parse("1/minute"),))
    with pytest.raises(VendorError, match=r"client-side rate limit \(1 per 1 minute\) for tenant acme is exhausted"):
        await impatient.acquire("ledger", "acme", (parse("1/minute"),))


def test_retry_after_header_forms():
    assert retry_after_seconds(httpx.Response(429, headers={"retry-after": "3"})) == 3
    assert retry_after_seconds(httpx.Response(429)) is None
    future = httpx.Response(429, headers={"retry-after": "Fri, 27 Nov 2099 00:00:00 GMT"})
    assert retry_after_seconds(future) > 0
    assert RetryPolicy(max_delay=5).delay(1, 100) == 5
    assert RetryPolicy(base_delay=1).delay(3, None) == 4
