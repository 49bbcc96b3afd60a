"""load: Locust's stats CSV (`--csv PREFIX` writes PREFIX_stats.csv), judged on its `Aggregated` row.

The failure ratio, the 95th percentile response time and the number of requests are checked; a run with no
requests never passes, since it says nothing about the server. The gate runs a load test only when a command is
configured (a load test needs a running server); otherwise it judges the CSV an earlier run left in the reports.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sentia_testkit.gates.base import GateContext, ToolUnavailable, missing_report, run_tool, unreadable_report
from sentia_testkit.gates.config import LoadConfig
from sentia_testkit.gates.model import Check, Finding, GateResult, GateStatus

AGGREGATED = "Aggregated"
HOW_TO_PRODUCE = (
    "start the server, then run `locust -f <locustfile> --headless -u 50 -r 10 -t 60s --host <server URL> "
    "--csv {prefix}` (it writes {name}), or set [tool.sentia.gates.load] command"
)


class BadStats(ValueError):
    """The CSV is not Locust's stats layout, or a number in it cannot be read."""


@dataclass(frozen=True)
class Totals:
    """The `Aggregated` row: every request of the run."""

    requests: int
    failures: int
    p95_ms: float
    """0 when there were no requests (Locust writes N/A)."""
    requests_per_second: float | None


class LoadGate:
    name = "load"
    title = "Load"

    def produce(self, ctx: GateContext) -> None:
        """Run the configured load test, if any; without a command the CSV of an earlier run is judged."""
        config = ctx.config.load
        if not config.command:
            return
        stats = ctx.report(config.stats_csv)
        ctx.reports_dir.mkdir(parents=True, exist_ok=True)
        for stale in (stats, failures_csv(stats)):
            stale.unlink(missing_ok=True)
        command = [part.replace("{reports}", str(ctx.reports_dir)) for part in config.command]
        run = run_tool(command, cwd=ctx.root, timeout=config.timeout_seconds)
        if not stats.is_file():
            output = (run.stderr.strip() or run.stdout.strip())[-500:]
            raise ToolUnavailable(f"the load run wrote no {stats} (exit {run.exit_code}): {output}")

    def evaluate(self, ctx: GateContext) -> GateResult:
        config = ctx.config.load
        path = ctx.report(config.stats_csv)
        if not path.is_file():
            prefix = str(path).removesuffix("_stats.csv")
            return missing_report(self.name, path, HOW_TO_PRODUCE.format(prefix=prefix, name=path.name))
        try:
            rows = read_stats(path)
            totals = aggregated(rows)
        except (OSError, UnicodeDecodeError, csv.Error, BadStats) as error:
            return unreadable_report(self.name, path, error)
        result = judge(totals, config)
        result.details = {"endpoints": [endpoint(row) for row in rows if row.get("Name") != AGGREGATED]}
        result.findings = read_failures(failures_csv(path))
        return result


def failures_csv(stats: Path) -> Path:
    """Locust's PREFIX_failures.csv beside PREFIX_stats.csv: one row per distinct error."""
    return stats.with_name(stats.name.removesuffix("_stats.csv") + "_failures.csv")


def read_stats(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        missing = {"Name", "Request Count", "Failure Count", "95%"} - set(reader.fieldnames or [])
        if missing:
            raise BadStats(f"not a Locust stats CSV: no {', '.join(sorted(missing))} column")
        return list(reader)


def aggregated(rows: list[dict[str, str]]) -> Totals:
    """The numbers of the `Aggregated` row; raises BadStats when there is none or a number cannot be read."""
    row = next((row for row in rows if row.get("Name") == AGGREGATED and not row.get("Type")), None)
    if row is None:
        raise BadStats(f"no {AGGREGATED} row (was it written by `locust --csv`?)")
    requests = _count(row, "Request Count")
    failures = _count(row, "Failure Count")
    if failures > requests:
        raise BadStats(f"{failures} failures among {requests} requests")
    p95 = 0.0 if requests == 0 else _number(row, "95%")
    rps = _number(row, "Requests/s") if row.get("Requests/s") not in (None, "", "N/A") else None
    return Totals(requests, failures, p95, rps)


def _count(row: dict[str, str], column: str) -> int:
    text = (row.get(column) or "").strip()
    if not text.isdigit():
        raise BadStats(f"{AGGREGATED} {column} is {text!r}, not a count")
    return int(text)


def _number(row: dict[str, str], column: str) -> float:
    text = (row.get(column) or "").strip()
    try:
        value = float(text)
    except ValueError:
        raise BadStats(f"{AGGREGATED} {column} is {text!r}, not a number") from None
    if not math.isfinite(value) or value < 0:
        raise BadStats(f"{AGGREGATED} {column} is {text!r}")
    return value


def judge(totals: Totals, config: LoadConfig) -> GateResult:
    requests_check = Check(
        "requests", str(totals.requests), f">= {config.min_requests}", totals.requests >= config.min_requests
    )
    if totals.requests == 0:
        return GateResult(
            "load", GateStatus.FAIL, "0 requests: the load run did not reach the server", checks=[requests_check]
        )
    ratio = totals.failures / totals.requests
    checks = [
        Check(
            "failure ratio",
            f"{ratio:.2%} ({totals.failures} of {totals.requests})",
            f"<= {config.max_failure_ratio:.2%}",
            ratio <= config.max_failure_ratio,
        ),
        Check("p95", f"{totals.p95_ms:g} ms", f"<= {config.max_p95_ms:g} ms", totals.p95_ms <= config.max_p95_ms),
        requests_check,
    ]
    result = GateResult.from_checks("load", checks)
    if result.status is GateStatus.PASS:
        rate = f" at {totals.requests_per_second:.1f} requests/s" if totals.requests_per_second is not None else ""
        result.summary = f"{totals.requests} requests{rate}, {ratio:.2%} failed, p95 {totals.p95_ms:g} ms"
    return result


def endpoint(row: dict[str, str]) -> dict[str, Any]:
    """One endpoint's row for the report details, numbers where Locust wrote numbers."""
    columns = {
        "type": "Type",
        "name": "Name",
        "requests": "Request Count",
        "failures": "Failure Count",
        "median_ms": "Median Response Time",
        "p95_ms": "95%",
        "p99_ms": "99%",
        "max_ms": "Max Response Time",
        "requests_per_second": "Requests/s",
    }
    return {key: _as_number(row.get(column)) for key, column in columns.items()}


def _as_number(text: str | None) -> Any:
    if text is None:
        return None
    try:
        return int(text)
    except ValueError:
        pass
    try:
        return float(text)
    except ValueError:
        return text


def read_failures(path: Path) -> list[Finding]:
    """Locust's failures CSV as findings (`GET /orders`: the error, and how often), when the run left one."""
    try:
        with path.open(newline="", encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle))
    except (OSError, UnicodeDecodeError, csv.Error):
        return []
    return [
        Finding(
            f"{row.get('Method') or ''} {row.get('Name') or ''}".strip(),
            f"{row.get('Error') or 'unknown error'} ({row.get('Occurrences') or '?'} times)",
        )
        for row in rows
    ]
