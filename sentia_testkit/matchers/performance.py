"""Performance checks as context managers: how long a block took, and how much memory it needed at its peak."""

from __future__ import annotations

import time
import tracemalloc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass


@dataclass
class Measured:
    """What the block used; filled in when it ends (`elapsed_ms` for time, `peak_bytes` for memory)."""

    limit: float
    elapsed_ms: float = 0.0
    peak_bytes: int = 0


def format_bytes(size: float) -> str:
    """1536 -> "1.5 KiB"; binary units, as tracemalloc and memray report them."""
    for unit in ("B", "KiB", "MiB"):
        if abs(size) < 1024:
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size:.1f} GiB"


@contextmanager
def responds_within(ms: float) -> Iterator[Measured]:
    """Fail when the block takes longer than `ms` milliseconds of wall time (`time.perf_counter`). An exception
    raised inside the block goes through unchanged."""
    if ms <= 0:
        raise ValueError(f"responds_within: the limit must be above 0 ms, not {ms}")
    measured = Measured(limit=ms)
    started = time.perf_counter()
    yield measured
    measured.elapsed_ms = (time.perf_counter() - started) * 1000
    if measured.elapsed_ms > ms:
        raise AssertionError(
            f"the block took {measured.elapsed_ms:.1f} ms, over its limit of {ms:g} ms; "
            "make it faster or raise the limit"
        )


@contextmanager
def uses_memory_within(limit_bytes: int) -> Iterator[Measured]:
    """Fail when the block's allocations peak above `limit_bytes` (tracemalloc, Python allocations only). Works
    whether or not tracemalloc is already tracing (it resets tracemalloc's peak); it is stopped again only if
    this check started it."""
    if limit_bytes <= 0:
        raise ValueError(f"uses_memory_within: the limit must be above 0 bytes, not {limit_bytes}")
    measured = Measured(limit=limit_bytes)
    started_here = not tracemalloc.is_tracing()
    if started_here:
        tracemalloc.start()
    try:
        baseline, _ = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        yield measured
        _, peak = tracemalloc.get_traced_memory()
    finally:
        if started_here:
            tracemalloc.stop()
    measured.peak_bytes = max(0, peak - baseline)
    if measured.peak_bytes > limit_bytes:
        raise AssertionError(
            f"the block allocated {format_bytes(measured.peak_bytes)} at its peak, over its limit of "
            f"{format_bytes(limit_bytes)} ({measured.peak_bytes} > {limit_bytes} bytes); allocate less or raise "
            "the limit"
        )
