"""benchmarks: pytest-benchmark's JSON reports against a baseline committed to the repository.

Absolute timings differ between machines, and between two runs on a shared one, so each benchmark's median is
divided by the median of a reference benchmark (fixed pure-Python work) measured in the same run, in the baseline
and in the current run alike. A benchmark fails when that normalised median grew by more than the tolerance.

A median is the median of one process's rounds, but a process's memory layout (address randomisation) moves some
medians by a third, and a burst of load on a shared machine can cover a whole benchmark: neither shows inside one
process, and both only ever slow a run down. So the benchmarks run in several processes (`runs`); in each run a
benchmark's median is divided by the reference's median of that run, and the lowest of those ratios counts.
`produce` keeps every run's report (`benchmarks-1.json`, ...) and writes their benchmarks, tagged with the run and
without the raw timings, to one report (`benchmarks.json`): the file a baseline is a copy of. A plain
`--benchmark-json` report is read as a single run.
"""

from __future__ import annotations

import json
import math
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sentia_testkit.gates.base import (
    GateContext,
    ToolRun,
    ToolUnavailable,
    missing_report,
    read_json,
    run_tool,
    unreadable_report,
    write_tool_record,
)
from sentia_testkit.gates.config import BenchmarksConfig
from sentia_testkit.gates.model import Check, Finding, GateResult, GateStatus

PYTEST_BENCHMARK_OPTIONS = (
    "--benchmark-only",
    "--benchmark-enable",
    # Rounds of at least 1 ms: fast code runs many times per round, so timer overhead and jitter average out,
    # and the reports stay small.
    "--benchmark-min-time=0.001",
    "--benchmark-max-time=0.1",
    "--benchmark-min-rounds=20",
    # A few warm calls before calibrating, so a slow first call does not cut the number of rounds.
    "--benchmark-warmup=on",
    "--benchmark-warmup-iterations=10",
)
HASH_SEED = "0"
_SUMMARY_LINE = re.compile(r"^(FAILED|ERROR) (\S+)(?: - (.*))?$")


@dataclass(frozen=True)
class Measured:
    """One benchmark of a report: its median (seconds per call) in each run that measured it."""

    fullname: str
    name: str
    medians: dict[int, float]

    @property
    def median(self) -> float:
        """The fastest run's median: noise on a shared machine and an unlucky memory layout only add time."""
        return min(self.medians.values())


@dataclass(frozen=True)
class Machine:
    cpu: str
    python: str

    def __str__(self) -> str:
        return f"{self.cpu}, Python {self.python}"


def default_command(python: str, report: Path, *, only: list[str] | None = None) -> list[str]:
    """One pytest-benchmark run of the project's `benchmarks/` folder, or of the benchmarks `only` names (fullnames,
    which are pytest node ids), with steady round settings."""
    return [
        python,
        "-m",
        "pytest",
        *(only or ["benchmarks"]),
        "-p",
        "no:cacheprovider",
        "-rfE",
        *PYTEST_BENCHMARK_OPTIONS,
        f"--benchmark-json={report}",
    ]


