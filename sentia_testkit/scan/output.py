"""A scan report for people (a terminal table, rich when it is installed), for programs (JSON) and for CI
(JUnit XML: one test case per tool and check)."""

from __future__ import annotations

import importlib.util
import json
from dataclasses import asdict
from pathlib import Path
from typing import Any, TextIO
from xml.etree import ElementTree

from sentia_testkit.scan.results import CheckResult, ScanReport


def _status(result: CheckResult) -> str:
    if result.skipped:
        return "skipped"
    return "ok" if result.ok else f"{len(result.findings)} finding(s)"


def summary_line(report: ScanReport) -> str:
    if report.error:
        return f"scan of {report.target} failed: {report.error}"
    findings = report.findings
    calls = sum(result.calls for result in report.results)
    head = f"{len(report.tools)} tool(s), {len(report.results)} checks, {calls} calls"
    return f"{head}: {len(findings)} finding(s)" if findings else f"{head}: no findings"


def render_text(report: ScanReport) -> str:
    """The plain-text report: one line per check, then every finding with how to reproduce it."""
    lines = [f"sentia-testkit scan {report.target}"]
    for result in report.results:
        lines.append(f"  {result.tool:<40} {result.check:<14} {_status(result)}")
    for result in report.results:
        lines.extend(finding.render() for finding in result.findings)
    lines.append(summary_line(report))
    return "\n".join(lines)


def rich_available() -> bool:
    return importlib.util.find_spec("rich") is not None


def print_report(report: ScanReport, out: TextIO, *, plain: bool = False) -> None:
    """Print the report to `out`: a rich table unless `plain` or rich is missing."""
    if plain or not rich_available():
        print(render_text(report), file=out)
        return
    from rich.console import Console
    from rich.table import Table

    console = Console(file=out, width=120)
    table = Table(title=f"sentia-testkit scan {report.target}")
    for column in ("tool", "check", "result"):
        table.add_column(column)
    for result in report.results:
        style = "yellow" if result.skipped else "green" if result.ok else "red"
        table.add_row(result.tool, result.check, f"[{style}]{_status(result)}[/{style}]")
    console.print(table)
    for finding in report.findings:
        console.print(finding.render(), markup=False, highlight=False)
    console.print(summary_line(report), markup=False, highlight=False)


def to_json(report: ScanReport) -> dict[str, Any]:
    return {
        "target": report.target,
        "error": report.error or None,
        "results": [
            {
                "tool": result.tool,
                "check": result.check,
                "calls": result.calls,
                "skipped": result.skipped or None,
                "findings": [{**asdict(finding), "severity": finding.severity.value} for finding in result.findings],
            }
            for result in report.results
        ],
    }


def write_json(report: ScanReport, path: Path) -> None:
    path.write_text(json.dumps(to_json(report), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def to_junit(report: ScanReport) -> ElementTree.ElementTree[ElementTree.Element]:
    """A `testsuite` with one `testcase` (classname: the tool, name: the check) per result; a target that could not
    be scanned is one errored test case."""
    suite = ElementTree.Element("testsuite", name=f"sentia-testkit scan {report.target}")
    counts = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    if report.error:
        case = ElementTree.SubElement(suite, "testcase", classname="target", name="connect")
        ElementTree.SubElement(case, "error", message=report.error)
        counts["tests"], counts["errors"] = 1, 1
    for result in report.results:
        counts["tests"] += 1
        case = ElementTree.SubElement(suite, "testcase", classname=result.tool, name=result.check)
        if result.skipped:
            counts["skipped"] += 1
            ElementTree.SubElement(case, "skipped", message=result.skipped)
        elif result.findings:
            counts["failures"] += 1
            failure = ElementTree.SubElement(case, "failure", message=result.findings[0].title)
            failure.text = "\n".join(finding.render() for finding in result.findings)
    for name, count in counts.items():
        suite.set(name, str(count))
    return ElementTree.ElementTree(suite)


def write_junit(report: ScanReport, path: Path) -> None:
    to_junit(report).write(path, encoding="utf-8", xml_declaration=True)
