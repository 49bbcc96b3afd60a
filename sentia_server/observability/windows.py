"""Recent tool durations per tool, for percentiles over a sliding window.

Kept in process memory, so the percentiles are those of one replica. The window is bounded in time and in samples
per tool (the oldest are dropped first). Each tool's samples live in two preallocated arrays of doubles, so its
memory is taken once, on its first call, and stays flat however long the server runs (16 bytes a sample, against
about 110 for a tuple of two floats in a deque).
"""

from __future__ import annotations

import math
import time
from array import array
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


class _Ring:
    """The last `capacity` (time, seconds) samples of one key, oldest first, in fixed memory."""

    __slots__ = ("_seconds", "_start", "_times", "capacity", "size")

    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self._times = array("d", bytes(8 * capacity))
        self._seconds = array("d", bytes(8 * capacity))
        self._start = 0
        self.size = 0

    def append(self, at: float, seconds: float) -> None:
        end = (self._start + self.size) % self.capacity
        self._times[end], self._seconds[end] = at, seconds
        if self.size < self.capacity:
            self.size += 1
        else:  # full: the new sample took the oldest one's place
            self._start = (self._start + 1) % self.capacity

    def drop_before(self, cutoff: float) -> None:
        while self.size and self._times[self._start] < cutoff:
            self._start = (self._start + 1) % self.capacity
            self.size -= 1

    def seconds(self) -> list[float]:
        end = self._start + self.size
        if end <= self.capacity:
            return self._seconds[self._start : end].tolist()
        return self._seconds[self._start :].tolist() + self._seconds[: end - self.capacity].tolist()


class DurationWindows:
    """Durations in seconds of the last `window_seconds`, at most `max_samples` per key."""

    def __init__(self, window_seconds: float, *, max_samples: int = 10_000, clock: Clock = time.monotonic) -> None:
        self.window_seconds = window_seconds
        self.max_samples = max_samples
        self._clock = clock
        self._samples: dict[str, _Ring] = {}

    def add(self, key: str, seconds: float) -> None:
        ring = self._samples.get(key)
        if ring is None:
            ring = self._samples[key] = _Ring(self.max_samples)
        ring.append(self._clock(), seconds)

    def _recent(self, key: str) -> list[float]:
        ring = self._samples[key]
        ring.drop_before(self._clock() - self.window_seconds)
        return ring.seconds()

    def per_key(self) -> dict[str, DurationSummary]:
        summaries = {key: summarize(self._recent(key)) for key in sorted(self._samples)}
        return {key: summary for key, summary in summaries.items() if summary is not None}

    def overall(self) -> DurationSummary | None:
        return summarize(seconds for key in list(self._samples) for seconds in self._recent(key))
