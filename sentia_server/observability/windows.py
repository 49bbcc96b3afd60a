"""Recent tool durations per tool, for percentiles over a sliding window.

Kept in process memory, so the percentiles are those of one replica. The window is bounded in time and in samples
per tool (the oldest are dropped first), so memory stays bounded whatever the traffic.
"""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass

Clock = Callable[[], float]

PERCENTILES = (50, 95, 99)


@dataclass(frozen=True, slots=True)
class DurationSummary:
    count: int
    p50_ms: float
    p95_ms: float
    p99_ms: float


def percentile(ordered: list[float], rank: int) -> float:
    """Nearest-rank percentile of an ascending, non-empty list."""
    index = max(math.ceil(rank / 100 * len(ordered)) - 1, 0)
    return ordered[index]


def summarize(durations: Iterable[float]) -> DurationSummary | None:
    ordered = sorted(durations)
    if not ordered:
        return None
    p50, p95, p99 = (round(percentile(ordered, rank) * 1000, 3) for rank in PERCENTILES)
    return DurationSummary(count=len(ordered), p50_ms=p50, p95_ms=p95, p99_ms=p99)


class DurationWindows:
    """Durations in seconds of the last `window_seconds`, at most `max_samples` per key."""

    def __init__(self, window_seconds: float, *, max_samples: int = 10_000, clock: Clock = time.monotonic) -> None:
        self.window_seconds = window_seconds
        self.max_samples = max_samples
        self._clock = clock
        self._samples: dict[str, deque[tuple[float, float]]] = {}

    def add(self, key: str, seconds: float) -> None:
        samples = self._samples.setdefault(key, deque(maxlen=self.max_samples))
        samples.append((self._clock(), seconds))

    def _recent(self, key: str) -> list[float]:
        samples = self._samples[key]
        cutoff = self._clock() - self.window_seconds
        while samples and samples[0][0] < cutoff:
            samples.popleft()
        return [seconds for _, seconds in samples]

    def per_key(self) -> dict[str, DurationSummary]:
        summaries = {key: summarize(self._recent(key)) for key in sorted(self._samples)}
        return {key: summary for key, summary in summaries.items() if summary is not None}

    def overall(self) -> DurationSummary | None:
        return summarize(seconds for key in list(self._samples) for seconds in self._recent(key))
