"""The runner's own rules, with gates whose tools are stand-ins: the real gates have tests of their own."""

from __future__ import annotations

from pathlib import Path

from support.projects import context

from sentia_testkit.gates.base import GateContext, ToolUnavailable
from sentia_testkit.gates.model import GateResult, GateStatus
from sentia_testkit.gates.runner import run_gates


class RecordingGate:
    """A gate whose tool either writes a report or cannot run, and whose evaluation reads that report."""

    title = "Recording"

    def __init__(self, name: str, *, tool_runs: bool) -> None:
        self.name = name
        self.tool_runs = tool_runs
        self.produced = False

    def produce(self, ctx: GateContext) -> None:
        if not self.tool_runs:
            raise ToolUnavailable(f"{self.name}-tool is not installed")
        ctx.reports_dir.mkdir(parents=True, exist_ok=True)
        ctx.report(f"{self.name}.txt").write_text("ok")
        self.produced = True

    def evaluate(self, ctx: GateContext) -> GateResult:
        if ctx.report(f"{self.name}.txt").is_file():
            return GateResult(self.name, GateStatus.PASS, "report read")
        return GateResult(self.name, GateStatus.UNAVAILABLE, "no report")


def test_a_tool_that_cannot_run_makes_its_gate_unavailable_with_the_reason(tmp_path: Path):
    seen: list[tuple[str, str]] = []
    gates = [RecordingGate("lint", tool_runs=True), RecordingGate("load", tool_runs=False)]
    run = run_gates(context(tmp_path), gates, produce=True, progress=lambda gate, what: seen.append((gate, what)))
    assert [(r.gate, r.status, r.summary) for r in run.results] == [
        ("lint", GateStatus.PASS, "report read"),
        ("load", GateStatus.UNAVAILABLE, "load-tool is not installed"),
    ]
    assert run.exit_code == 4
    assert ("lint", "running its tools") in seen
    assert ("load", "UNAVAILABLE") in seen
    assert run.mode == "produce and evaluate"


def test_tolerated_unavailability_is_noted_and_does_not_block(tmp_path: Path):
    ctx = context(tmp_path, tolerate_unavailable={"load": "no load profile for this service yet"})
    run = run_gates(ctx, [RecordingGate("load", tool_runs=False)], produce=True)
    [result] = run.results
    assert result.tolerated == "no load profile for this service yet"
    assert "UNAVAILABLE is tolerated by configuration: no load profile for this service yet" in result.notes
    assert run.exit_code == 0
    assert run.escape_hatches.counts["tolerated unavailable gates"] == 1


def test_produce_only_reports_just_the_tools_that_could_not_run(tmp_path: Path):
    gates = [RecordingGate("lint", tool_runs=True), RecordingGate("load", tool_runs=False)]
    run = run_gates(context(tmp_path), gates, produce=True, evaluate=False)
    assert [(r.gate, r.status) for r in run.results] == [("load", GateStatus.UNAVAILABLE)]
    assert gates[0].produced
    assert run.mode == "produce only"


def test_from_reports_runs_no_tool(tmp_path: Path):
    gate = RecordingGate("lint", tool_runs=True)
    run = run_gates(context(tmp_path), [gate], produce=False)
    assert not gate.produced
    assert run.results[0].status is GateStatus.UNAVAILABLE
    assert run.mode == "from reports"
