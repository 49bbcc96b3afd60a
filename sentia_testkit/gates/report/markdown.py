"""A Markdown summary, e.g. for `$GITHUB_STEP_SUMMARY`."""

from __future__ import annotations

from sentia_testkit.gates.model import GateRun

ICONS = {"PASS": "✅", "FAIL": "❌", "ERROR": "⚠️", "UNAVAILABLE": "⛔"}


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render(run: GateRun) -> str:
    lines = [
        f"## Quality gates: {run.verdict} (exit {run.exit_code})",
        "",
        "| gate | status | result |",
        "| --- | --- | --- |",
    ]
    for result in run.results:
        status = result.status.value + (" (tolerated)" if result.tolerated else "")
        lines.append(f"| {result.gate} | {ICONS[result.status.value]} {status} | {_cell(result.summary)} |")
    for result in run.results:
        failed = [check for check in result.checks if not check.passed]
        blocking_findings = [f for f in result.findings if f.severity not in ("skipped", "xfailed")]
        if not (failed or blocking_findings or result.notes):
            continue
        lines += ["", f"### {result.gate}", ""]
        lines += [f"- **{_cell(c.name)}**: {c.measured} (limit {c.limit})" for c in failed]
        lines += [f"- `{_cell(f.location)}` {_cell(f.message)}" for f in blocking_findings[:50]]
        if len(blocking_findings) > 50:
            lines.append(f"- … and {len(blocking_findings) - 50} more")
        lines += [f"- _note_: {_cell(note)}" for note in result.notes]
    lines += ["", "### Escape hatches", "", "| kind | count |", "| --- | --- |"]
    lines += [f"| {kind} | {count} |" for kind, count in sorted(run.escape_hatches.counts.items())]
    return "\n".join(lines) + "\n"
