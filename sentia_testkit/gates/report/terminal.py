"""The terminal view: live progress while tools run, then the gate table."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.status import Status
from rich.table import Table
from rich.text import Text

from sentia_testkit.gates.model import GateRun
from sentia_testkit.gates.runner import Progress

STYLES = {"PASS": "bold green", "FAIL": "bold red", "ERROR": "bold yellow", "UNAVAILABLE": "bold magenta"}


@contextmanager
def live_progress(console: Console) -> Iterator[Progress]:
    """Yields a progress callback that shows what is running now and prints each gate's verdict as it lands."""
    status: Status = console.status("starting")
    status.start()

    def progress(gate: str, what: str) -> None:
        if what in STYLES:
            console.print(Text.assemble(f"{gate:<13}", (what, STYLES[what])))
        elif what != "done":
            status.update(f"{gate}: {what}")

    try:
        yield progress
    finally:
        status.stop()


def render(run: GateRun, console: Console) -> None:
    """The details of every gate that has any, then the table and the verdict, so the output ends with them."""
    for result in run.results:
        failed = [check for check in result.checks if not check.passed]
        findings = [f for f in result.findings if f.severity not in ("skipped", "xfailed")]
        if failed or findings or result.notes:
            console.print(Text(f"{result.gate}:", style="bold"))
        for check in failed[:20]:
            console.print(f"  {check.name}: {check.measured} (limit {check.limit})", markup=False)
        for finding in findings[:20]:
            console.print(f"  {finding.location}: {finding.message}", markup=False, soft_wrap=True)
        if len(findings) > 20:
            console.print(f"  … and {len(findings) - 20} more (see the HTML or JSON report)")
        for note in result.notes:
            console.print(f"  note: {note}", markup=False, style="dim", soft_wrap=True)
    table = Table(title=f"Quality gates ({run.mode})", expand=True, show_lines=False)
    table.add_column("gate", no_wrap=True)
    table.add_column("status", no_wrap=True)
    table.add_column("result", overflow="fold")
    for result in run.results:
        status = Text(result.status.value, style=STYLES[result.status.value])
        if result.tolerated:
            status.append(" (tolerated)")
        table.add_row(result.gate, status, Text(result.summary))
    console.print(table)
    hatches = ", ".join(f"{kind} {count}" for kind, count in sorted(run.escape_hatches.counts.items()))
    console.print(f"escape hatches: {hatches}", markup=False, soft_wrap=True)
    style = "bold green" if run.exit_code == 0 else "bold red"
    console.print(Text(f"quality gates: {run.verdict} (exit {run.exit_code})", style=style))
