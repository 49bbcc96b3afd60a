"""coverage: coverage.py's JSON report in branch mode, judged globally and per file.

In coverage.py, "lines" and "statements" are one measurement (executable lines are statements), so both limits
are checked against the same percentage. Function coverage counts the functions and methods in each file's
`functions` regions: a function is covered when any of its lines ran; regions without statements, and the
module-level region, are left out.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sentia_testkit.gates.base import GateContext, missing_report, read_json, unreadable_report
from sentia_testkit.gates.config import CoverageConfig
from sentia_testkit.gates.model import Check, GateResult, GateStatus
from sentia_testkit.gates.tests import TestsGate

MEASURES = ("lines", "functions", "branches", "statements")


@dataclass(frozen=True)
class Coverage:
    """Counts for one file or for the whole report."""

    statements: int
    covered_statements: int
    functions: int
    covered_functions: int
    branches: int
    covered_branches: int

    def percent(self, measure: str) -> float:
        if measure in ("lines", "statements"):
            return _ratio(self.covered_statements, self.statements)
        if measure == "functions":
            return _ratio(self.covered_functions, self.functions)
        return _ratio(self.covered_branches, self.branches)

    def __add__(self, other: Coverage) -> Coverage:
        return Coverage(*(a + b for a, b in zip(self.astuple(), other.astuple(), strict=True)))

    def astuple(self) -> tuple[int, ...]:
        return (
            self.statements,
            self.covered_statements,
            self.functions,
            self.covered_functions,
            self.branches,
            self.covered_branches,
        )


def _ratio(covered: int, total: int) -> float:
    return 100.0 if total == 0 else 100.0 * covered / total


def file_coverage(data: dict[str, Any]) -> Coverage:
    summary = data["summary"]
    regions = [
        region for name, region in data.get("functions", {}).items() if name and region["summary"]["num_statements"] > 0
    ]
    return Coverage(
        statements=summary["num_statements"],
        covered_statements=summary["covered_lines"],
        functions=len(regions),
        covered_functions=sum(1 for region in regions if region["summary"]["covered_lines"] > 0),
        branches=summary["num_branches"],
        covered_branches=summary["covered_branches"],
    )


class CoverageGate:
    name = "coverage"
    title = "Coverage"

    def produce(self, ctx: GateContext) -> None:
        if not ctx.report(ctx.config.coverage.report).is_file():
            TestsGate().produce(ctx)

    def evaluate(self, ctx: GateContext) -> GateResult:
        config = ctx.config.coverage
        path = ctx.report(config.report)
        if not path.is_file():
            return missing_report(self.name, path, "run the suite under coverage and `coverage json`")
        try:
            report = read_json(path)
            files = report["files"]
        except (OSError, json.JSONDecodeError, KeyError, TypeError) as error:
            return unreadable_report(self.name, path, error)
        if not report.get("meta", {}).get("branch_coverage"):
            return GateResult(
                self.name,
                GateStatus.ERROR,
                f"{path} has no branch data: measure with `coverage run --branch` "
                "(or [tool.coverage.run] branch = true)",
            )
        if not files:
            return GateResult(
                self.name, GateStatus.ERROR, f"{path} measured no files: check [tool.coverage.run] source"
            )
        if not any("functions" in data for data in files.values()):
            return GateResult(
                self.name, GateStatus.ERROR, f"{path} has no function regions: coverage.py 7.5 or newer is needed"
            )
        try:
            per_file = {name: file_coverage(data) for name, data in sorted(files.items())}
        except (KeyError, TypeError) as error:
            return unreadable_report(self.name, path, error)
        return judge(per_file, config)


def judge(per_file: dict[str, Coverage], config: CoverageConfig) -> GateResult:
    total = sum(per_file.values(), Coverage(0, 0, 0, 0, 0, 0))
    checks = [
        Check(
            f"global {measure}",
            f"{total.percent(measure):.2f}%",
            f">= {getattr(config, measure):g}%",
            total.percent(measure) >= getattr(config, measure),
        )
        for measure in MEASURES
    ]
    notes = config.loosenings()
    overrides = {override.path: override for override in config.overrides}
    rows = []
    for name, coverage in per_file.items():
        override = overrides.pop(name, None)
        limits = {
            measure: getattr(override, measure)
            if override and getattr(override, measure) is not None
            else getattr(config, measure)
            for measure in MEASURES
        }
        failed = [m for m in MEASURES if config.per_file and coverage.percent(m) < limits[m]]
        for measure in failed:
            checks.append(
                Check(f"{name} {measure}", f"{coverage.percent(measure):.2f}%", f">= {limits[measure]:g}%", False)
            )
        if override is not None:
            loosened = ", ".join(f"{m} {limits[m]:g}%" for m in MEASURES if getattr(override, m) is not None)
            notes.append(f"override for {name} ({loosened}): {override.reason}")
        rows.append(
            {
                "file": name,
                **{measure: round(coverage.percent(measure), 2) for measure in MEASURES},
                "statements": coverage.statements,
                "functions_total": coverage.functions,
                "branches_total": coverage.branches,
                "passed": not failed,
                "override": override.reason if override else None,
            }
        )
    for stale in overrides:
        notes.append(f"override for {stale} matches no measured file (remove it)")
    result = GateResult.from_checks("coverage", checks, notes=notes)
    result.details = {"files": rows, "total": {m: round(total.percent(m), 2) for m in MEASURES}}
    if result.status is GateStatus.PASS:
        result.summary = (
            f"lines {total.percent('lines'):.2f}%, functions {total.percent('functions'):.2f}%, "
            f"branches {total.percent('branches'):.2f}% over {len(per_file)} files"
            + (", every file within its limits" if config.per_file else "")
        )
    return result
