"""SP-API usage plans kept client-side: token buckets per seller and operation, adjusted by Amazon's header."""

from __future__ import annotations

import httpx
import pytest

from sentia_server.integrations.amazon.throttle import USAGE_PLANS, Throttle, TokenBucket, UsagePlan, rate_from_headers

pytestmark = pytest.mark.anyio


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_the_default_plans_are_amazons_published_ones():
    assert USAGE_PLANS["getOrders"] == UsagePlan(0.0167, 20)
    assert USAGE_PLANS["getOrderItems"] == UsagePlan(0.5, 30)
    assert USAGE_PLANS["getInventorySummaries"] == UsagePlan(2.0, 2)
    assert USAGE_PLANS["searchCatalogItems"] == UsagePlan(2.0, 2)
    assert USAGE_PLANS["createReport"] == UsagePlan(0.0167, 15)
    assert USAGE_PLANS["getOrders"].describe() == "0.0167 requests/s, burst 20"


def test_a_bucket_allows_its_burst_then_refills_at_the_plans_rate():
    clock = Clock()
    bucket = TokenBucket(UsagePlan(0.5, 2), clock)
    bucket.take()
    bucket.take()
    assert bucket.wait_time() == pytest.approx(2.0)
    clock.now += 1.0
    assert bucket.wait_time() == pytest.approx(1.0)
    clock.now += 10.0
    assert bucket.wait_time() == 0.0
    assert bucket.tokens == 2.0  # never more than the burst


def test_a_drained_bucket_waits_a_full_refill_and_a_new_rate_applies():
    clock = Clock()
    bucket = TokenBucket(UsagePlan(2.0, 2), clock)
    bucket.drain()
    assert bucket.wait_time() == pytest.approx(0.5)
    bucket.set_rate(0.25)
    assert bucket.wait_time() == pytest.approx(4.0)
    assert bucket.plan == UsagePlan(0.25, 2)


async def test_acquire_waits_for_a_token_or_reports_a_wait_beyond_its_limit():
    throttle = Throttle(max_wait=1.0)
    for _ in range(2):
        assert await throttle.acquire("seller", "getInventorySummaries") is None
    assert await throttle.acquire("seller", "getInventorySummaries") is None  # waited about half a second
    assert throttle.wait_time("other-seller", "getInventorySummaries") == 0.0
    throttle.bucket("seller", "getOrders").tokens = 0.0
    assert await throttle.acquire("seller", "getOrders") == pytest.approx(1 / 0.0167, rel=0.01)


@pytest.mark.parametrize(
    ("value", "expected"),
    [("0.0167", 0.0167), ("2", 2.0), ("fast", None), ("0", None), ("-1", None), (None, None)],
)
def test_the_rate_limit_header_is_read_when_it_is_a_positive_number(value, expected):
    headers = {} if value is None else {"x-amzn-RateLimit-Limit": value}
    assert rate_from_headers(httpx.Response(200, headers=headers)) == expected
