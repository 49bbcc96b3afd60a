"""Runs the selected gates: produce (unless evaluating existing reports), evaluate, and gather escape hatches."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from sentia_testkit.gates import escape_hatches
from sentia_testkit.gates.base import Gate, GateContext, ToolUnavailable
from sentia_testkit.gates.model import EscapeHatches, GateResult, GateRun, GateStatus

Progress = Callable[[str, str], None]
"""Called with (gate name, what is happening now) as the run proceeds."""


def _noop(_gate: str, _what: str) -> None:
    return None


def run_gates(
    ctx: GateContext, gates: list[Gate], *, produce: bool, evaluate: bool = True, progress: Progress = _noop
) -> GateRun:
    started = datetime.now(UTC).isoformat(timespec="seconds")
    results: list[GateResult] = []
    for gate in gates:
        unavailable: str | None = None
        if produce:
            progress(gate.name, "running its tools")
            try:
                gate.produce(ctx)
            except ToolUnavailable as error:
                unavailable = str(error)
        if not evaluate:
            if unavailable:
                results.append(GateResult(gate.name, GateStatus.UNAVAILABLE, unavailable))
            progress(gate.name, "done")
            continue
        progress(gate.name, "evaluating")
        result = gate.evaluate(ctx)
        if unavailable and result.status is GateStatus.UNAVAILABLE:
            result.summary = unavailable
        reason = ctx.config.tolerate_unavailable.get(gate.name)
        if result.status is GateStatus.UNAVAILABLE and reason:
            result.tolerated = reason
            result.notes.append(f"UNAVAILABLE is tolerated by configuration: {reason}")
        results.append(result)
        progress(gate.name, result.status.value)
    return GateRun(
        results=results,
        escape_hatches=collect_escape_hatches(ctx, results),
        started_at=started,
        finished_at=datetime.now(UTC).isoformat(timespec="seconds"),
        mode="produce and evaluate" if produce and evaluate else ("produce only" if produce else "from reports"),
        reports_dir=str(ctx.reports_dir),
    )


def collect_escape_hatches(ctx: GateContext, results: list[GateResult]) -> EscapeHatches:
    hatches = escape_hatches.scan(ctx.root, ctx.config.paths)
    config = ctx.config
    hatches.merge_count(
        "ignored vulnerabilities",
        len(config.dependencies.ignore),
        [f"{item.id}: {item.reason}" for item in config.dependencies.ignore],
    )
    hatches.merge_count(
        "coverage overrides",
        len(config.coverage.overrides),
        [f"{o.path}: {o.reason}" for o in config.coverage.overrides],
    )
    hatches.merge_count(
        "tolerated unavailable gates",
        len(config.tolerate_unavailable),
        [f"{gate}: {reason}" for gate, reason in config.tolerate_unavailable.items()],
    )
    for result in results:
        if result.gate == "tests":
            for kind in ("skipped", "xfailed"):
                located = [f"{f.location}: {f.message}" for f in result.findings if f.severity == kind]
                hatches.merge_count(f"{kind} tests", len(located), located)
    return hatches