class BenchmarksGate:
    name = "benchmarks"
    title = "Benchmarks"

    def produce(self, ctx: GateContext) -> None:
        """Run the benchmarks `runs` times, one process after another, and write the combined report; then re-measure
        any benchmark beyond the tolerance, with the reference, in up to `confirm_runs` more processes."""
        config = ctx.config.benchmarks
        report = ctx.report(config.report)
        ctx.reports_dir.mkdir(parents=True, exist_ok=True)
        parts = [run_report_path(report, run) for run in range(1, config.runs + 1)]
        confirmation_parts = [
            run_report_path(report, run) for run in range(config.runs + 1, config.runs + config.confirm_runs + 1)
        ]
        for stale in (report, run_record_path(report), *parts, *confirmation_parts):
            stale.unlink(missing_ok=True)
        runs = [self._run(ctx, part) for part in parts]
        self._write(report, parts, runs, confirmations=[])
        confirmations: list[dict[str, Any]] = []
        for part in confirmation_parts:
            suspects = regressed(ctx)
            if not suspects:
                break
            runs.append(self._run(ctx, part, only=suspects))
            parts.append(part)
            confirmations.append({"run": len(parts), "benchmarks": suspects})
            self._write(report, parts, runs, confirmations=confirmations)

    def _run(self, ctx: GateContext, part: Path, *, only: list[str] | None = None) -> ToolRun:
        """One benchmark process writing `part`; `only` narrows the default command to those benchmarks (a
        configured command always runs whole)."""
        config = ctx.config.benchmarks
        if config.command:
            reports, report = str(ctx.reports_dir), str(part)
            command = [item.replace("{reports}", reports).replace("{report}", report) for item in config.command]
        else:
            command = default_command(ctx.python, part, only=only)
        # String hashes are salted per process; one fixed seed gives every run the same dict and set layouts.
        env = {"PYTHONHASHSEED": os.environ.get("PYTHONHASHSEED", HASH_SEED)}
        run = run_tool(command, cwd=ctx.root, timeout=config.timeout_seconds, env=env)
        if not part.is_file():
            output = (run.stderr.strip() or run.stdout.strip())[-500:]
            if "unrecognized arguments: --benchmark" in output:
                raise ToolUnavailable("pytest-benchmark is not installed (pip install 'sentia[gates]')")
            raise ToolUnavailable(f"the benchmark run wrote no report at {part} (exit {run.exit_code}): {output}")
        return run

    @staticmethod
    def _write(report: Path, parts: list[Path], runs: list[ToolRun], *, confirmations: list[dict[str, Any]]) -> None:
        write_tool_record(run_record_path(report), merge_runs(runs))
        try:
            combined = combine([read_json(part) for part in parts])
        except (OSError, json.JSONDecodeError, KeyError, TypeError, ValueError) as error:
            raise ToolUnavailable(f"cannot combine the benchmark reports {parts[0]}...: {error}") from None
        if confirmations:
            combined["confirmations"] = confirmations
        report.write_text(json.dumps(combined, indent=1))

    def evaluate(self, ctx: GateContext) -> GateResult:
        config = ctx.config.benchmarks
        report = ctx.report(config.report)
        baseline_path = ctx.root / config.baseline
        if not report.is_file():
            return missing_report(
                self.name, report, f"run `pytest benchmarks --benchmark-only --benchmark-json={report}`"
            )
        if not baseline_path.is_file():
            return GateResult(
                self.name,
                GateStatus.UNAVAILABLE,
                f"no baseline at {baseline_path}: create one from this run with `cp {report} {baseline_path}` "
                "(on a quiet machine) and commit it",
            )
        if not config.reference:
            return GateResult(
                self.name,
                GateStatus.ERROR,
                "no reference benchmark: set [tool.sentia.gates.benchmarks] reference to the name of a benchmark of "
                "fixed pure-Python work, which every median is divided by",
            )
        sides: list[tuple[dict[str, Measured], Measured, Machine]] = []
        confirmations: Any = []
        for path in (report, baseline_path):
            try:
                data = read_json(path)
                if path == report:
                    confirmations = data.get("confirmations") or []
                measured = read_report(data)
                machine = read_machine(data)
            except (OSError, json.JSONDecodeError, KeyError, TypeError, ValueError) as error:
                return unreadable_report(self.name, path, error)
            try:
                reference = find_reference(measured, config.reference)
            except ValueError as error:
                return GateResult(self.name, GateStatus.ERROR, f"{path}: {error}")
            sides.append((measured, reference, machine))
        (current, reference, machine), (baseline, baseline_reference, baseline_machine) = sides
        failures = failed_benchmarks(run_record_path(report))
        result = compare(current, baseline, reference, baseline_reference, config, failures=failures)
        if machine != baseline_machine:
            result.notes.append(f"the baseline was measured on {baseline_machine}; this run on {machine}")
        result.notes.extend(confirmation_notes(confirmations, reference))
        return result


def regressed(ctx: GateContext) -> list[str]:
    """The fullnames of the benchmarks now beyond the tolerance, and the reference's last, for a confirmation run;
    empty when none is, or when the report cannot be judged (evaluate says why)."""
    result = BenchmarksGate().evaluate(ctx)
    rows = result.details.get("benchmarks", [])
    suspects = [row["benchmark"] for row in rows if row["status"] == "compared" and not row["passed"]]
    return [*suspects, result.details["reference"]["benchmark"]] if suspects else []


def confirmation_notes(confirmations: Any, reference: Measured) -> list[str]:
    """What the confirmation runs re-measured: a slowdown fails only if it held in every one of them."""
    notes: list[str] = []
    for confirmation in confirmations if isinstance(confirmations, list) else []:
        if not isinstance(confirmation, dict):
            continue
        names = [str(name).split("::")[-1] for name in confirmation.get("benchmarks", []) if name != reference.fullname]
        notes.append(
            f"run {confirmation.get('run')} re-measured {', '.join(names)} beside the reference: "
            "it was beyond the tolerance in the runs before"
        )
    return notes


