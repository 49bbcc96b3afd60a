"""responds_within and uses_memory_within: blocks within their limits pass, blocks over fail with the figure."""

from __future__ import annotations

import time
import tracemalloc

import pytest

from sentia_testkit.matchers import responds_within, uses_memory_within
from sentia_testkit.matchers.performance import format_bytes


def test_a_quick_block_passes_and_reports_its_time():
    with responds_within(1000) as measured:
        sum(range(1000))
    assert 0 < measured.elapsed_ms < 1000
    assert measured.limit == 1000


def test_a_slow_block_fails_with_the_measured_time(monkeypatch: pytest.MonkeyPatch):
    readings = iter([10.0, 10.25])
    monkeypatch.setattr(time, "perf_counter", lambda: next(readings))
    with (
        pytest.raises(AssertionError, match=r"the block took 250\.0 ms, over its limit of 100 ms"),
        responds_within(100),
    ):
        pass


def test_an_error_in_the_block_goes_through_unchanged():
    with pytest.raises(KeyError), responds_within(0.001):
        raise KeyError("boom")


@pytest.mark.parametrize("limit", [0, -5])
def test_a_limit_of_zero_or_less_is_refused(limit: float):
    with pytest.raises(ValueError, match="must be above 0 ms"), responds_within(limit):
        pass
    with pytest.raises(ValueError, match="must be above 0 bytes"), uses_memory_within(int(limit)):
        pass


def test_a_small_block_passes_and_reports_its_peak():
    with uses_memory_within(1024 * 1024) as measured:
        data = [0] * 10_000
        del data
    assert 80_000 <= measured.peak_bytes < 1024 * 1024
    assert not tracemalloc.is_tracing()


def test_a_large_block_fails_with_the_measured_peak():
    def allocate() -> None:
        with uses_memory_within(100 * 1024):
            data = bytearray(750 * 1024)
            del data

    with pytest.raises(AssertionError, match=r"allocated 7\d\d\.\d KiB at its peak, over its limit of 100\.0 KiB"):
        allocate()
    assert not tracemalloc.is_tracing()


def test_tracing_started_elsewhere_is_left_running_and_measured_from_the_block_start():
    tracemalloc.start()
    try:
        kept = bytearray(2 * 1024 * 1024)
        with uses_memory_within(512 * 1024) as measured:
            data = bytearray(100 * 1024)
            del data
        assert tracemalloc.is_tracing()
        assert 90 * 1024 <= measured.peak_bytes < 512 * 1024
        del kept
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize(
    ("size", "shown"),
    [(10, "10 B"), (1536, "1.5 KiB"), (5 * 1024 * 1024, "5.0 MiB"), (3 * 1024**3, "3.0 GiB")],
)
def test_sizes_are_shown_in_binary_units(size: int, shown: str):
    assert format_bytes(size) == shown
