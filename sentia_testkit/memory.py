"""Leak checks: call a function many times and fail when the memory it keeps grows with each call.

`assert_no_leak` runs the function `warmup` times first, so caches (lru_cache, memo dicts, re's pattern cache,
pydantic's validators) fill before anything is measured. Then, for each of `iterations` calls, it collects garbage
and samples the memory tracemalloc traces. The growth per call is the Theil-Sen slope of those samples (the median
of the slopes between every pair) once the largest single-call jumps (one call in twenty) are taken out: a leak
grows on most calls, while a cache filling late or a dict resizing is a one-off step. A leak is reported
when that slope, and also the net growth of the allocations outside the harness (tracemalloc snapshots filtered
to leave out tracemalloc and this module), both exceed `threshold_bytes_per_iteration`. The failure names the
slope and the source lines whose allocations grew most.
"""

from __future__ import annotations

import functools
import gc
import importlib.util
import inspect
import itertools
import statistics
import tracemalloc
from array import array
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from sentia_testkit.matchers.performance import format_bytes

DEFAULT_ITERATIONS = 200
DEFAULT_WARMUP = 20
DEFAULT_THRESHOLD = 128
"""Bytes per call. One leaked small object (a list slot and an int) is about 40 bytes; a one-off 10 KiB step in
200 calls moves the slope by at most ~50 bytes. Lower it to look for smaller leaks over more iterations."""
TOP_SITES = 5
MARKER_OPTIONS = frozenset({"iterations", "warmup", "threshold_bytes_per_iteration"})

_HARNESS_FILTERS = (
    tracemalloc.Filter(False, tracemalloc.__file__),
    tracemalloc.Filter(False, __file__),
    tracemalloc.Filter(False, "<frozen importlib._bootstrap>"),
    tracemalloc.Filter(False, "<frozen importlib._bootstrap_external>"),
    tracemalloc.Filter(False, "<unknown>"),
)


@dataclass(frozen=True)
class AllocationSite:
    """A source line whose live allocations changed over the measured calls."""

    filename: str
    lineno: int
    size_diff: int
    count_diff: int

    def __str__(self) -> str:
        return f"{self.filename}:{self.lineno}: +{format_bytes(self.size_diff)} in {self.count_diff:+d} blocks"


@dataclass(frozen=True)
class LeakReport:
    """What one leak check measured."""

    iterations: int
    warmup: int
    threshold_bytes_per_iteration: float
    slope_bytes_per_iteration: float
    growth_bytes: int
    top_sites: tuple[AllocationSite, ...]

    @property
    def growth_per_iteration(self) -> float:
        return self.growth_bytes / self.iterations

    @property
    def leaked(self) -> bool:
        limit = self.threshold_bytes_per_iteration
        return self.slope_bytes_per_iteration > limit and self.growth_per_iteration > limit

    def describe(self, subject: str = "the function") -> str:
        lines = [
            f"{subject} keeps about {self.slope_bytes_per_iteration:,.0f} bytes more per call "
            f"({format_bytes(self.growth_bytes)} over {self.iterations} calls after {self.warmup} warm-up calls; "
            f"limit {self.threshold_bytes_per_iteration:,.0f} bytes per call)."
        ]
        if self.top_sites:
            lines.append("Largest growth by source line:")
            lines += [f"  {site}" for site in self.top_sites]
        lines.append(
            "Free what each call keeps (or bound the cache it fills), or raise threshold_bytes_per_iteration "
            "if the growth is expected."
        )
        if importlib.util.find_spec("pytest_memray") is not None:
            lines.append(
                "tracemalloc sees Python allocations only; for native ones run pytest --memray with "
                '@pytest.mark.limit_leaks("1 MB").'
            )
        return "\n".join(lines)


class LeakDetected(AssertionError):
    """Memory grew with each call beyond the threshold; `report` holds the figures."""

    def __init__(self, report: LeakReport, subject: str) -> None:
        super().__init__(report.describe(subject))
        self.report = report


