"""SP-API usage plans, kept client-side with Amazon's own algorithm: a token bucket per operation and seller.

Amazon refills each operation's bucket at the plan's rate (requests per second) up to its burst, and answers 429
`QuotaExceeded` when it is empty; it sends no Retry-After, but `x-amzn-RateLimit-Limit` carries the rate that
applies to the seller and application, which replaces the default plan once seen.
https://developer-docs.amazon.com/sp-api/docs/usage-plans-and-rate-limits

Buckets live in the process: a replica never spends more than the plan, and a 429 caused by another replica is
retried after the plan's refill time.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import httpx


@dataclass(frozen=True)
class UsagePlan:
    rate: float
    """Requests per second added to the bucket."""
    burst: int
    """Size of the bucket: how many requests may be sent at once."""

    @property
    def refill_seconds(self) -> float:
        """Seconds until one request is allowed again after the bucket ran empty."""
        return 1.0 / self.rate

    def describe(self) -> str:
        return f"{self.rate:g} requests/s, burst {self.burst}"


# Default plans from each operation's reference page (and the models in /work/shared/specs/amazon-sp-api).
USAGE_PLANS: dict[str, UsagePlan] = {
    "getOrders": UsagePlan(0.0167, 20),
    "getOrderItems": UsagePlan(0.5, 30),
    "getInventorySummaries": UsagePlan(2.0, 2),
    "searchCatalogItems": UsagePlan(2.0, 2),
    "getCatalogItem": UsagePlan(2.0, 2),
    "getListingsItem": UsagePlan(5.0, 10),
    "putListingsItem": UsagePlan(5.0, 10),
    "patchListingsItem": UsagePlan(5.0, 5),
    "deleteListingsItem": UsagePlan(5.0, 5),
    "createReport": UsagePlan(0.0167, 15),
    "getReports": UsagePlan(0.0222, 10),
    "getReport": UsagePlan(2.0, 15),
    "getReportDocument": UsagePlan(0.0167, 15),
    "getMarketplaceParticipations": UsagePlan(0.016, 15),
}

RATE_LIMIT_HEADER = "x-amzn-RateLimit-Limit"


def rate_from_headers(response: httpx.Response) -> float | None:
    """The rate announced in `x-amzn-RateLimit-Limit`, when present and a positive number."""
    value = response.headers.get(RATE_LIMIT_HEADER)
    if value is None:
        return None
    try:
        rate = float(value)
    except ValueError:
        return None
    return rate if rate > 0 else None


@dataclass
class TokenBucket:
    plan: UsagePlan
    clock: Callable[[], float] = time.monotonic
    tokens: float = field(init=False)
    updated: float = field(init=False)

    def __post_init__(self) -> None:
        self.tokens = float(self.plan.burst)
        self.updated = self.clock()

    def _refill(self) -> None:
        now = self.clock()
        self.tokens = min(float(self.plan.burst), self.tokens + (now - self.updated) * self.plan.rate)
        self.updated = now

    def wait_time(self) -> float:
        """Seconds until a token is available (0 when one is available now)."""
        self._refill()
        return 0.0 if self.tokens >= 1.0 else (1.0 - self.tokens) / self.plan.rate

    def take(self) -> None:
        self._refill()
        self.tokens -= 1.0

    def drain(self) -> None:
        """Amazon said the bucket is empty (a 429): stop spending until it refills."""
        self._refill()
        self.tokens = min(self.tokens, 0.0)

    def set_rate(self, rate: float) -> None:
        self._refill()
        self.plan = UsagePlan(rate, self.plan.burst)


class Throttle:
    """Token buckets per (seller, operation). `acquire` waits for a token, up to `max_wait` seconds."""

    def __init__(self, *, max_wait: float = 30.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.max_wait = max_wait
        self._clock = clock
        self._buckets: dict[tuple[str, str], TokenBucket] = {}

    def bucket(self, account: str, operation: str) -> TokenBucket:
        key = (account, operation)
        if key not in self._buckets:
            self._buckets[key] = TokenBucket(USAGE_PLANS[operation], self._clock)
        return self._buckets[key]

    def wait_time(self, account: str, operation: str) -> float:
        return self.bucket(account, operation).wait_time()

    async def acquire(self, account: str, operation: str) -> float | None:
        """Take a token and return None, or return the wait in seconds when it exceeds `max_wait`. The token is
        reserved before sleeping, so concurrent callers queue behind each other instead of all waking at once."""
        bucket = self.bucket(account, operation)
        wait = bucket.wait_time()
        if wait > self.max_wait:
            return wait
        bucket.take()
        if wait > 0:
            await asyncio.sleep(wait)
        return None
