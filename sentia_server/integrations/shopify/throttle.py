"""The client's side of Shopify's query-cost limits: an estimate of each shop's bucket, so that a query waits for
enough points instead of being throttled, and the wait a THROTTLED answer asks for.

Every response carries `extensions.cost` with `requestedQueryCost`, `actualQueryCost` and `throttleStatus
{maximumAvailable, currentlyAvailable, restoreRate}`; the bucket refills at `restoreRate` points per second.
https://shopify.dev/docs/apps/build/apis/graphql-admin/rate-limits
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class ThrottleStatus:
    maximum_available: float
    currently_available: float
    restore_rate: float
    observed_at: float


def parse_cost(extensions: Any) -> tuple[float | None, ThrottleStatus | None]:
    """`(requestedQueryCost, throttleStatus)` from a response's `extensions`, each None when absent or malformed."""
    cost = extensions.get("cost") if isinstance(extensions, Mapping) else None
    if not isinstance(cost, Mapping):
        return None, None
    requested = cost.get("requestedQueryCost")
    requested_value = float(requested) if isinstance(requested, int | float) else None
    status = cost.get("throttleStatus")
    if not isinstance(status, Mapping):
        return requested_value, None
    try:
        parsed = ThrottleStatus(
            float(status["maximumAvailable"]),
            float(status["currentlyAvailable"]),
            float(status["restoreRate"]),
            observed_at=0.0,
        )
    except (KeyError, TypeError, ValueError):
        return requested_value, None
    return requested_value, parsed if parsed.restore_rate > 0 else None


MARGIN_SECONDS = 0.05
"""Added to every computed wait: the bucket is reported rounded, and arriving a moment late costs nothing."""


class CostBudget:
    """One shop's bucket as last reported, projected forward in time, and the last requested cost of each
    document (the best estimate of what it will ask for next time)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._status: ThrottleStatus | None = None
        self._costs: dict[str, float] = {}

    def available(self) -> float | None:
        if self._status is None:
            return None
        elapsed = max(self._clock() - self._status.observed_at, 0.0)
        projected = self._status.currently_available + elapsed * self._status.restore_rate
        return min(self._status.maximum_available, projected)

    def wait_before(self, document: str) -> float:
        """Seconds to wait before sending `document` so that its estimated cost fits in the bucket."""
        estimate = self._costs.get(document)
        available = self.available()
        if estimate is None or available is None or self._status is None or estimate <= available:
            return 0.0
        if estimate > self._status.maximum_available:
            return 0.0  # it can never fit; let Shopify answer
        return (estimate - available) / self._status.restore_rate + MARGIN_SECONDS

    def record(self, document: str, extensions: Any) -> None:
        requested, status = parse_cost(extensions)
        if requested is not None:
            self._costs[document] = requested
        if status is not None:
            self._status = ThrottleStatus(
                status.maximum_available, status.currently_available, status.restore_rate, self._clock()
            )

    def throttled_wait(self, extensions: Any) -> float | None:
        """The wait a THROTTLED answer asks for: (requested - available) / restoreRate seconds; None if unknown."""
        requested, status = parse_cost(extensions)
        if requested is None or status is None:
            return None
        return max(requested - status.currently_available, 0.0) / status.restore_rate + MARGIN_SECONDS