def run_report_path(report: Path, run: int) -> Path:
    """Where one run of the benchmarks writes its own pytest-benchmark report."""
    return report.with_name(f"{report.stem}-{run}{report.suffix}")


def run_record_path(report: Path) -> Path:
    """Where `produce` keeps the runs' exit status and output, beside the report."""
    return report.with_name(f"{report.stem}-runs.json")


def merge_runs(runs: list[ToolRun]) -> ToolRun:
    failed = [run.exit_code for run in runs if run.exit_code != 0]
    return ToolRun(
        command=runs[0].command,
        exit_code=failed[0] if failed else 0,
        stdout="\n".join(run.stdout for run in runs),
        stderr="\n".join(run.stderr for run in runs),
    )


def combine(reports: list[Any]) -> dict[str, Any]:
    """One pytest-benchmark report with the benchmarks of every run, each tagged with its run, raw timings left out."""
    combined: dict[str, Any] = {key: value for key, value in reports[0].items() if key != "benchmarks"}
    combined["runs"] = len(reports)
    combined["benchmarks"] = [
        {**entry, "run": run, "stats": {key: value for key, value in entry["stats"].items() if key != "data"}}
        for run, report in enumerate(reports, start=1)
        for entry in report["benchmarks"]
    ]
    return combined


def read_report(data: Any) -> dict[str, Measured]:
    """The benchmarks of a report by `fullname`, with their medians by run; raises on anything malformed."""
    entries = data["benchmarks"]
    if not isinstance(entries, list):
        raise TypeError("'benchmarks' is not a list")
    names: dict[str, str] = {}
    medians: dict[str, dict[int, float]] = {}
    for entry in entries:
        fullname = str(entry["fullname"])
        run = int(entry.get("run", 1))
        median = float(entry["stats"]["median"])
        if not math.isfinite(median) or median <= 0:
            raise ValueError(f"{fullname} has a median of {median} s")
        if run in medians.setdefault(fullname, {}):
            raise ValueError(f"{fullname} appears twice in run {run}")
        medians[fullname][run] = median
        names[fullname] = str(entry["name"])
    return {fullname: Measured(fullname, names[fullname], runs) for fullname, runs in medians.items()}


def read_machine(data: Any) -> Machine:
    info = data.get("machine_info") or {}
    cpu = (info.get("cpu") or {}).get("brand_raw", "unknown CPU")
    return Machine(cpu=str(cpu), python=str(info.get("python_version", "unknown")))


def find_reference(benchmarks: dict[str, Measured], reference: str) -> Measured:
    """The benchmark whose fullname is `reference`, else the only one named `reference`."""
    if reference in benchmarks:
        return benchmarks[reference]
    named = [benchmark for benchmark in benchmarks.values() if benchmark.name == reference]
    if len(named) > 1:
        fullnames = ", ".join(sorted(b.fullname for b in named))
        raise ValueError(f"the reference {reference!r} names several benchmarks ({fullnames}): use a fullname")
    if not named:
        names = ", ".join(sorted({b.name for b in benchmarks.values()})) or "none"
        raise ValueError(
            f"the reference benchmark {reference!r} is missing (benchmarks: {names}); "
            "every median is divided by it, so nothing can be compared"
        )
    return named[0]


def normalised(benchmark: Measured, reference: Measured) -> float:
    """The benchmark's median in units of the reference's median of the same run, in the run where that ratio is
    lowest. A whole run on a busy machine slows both, so the ratio of one run holds; the fastest medians of two
    different runs would mix a quiet run of the reference with a busy one of the benchmark."""
    shared = benchmark.medians.keys() & reference.medians.keys()
    if not shared:
        return benchmark.median / reference.median
    return min(benchmark.medians[run] / reference.medians[run] for run in shared)


