"""Amazon's throttling: a token bucket per seller and operation, refilled at the usage plan's rate up to its
burst. An empty bucket answers 429 `QuotaExceeded`."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

USAGE_PLANS: dict[str, tuple[float, int]] = {
    "getOrders": (0.0167, 20),
    "getOrderItems": (0.5, 30),
    "getInventorySummaries": (2.0, 2),
    "searchCatalogItems": (2.0, 2),
    "getCatalogItem": (2.0, 2),
    "getListingsItem": (5.0, 10),
    "putListingsItem": (5.0, 10),
    "patchListingsItem": (5.0, 5),
    "deleteListingsItem": (5.0, 5),
    "createReport": (0.0167, 15),
    "getReports": (0.0222, 10),
    "getReport": (2.0, 15),
    "getReportDocument": (0.0167, 15),
}


@dataclass
class Bucket:
    rate: float
    burst: int
    tokens: float
    updated: float


class UsagePlans:
    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._buckets: dict[tuple[str, str], Bucket] = {}
        self.enforced = True

    def rate(self, operation: str) -> float:
        return USAGE_PLANS[operation][0]

    def allow(self, seller: str, operation: str) -> bool:
        """Spend a token of the seller's bucket for `operation`; False when it is empty."""
        rate, burst = USAGE_PLANS[operation]
        now = self._clock()
        bucket = self._buckets.setdefault((seller, operation), Bucket(rate, burst, float(burst), now))
        bucket.tokens = min(float(bucket.burst), bucket.tokens + (now - bucket.updated) * bucket.rate)
        bucket.updated = now
        if bucket.tokens < 1.0 and self.enforced:
            return False
        bucket.tokens -= 1.0
        return True

    def reset(self) -> None:
        self._buckets.clear()
