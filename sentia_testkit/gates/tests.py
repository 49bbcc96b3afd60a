"""tests: the suite's JUnit XML. Failures, errors and an empty run all fail; skips and xfails are counted."""

from __future__ import annotations

from pathlib import Path
from xml.etree.ElementTree import Element, ParseError

from defusedxml import ElementTree

from sentia_testkit.gates.base import GateContext, ToolUnavailable, missing_report, run_tool, unreadable_report
from sentia_testkit.gates.model import Check, Finding, GateResult, GateStatus


class TestsGate:
    name = "tests"
    title = "Tests"

    def produce(self, ctx: GateContext) -> None:
        """Run the configured test command, or the suite under coverage, writing junit.xml and coverage.json."""
        ctx.reports_dir.mkdir(parents=True, exist_ok=True)
        junit = ctx.report(ctx.config.tests.junit)
        coverage_json = ctx.report(ctx.config.coverage.report)
        timeout = ctx.config.tests.timeout_seconds
        if ctx.config.tests.command:
            command = [part.replace("{reports}", str(ctx.reports_dir)) for part in ctx.config.tests.command]
            run_tool(command, cwd=ctx.root, timeout=timeout)
            return
        coverage = [ctx.python, "-m", "coverage"]
        run_tool([*coverage, "erase"], cwd=ctx.root)
        tests = run_tool([*coverage, "run", "-m", "pytest", f"--junitxml={junit}"], cwd=ctx.root, timeout=timeout)
        if not junit.is_file():
            raise ToolUnavailable(f"pytest wrote no JUnit report (exit {tests.exit_code}): {tests.stderr[-500:]}")
        run_tool([*coverage, "combine", "-q"], cwd=ctx.root)
        run_tool([*coverage, "json", "-q", "-o", str(coverage_json)], cwd=ctx.root)

    def evaluate(self, ctx: GateContext) -> GateResult:
        path = ctx.report(ctx.config.tests.junit)
        if not path.is_file():
            return missing_report(self.name, path, "run the suite with --junitxml")
        try:
            counts, findings = read_junit(path)
        except (ParseError, ValueError) as error:
            return unreadable_report(self.name, path, error)
        ran = counts["tests"] - counts["skipped"]
        checks = [
            Check("tests collected", str(counts["tests"]), ">= 1", counts["tests"] >= 1),
            Check("tests run", str(ran), ">= 1", ran >= 1),
            Check("failures", str(counts["failures"]), "0", counts["failures"] == 0),
            Check("errors", str(counts["errors"]), "0", counts["errors"] == 0),
        ]
        result = GateResult.from_checks(self.name, checks, findings=findings)
        result.details = {"counts": counts}
        if result.status is GateStatus.PASS:
            result.summary = (
                f"{ran} passed, {counts['skipped'] - counts['xfailed']} skipped, {counts['xfailed']} xfailed"
            )
        return result


def read_junit(path: Path) -> tuple[dict[str, int], list[Finding]]:
    """Totals from the test cases themselves (not the suite attributes, which tools fill inconsistently).
    Failures and errors are findings of severity failure/error; skips and xfails of severity skipped/xfailed."""
    root = ElementTree.parse(path).getroot()
    if root is None or root.tag not in ("testsuites", "testsuite"):
        raise ValueError(f"not a JUnit report (root element <{getattr(root, 'tag', None)}>)")
    counts = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0, "xfailed": 0}
    findings: list[Finding] = []
    for case in root.iter("testcase"):
        counts["tests"] += 1
        name = f"{case.get('classname', '')}::{case.get('name', '')}".strip(":")
        for outcome in case:
            if outcome.tag == "failure":
                counts["failures"] += 1
                findings.append(Finding(name, _first_line(outcome), "failure"))
            elif outcome.tag == "error":
                counts["errors"] += 1
                findings.append(Finding(name, _first_line(outcome), "error"))
            elif outcome.tag == "skipped":
                counts["skipped"] += 1
                xfailed = outcome.get("type") == "pytest.xfail"
                counts["xfailed"] += xfailed
                findings.append(Finding(name, _first_line(outcome), "xfailed" if xfailed else "skipped"))
    return counts, findings


def _first_line(element: Element) -> str:
    text = element.get("message") or element.text or ""
    return text.strip().splitlines()[0][:300] if text.strip() else "(no message)"