def compare(
    current: dict[str, Measured],
    baseline: dict[str, Measured],
    reference: Measured,
    baseline_reference: Measured,
    config: BenchmarksConfig,
    *,
    failures: list[Finding] | None = None,
) -> GateResult:
    """One check per baseline benchmark: its normalised median now against the baseline's, within the tolerance;
    `failures` (benchmarks whose test failed or errored) fail the gate too."""
    tolerance = config.tolerance
    limit = f"<= +{tolerance:.0%}"
    compared = sorted(set(baseline) - {baseline_reference.fullname})
    if not compared:
        return GateResult(
            "benchmarks", GateStatus.ERROR, "the baseline holds no benchmark besides the reference: nothing to compare"
        )
    fullnames_by_name: dict[str, set[str]] = {}
    for benchmark in [*current.values(), *baseline.values()]:
        fullnames_by_name.setdefault(benchmark.name, set()).add(benchmark.fullname)

    def label(benchmark: Measured) -> str:
        return benchmark.name if len(fullnames_by_name[benchmark.name]) == 1 else benchmark.fullname

    checks: list[Check] = []
    rows: list[dict[str, Any]] = []
    largest: tuple[float, str] | None = None
    for fullname in compared:
        before = baseline[fullname]
        now = current.get(fullname)
        if now is None:
            checks.append(
                Check(
                    label(before),
                    "disappeared: in the baseline but not in this run",
                    "present (or regenerate the baseline)",
                    False,
                )
            )
            rows.append({"benchmark": fullname, "status": "disappeared", "baseline_median_s": before.median})
            continue
        then_ratio, now_ratio = normalised(before, baseline_reference), normalised(now, reference)
        change = now_ratio / then_ratio - 1
        passed = change <= tolerance
        checks.append(
            Check(
                f"{label(now)} median (normalised)",
                f"{ratio(now_ratio)}x reference (baseline {ratio(then_ratio)}x, {percent(change)}; "
                f"median {seconds(now.median)}, baseline {seconds(before.median)})",
                limit,
                passed,
            )
        )
        rows.append(
            {
                "benchmark": fullname,
                "status": "compared",
                "median_s": now.median,
                "baseline_median_s": before.median,
                "normalised": now_ratio,
                "baseline_normalised": then_ratio,
                "change": change,
                "runs": len(now.medians),
                "passed": passed,
            }
        )
        if largest is None or change > largest[0]:
            largest = (change, label(now))
    runs = len(reference.medians)
    fastest = f"in each of {runs} runs, the lowest ratio counting" if runs > 1 else "the median"
    notes = [
        f"each benchmark's median ({fastest}) is divided by the reference {reference.name}'s "
        f"({seconds(reference.median)} now, {seconds(baseline_reference.median)} in the baseline); "
        f"a benchmark fails when that ratio grew by more than {tolerance:.0%}"
    ]
    for fullname in sorted(set(current) - set(baseline) - {reference.fullname}):
        new = current[fullname]
        notes.append(
            f"{label(new)}: no baseline yet (median {seconds(new.median)}, "
            f"{ratio(normalised(new, reference))}x reference); regenerate the baseline to track it"
        )
        rows.append(
            {"benchmark": fullname, "status": "new", "median_s": new.median, "normalised": normalised(new, reference)}
        )
    if failures:
        checks.append(Check("benchmark tests", f"{len(failures)} failed or errored", "0", False))
    result = GateResult.from_checks("benchmarks", checks, notes=notes, findings=list(failures or []))
    result.details = {
        "reference": {
            "benchmark": reference.fullname,
            "median_s": reference.median,
            "baseline_median_s": baseline_reference.median,
            "runs": runs,
        },
        "tolerance": tolerance,
        "benchmarks": rows,
    }
    if result.status is GateStatus.PASS and largest is not None:
        result.summary = (
            f"{len(checks)} benchmarks within +{tolerance:.0%} of the baseline, normalised by {reference.name}; "
            f"largest change {largest[1]} {percent(largest[0])}"
        )
    return result


def failed_benchmarks(record: Path) -> list[Finding]:
    """The benchmarks the recorded runs reported as failed or errored (pytest's short summary), if recorded."""
    try:
        run = read_json(record)
        exit_code, stdout = int(run["exit_code"]), str(run["stdout"])
    except (OSError, json.JSONDecodeError, KeyError, TypeError, ValueError):
        return []
    if exit_code == 0:
        return []
    findings: list[Finding] = []
    for line in stdout.splitlines():
        if (match := _SUMMARY_LINE.match(line.strip())) is None:
            continue
        finding = Finding(match[2], match[3] or match[1].lower(), "failure" if match[1] == "FAILED" else "error")
        if finding not in findings:
            findings.append(finding)
    return findings or [Finding(str(record), f"the benchmark run exited with {exit_code}", "error")]


def seconds(value: float) -> str:
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("µs", 1e-6)):
        if value >= scale:
            return f"{value / scale:.3g} {unit}"
    return f"{value / 1e-9:.3g} ns"


def ratio(value: float) -> str:
    return f"{value:.0f}" if value >= 100 else f"{value:.3g}"


def percent(change: float) -> str:
    """`+29%`; a change that rounds to nothing is `+0%`, never `-0%`."""
    return f"{round(change * 100):+d}%"