def robust_slope(samples: array[int] | list[int]) -> float:
    """Growth per call: the Theil-Sen slope of the samples once their largest single-call jumps (one in twenty
    calls) are taken out, so that a one-off allocation (a cache filling late, a dict resizing) is not read as a
    trend, while a leak, which grows on most calls, still is."""
    steps = [samples[index + 1] - samples[index] for index in range(len(samples) - 1)]
    for index in sorted(range(len(steps)), key=steps.__getitem__)[-max(1, len(steps) // 20) :]:
        steps[index] = min(steps[index], 0)
    return theil_sen_slope(list(itertools.accumulate(steps, initial=0)))


def theil_sen_slope(samples: array[int] | list[int]) -> float:
    """The median of the slopes between every pair of samples (taken one iteration apart)."""
    count = len(samples)
    if count < 2:
        raise ValueError("a slope needs at least two samples")
    return statistics.median(
        (samples[later] - samples[earlier]) / (later - earlier)
        for earlier in range(count)
        for later in range(earlier + 1, count)
    )


def _validate(iterations: int, warmup: int, threshold: float) -> None:
    if isinstance(iterations, bool) or not isinstance(iterations, int) or iterations < 10:
        raise ValueError(f"iterations must be a whole number of 10 or more, not {iterations!r}")
    if isinstance(warmup, bool) or not isinstance(warmup, int) or warmup < 0:
        raise ValueError(f"warmup must be a whole number of 0 or more, not {warmup!r}")
    if threshold < 0:
        raise ValueError(f"threshold_bytes_per_iteration must be 0 or more, not {threshold!r}")


def measure_growth(
    fn: Callable[..., object],
    *args: Any,
    iterations: int = DEFAULT_ITERATIONS,
    warmup: int = DEFAULT_WARMUP,
    threshold_bytes_per_iteration: float = DEFAULT_THRESHOLD,
    **kwargs: Any,
) -> LeakReport:
    """Call `fn(*args, **kwargs)` `warmup` then `iterations` times and report how memory grew per call."""
    _validate(iterations, warmup, threshold_bytes_per_iteration)
    started_here = not tracemalloc.is_tracing()
    if started_here:
        tracemalloc.start()
    try:
        for _ in range(warmup):
            fn(*args, **kwargs)
        samples = array("q", bytes(8 * iterations))
        gc.collect()
        # Objects alive now are frozen out of the collector, so the collections below only walk what the
        # measured calls create: a full collection per call would cost milliseconds in a large test process.
        gc.freeze()
        try:
            before = tracemalloc.take_snapshot().filter_traces(_HARNESS_FILTERS)
            for index in range(iterations):
                fn(*args, **kwargs)
                gc.collect()
                samples[index] = tracemalloc.get_traced_memory()[0]
            after = tracemalloc.take_snapshot().filter_traces(_HARNESS_FILTERS)
        finally:
            gc.unfreeze()
    finally:
        if started_here:
            tracemalloc.stop()
    differences = after.compare_to(before, "lineno")
    growing = [stat for stat in differences if stat.size_diff > 0][:TOP_SITES]
    sites = tuple(
        AllocationSite(stat.traceback[0].filename, stat.traceback[0].lineno, stat.size_diff, stat.count_diff)
        for stat in growing
    )
    return LeakReport(
        iterations=iterations,
        warmup=warmup,
        threshold_bytes_per_iteration=threshold_bytes_per_iteration,
        slope_bytes_per_iteration=robust_slope(samples),
        growth_bytes=sum(stat.size_diff for stat in differences),
        top_sites=sites,
    )


def assert_no_leak(
    fn: Callable[..., object],
    *args: Any,
    iterations: int = DEFAULT_ITERATIONS,
    warmup: int = DEFAULT_WARMUP,
    threshold_bytes_per_iteration: float = DEFAULT_THRESHOLD,
    **kwargs: Any,
) -> LeakReport:
    """Fail (LeakDetected, an AssertionError) when `fn(*args, **kwargs)` keeps more memory with each call than
    `threshold_bytes_per_iteration`; otherwise return what was measured."""
    report = measure_growth(
        fn,
        *args,
        iterations=iterations,
        warmup=warmup,
        threshold_bytes_per_iteration=threshold_bytes_per_iteration,
        **kwargs,
    )
    if report.leaked:
        raise LeakDetected(report, getattr(fn, "__qualname__", repr(fn)))
    return report


def marker_options(args: tuple[Any, ...], kwargs: Mapping[str, Any]) -> dict[str, Any]:
    """The options of a `no_leak` marker, refusing positional arguments and unknown names."""
    if args:
        raise ValueError(f"no_leak takes options by name ({', '.join(sorted(MARKER_OPTIONS))}), not {args!r}")
    unknown = sorted(set(kwargs) - MARKER_OPTIONS)
    if unknown:
        raise ValueError(
            f"no_leak has no option {', '.join(unknown)}; its options: {', '.join(sorted(MARKER_OPTIONS))}"
        )
    return dict(kwargs)


def run_test_for_leaks(test: Callable[..., object], fixtures: Mapping[str, Any], options: Mapping[str, Any]) -> None:
    """The `no_leak` marker: run a synchronous test body warmup + iterations times with the same fixture values
    (fixtures are set up once), failing when memory grows per run."""
    if inspect.iscoroutinefunction(test):
        raise TypeError("no_leak runs synchronous tests only; call assert_no_leak inside an async test instead")
    report = measure_growth(functools.partial(test, **fixtures), **options)
    if report.leaked:
        raise LeakDetected(report, "the test body")
