"""Pass thresholds for a Locust run, judged when it quits: they can only make the exit code worse.

Locust itself exits 1 when any request failed (`--exit-code-on-error`); run it with `--exit-code-on-error 0` to let
the failure-ratio threshold decide instead.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from locust.runners import WorkerRunner

from sentia_testkit.load.options import option

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Thresholds:
    max_failure_ratio: float = 0.01
    max_p95_ms: float = 1000.0
    min_requests: int = 1

    @classmethod
    def of(cls, environment: Any) -> Thresholds:
        """From the parsed `--threshold-*` options or their SENTIA_LOAD_* variables."""
        return cls(
            max_failure_ratio=option(
                environment, "threshold_failure_ratio", "SENTIA_LOAD_MAX_FAILURE_RATIO", cls.max_failure_ratio, float
            ),
            max_p95_ms=option(environment, "threshold_p95_ms", "SENTIA_LOAD_MAX_P95_MS", cls.max_p95_ms, float),
            min_requests=option(
                environment, "threshold_min_requests", "SENTIA_LOAD_MIN_REQUESTS", cls.min_requests, int
            ),
        )


def broken_thresholds(total: Any, thresholds: Thresholds) -> list[str]:
    """One message per broken threshold for Locust's total StatsEntry; empty when the run passes."""
    broken: list[str] = []
    requests = int(total.num_requests)
    if requests < thresholds.min_requests:
        broken.append(
            f"{requests} requests, fewer than the minimum of {thresholds.min_requests} (--threshold-min-requests)"
        )
    if requests == 0:
        return broken
    ratio = float(total.fail_ratio)
    if ratio > thresholds.max_failure_ratio:
        broken.append(
            f"{ratio:.2%} of requests failed ({total.num_failures} of {requests}), above the limit of "
            f"{thresholds.max_failure_ratio:.2%} (--threshold-failure-ratio)"
        )
    p95 = float(total.get_response_time_percentile(0.95) or 0)
    if p95 > thresholds.max_p95_ms:
        broken.append(f"p95 is {p95:g} ms, above the limit of {thresholds.max_p95_ms:g} ms (--threshold-p95-ms)")
    return broken


def check_thresholds(environment: Any, **_kwargs: Any) -> None:
    """A `quitting` listener: exit code 1 when a threshold is broken; a higher code already set is kept, and a run
    that passes leaves the code alone. Workers skip it: the master holds the totals."""
    if isinstance(environment.runner, WorkerRunner):
        return
    thresholds = Thresholds.of(environment)
    broken = broken_thresholds(environment.stats.total, thresholds)
    for message in broken:
        log.error("load threshold broken: %s", message)
    if broken:
        environment.process_exit_code = max(environment.process_exit_code or 0, 1)
    else:
        log.info("load thresholds passed (%s)", thresholds)
