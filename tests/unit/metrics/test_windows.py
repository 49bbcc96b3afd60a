"""Percentiles over a sliding window: nearest rank, old samples dropped, memory bounded."""

from __future__ import annotations

import pytest

from sentia_server.observability import windows as windows_module
from sentia_server.observability.windows import DurationSummary, DurationWindows, percentile, summarize


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.mark.parametrize(("rank", "expected"), [(50, 50.0), (95, 95.0), (99, 99.0), (100, 100.0), (1, 1.0), (0, 1.0)])
def test_nearest_rank_percentiles_of_one_to_a_hundred(rank: int, expected: float):
    assert percentile([float(n) for n in range(1, 101)], rank) == expected


def test_a_summary_is_in_milliseconds_and_none_without_samples():
    assert summarize([]) is None
    assert summarize([0.2, 0.1, 0.3]) == DurationSummary(count=3, p50_ms=200.0, p95_ms=300.0, p99_ms=300.0)


def test_samples_older_than_the_window_no_longer_count():
    clock = Clock()
    windows = DurationWindows(60, clock=clock)
    windows.add("a", 1.0)
    clock.now += 30
    windows.add("a", 0.5)
    windows.add("b", 0.25)
    assert windows.overall() == DurationSummary(count=3, p50_ms=500.0, p95_ms=1000.0, p99_ms=1000.0)
    clock.now += 31  # the first sample is now 61 s old
    assert windows.per_key() == {
        "a": DurationSummary(count=1, p50_ms=500.0, p95_ms=500.0, p99_ms=500.0),
        "b": DurationSummary(count=1, p50_ms=250.0, p95_ms=250.0, p99_ms=250.0),
    }
    clock.now += 60
    assert windows.per_key() == {}
    assert windows.overall() is None


def test_each_key_keeps_at_most_max_samples():
    windows = DurationWindows(60, max_samples=3, clock=Clock())
    for seconds in (9.0, 1.0, 2.0, 3.0):
        windows.add("a", seconds)
    assert windows.per_key()["a"] == DurationSummary(count=3, p50_ms=2000.0, p95_ms=3000.0, p99_ms=3000.0)


def test_a_full_window_keeps_the_newest_samples_in_order_as_it_wraps_around():
    clock = Clock()
    windows = DurationWindows(60, max_samples=4, clock=clock)
    for seconds in range(1, 11):  # wraps around the four slots twice and a half
        clock.now += 1
        windows.add("a", float(seconds))
    assert windows._recent("a") == [7.0, 8.0, 9.0, 10.0]
    clock.now += 58.5  # 7 and 8 are now older than the window; 9 and 10 are not
    assert windows._recent("a") == [9.0, 10.0]
    windows.add("a", 11.0)
    windows.add("a", 12.0)
    windows.add("a", 13.0)  # full again, the oldest (9) gives way
    assert windows._recent("a") == [10.0, 11.0, 12.0, 13.0]


def test_memory_is_taken_on_the_first_sample_and_not_after():
    import tracemalloc

    windows = DurationWindows(900, max_samples=1_000, clock=Clock())
    windows.add("a", 0.1)
    tracemalloc.start()
    try:
        before = tracemalloc.take_snapshot()
        for _ in range(5_000):
            windows.add("a", 0.123456)  # floats the arrays store unboxed
        after = tracemalloc.take_snapshot()
    finally:
        tracemalloc.stop()
    # Only what the windows allocate: a coverage tracer's own allocations are traced too.
    mine = [tracemalloc.Filter(True, windows_module.__file__)]
    growth = sum(
        stat.size_diff for stat in after.filter_traces(mine).compare_to(before.filter_traces(mine), "filename")
    )
    assert growth < 1_000
