"""A self-contained HTML page (inline CSS, no scripts): per-gate detail, the per-file coverage table, escape hatches.

The page is a CI artifact that people open from a download or a file share, so it loads nothing from the network
and runs no JavaScript (`<details>` does the collapsing). Every piece of text comes from tool output or
configuration and goes through `html.escape`; statuses are spelled out, so the page reads the same without colour.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from html import escape

from sentia_testkit.gates.model import Check, EscapeHatches, Finding, GateResult, GateRun, GateStatus

COLLAPSE_AFTER = 20
"""Lists longer than this start collapsed, with their count in the summary line."""

NOT_RUN = ("skipped", "xfailed")
"""Finding severities that inform rather than block (the tests gate counts them as escape hatches)."""

_STATUS_CLASS = {
    GateStatus.PASS: "pass",
    GateStatus.FAIL: "fail",
    GateStatus.ERROR: "error",
    GateStatus.UNAVAILABLE: "unavailable",
}
_SEVERITY_CLASS = {"failure": "fail", "error": "fail", "critical": "fail", "high": "fail", "warning": "error"}

CSS = """
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0; background: #f6f7f9; color: #1f2328;
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
main { max-width: 1200px; margin: 0 auto; padding: 24px 32px 48px; }
h1 { font-size: 1.6rem; margin: 0 0 4px; }
h2 { font-size: 1.25rem; margin: 0 0 8px; display: flex; gap: 10px; align-items: center; }
h3 { font-size: 1rem; margin: 18px 0 6px; }
code, .mono { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, "Liberation Mono", monospace;
  font-size: 0.86em; }
.wrap { overflow-wrap: anywhere; }
.muted { color: #57606a; }
section, header.page { background: #fff; border: 1px solid #d0d7de; border-radius: 8px;
  padding: 18px 22px; margin: 0 0 18px; }
.verdict { display: flex; align-items: center; gap: 14px; padding: 12px 16px; border-radius: 6px;
  border: 1px solid; font-size: 1.15rem; font-weight: 600; margin: 10px 0 14px; }
.verdict.pass { background: #d1e7dd; color: #0a3622; border-color: #75b798; }
.verdict.fail { background: #f8d7da; color: #58151c; border-color: #e1838d; }
dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: 4px 18px; margin: 0; }
dl.meta dt { font-weight: 600; color: #424a53; }
dl.meta dd { margin: 0; }
table { border-collapse: collapse; width: 100%; margin: 6px 0 4px; background: #fff; }
caption { text-align: left; font-weight: 600; padding: 4px 0 6px; }
th, td { border: 1px solid #d0d7de; padding: 6px 10px; text-align: left; vertical-align: top; }
thead th { background: #eef1f4; color: #24292f; font-size: 0.9em; white-space: nowrap; }
tbody th { font-weight: 500; }
tfoot th, tfoot td { background: #f6f8fa; font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr.row-fail > * { background: #fdecee; }
tr.row-fail > :first-child { box-shadow: inset 4px 0 0 #b02a37; }
.badge { display: inline-block; min-width: 4.6em; padding: 1px 8px; border-radius: 4px; border: 1px solid;
  font-size: 0.8rem; font-weight: 700; letter-spacing: 0.03em; text-align: center; white-space: nowrap; }
.badge.pass { background: #d1e7dd; color: #0a3622; border-color: #75b798; }
.badge.fail { background: #f8d7da; color: #58151c; border-color: #e1838d; }
.badge.error { background: #fff3cd; color: #523e02; border-color: #e0b84a; }
.badge.unavailable { background: #e8def8; color: #3d2466; border-color: #a98eda; }
.badge.neutral { background: #e9ecef; color: #343a40; border-color: #adb5bd; }
details { margin: 6px 0; }
details > summary { cursor: pointer; font-weight: 600; padding: 4px 0; }
details ul, section ul { margin: 4px 0; padding-left: 22px; }
td details { margin: 0; }
td details > summary { font-weight: 400; padding: 0; }
ul.notes li { margin: 2px 0; }
p.summary { margin: 4px 0 8px; }
a { color: #0550ae; }
footer { color: #57606a; font-size: 0.85em; text-align: center; }
"""


def render(run: GateRun) -> str:
    """The whole page for one run; a pure function of `run`."""
    title = f"Quality gates: {run.verdict} (exit {run.exit_code})"
    body = "\n".join(
        [
            _header(run, title),
            _summary_table(run.results),
            *(_gate_section(result) for result in run.results),
            _escape_hatches(run.escape_hatches),
            "<footer><p>Written by <code>quality-gates</code>. This page runs no scripts and loads nothing "
            "from the network.</p></footer>",
        ]
    )
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(title)}</title>\n<style>{CSS}</style>\n</head>\n"
        f"<body>\n<main>\n{body}\n</main>\n</body>\n</html>\n"
    )


def _header(run: GateRun, title: str) -> str:
    verdict_class = "pass" if run.exit_code == 0 else "fail"
    word = "PASS" if run.exit_code == 0 else "FAIL"
    meta = [
        ("Mode", escape(run.mode)),
        ("Reports", f"<code class='wrap'>{escape(run.reports_dir)}</code>"),
        ("Started", escape(run.started_at)),
        ("Finished", escape(run.finished_at)),
    ]
    if (duration := _duration(run.started_at, run.finished_at)) is not None:
        meta.append(("Duration", escape(duration)))
    rows = "".join(f"<dt>{name}</dt><dd>{value}</dd>" for name, value in meta)
    return (
        '<header class="page">\n'
        f"<h1>{escape(title)}</h1>\n"
        f'<div class="verdict {verdict_class}" role="status">{_badge(word, verdict_class)}'
        f"<span>{escape(run.verdict)} — exit code {run.exit_code}</span></div>\n"
        f'<dl class="meta">{rows}</dl>\n</header>'
    )


def _duration(started: str, finished: str) -> str | None:
    """Wall time between the two ISO timestamps, or None when either does not parse."""
    try:
        seconds = int((datetime.fromisoformat(finished) - datetime.fromisoformat(started)).total_seconds())
    except (ValueError, TypeError):
        return None
    if seconds < 0:
        return None
    minutes, seconds = divmod(seconds, 60)
    return f"{minutes} min {seconds} s" if minutes else f"{seconds} s"


def _summary_table(results: Sequence[GateResult]) -> str:
    rows = [
        [
            f"<a href='#{_anchor(result.gate)}'>{escape(result.gate)}</a>",
            _status_badge(result),
            "yes" if result.blocking else "no",
            f"<span class='wrap'>{escape(result.summary)}</span>",
        ]
        for result in results
    ]
    table = _table(None, ["gate", "status", "blocks the run", "result"], rows, row_headers=True)
    if not results:
        table = "<p><strong>No gate ran.</strong> Check <code>--only</code> and <code>--skip</code>.</p>"
    return f'<section aria-labelledby="gates">\n<h2 id="gates">Gates</h2>\n{table}\n</section>'


def _gate_section(result: GateResult) -> str:
    anchor = _anchor(result.gate)
    parts = [
        f'<section aria-labelledby="{anchor}">',
        f'<h2 id="{anchor}">{escape(result.gate)} {_status_badge(result)}</h2>',
        f"<p class='summary wrap'>{escape(result.summary)}</p>",
    ]
    if result.tolerated:
        parts.append(f"<p><strong>Tolerated:</strong> {escape(result.tolerated)}</p>")
    parts += [
        _checks(result.checks),
        _notes(result.notes),
        _counts(result.details.get("counts")),
        _coverage_files(result.details) if result.gate == "coverage" else "",
        _findings(result.findings),
        "</section>",
    ]
    return "\n".join(part for part in parts if part)


def _checks(checks: Sequence[Check]) -> str:
    if not checks:
        return ""
    ordered = sorted(checks, key=lambda check: check.passed)  # stable: failed checks first, else in order
    rows = [
        [escape(c.name), escape(c.measured), escape(c.limit), _badge("PASS" if c.passed else "FAIL")] for c in ordered
    ]
    failed = sum(1 for check in checks if not check.passed)
    table = _table(
        None,
        ["check", "measured", "limit", "result"],
        rows,
        row_headers=True,
        numeric={1, 2},
        failing={i for i, check in enumerate(ordered) if not check.passed},
    )
    return _collapsible(f"Checks: {len(checks)}, {failed} failed", table, len(checks) <= COLLAPSE_AFTER)


def _notes(notes: Sequence[str]) -> str:
    if not notes:
        return ""
    items = "".join(f"<li class='wrap'>{escape(note)}</li>" for note in notes)
    return f"<h3>Notes</h3>\n<ul class='notes'>{items}</ul>"


def _counts(counts: object) -> str:
    """The tests gate's counts (tests, failures, errors, skipped, xfailed) as a one-row table."""
    if not isinstance(counts, Mapping) or not counts:
        return ""
    headers = [str(name) for name in counts]
    cells = [escape(str(value)) for value in counts.values()]
    return _table("Counts", headers, [cells], numeric=set(range(len(cells))))


def _findings(findings: Sequence[Finding]) -> str:
    """Problems first, open when short; skipped and xfailed tests in their own group, always collapsed."""
    problems = [finding for finding in findings if finding.severity not in NOT_RUN]
    not_run = [finding for finding in findings if finding.severity in NOT_RUN]
    parts = []
    if problems:
        parts.append(
            _collapsible(
                f"Findings: {len(problems)} ({_by_severity(problems)})",
                _findings_table(problems),
                len(problems) <= COLLAPSE_AFTER,
            )
        )
    if not_run:
        parts.append(
            _collapsible(f"Not run: {len(not_run)} ({_by_severity(not_run)})", _findings_table(not_run), False)
        )
    return "\n".join(parts)


def _by_severity(findings: Iterable[Finding]) -> str:
    counts: dict[str, int] = {}
    for finding in findings:
        counts[finding.severity] = counts.get(finding.severity, 0) + 1
    return ", ".join(f"{count} {severity}" for severity, count in counts.items())


def _findings_table(findings: Sequence[Finding]) -> str:
    rows = [
        [
            _badge(f.severity, _SEVERITY_CLASS.get(f.severity.lower(), "neutral")),
            f"<code class='wrap'>{escape(f.location)}</code>",
            f"<span class='wrap'>{escape(f.message)}</span>",
            escape(f.rule or ""),
        ]
        for f in findings
    ]
    return _table(None, ["severity", "location", "message", "rule"], rows)


def _coverage_files(details: Mapping[str, object]) -> str:
    """Per-file coverage, failing files first, then the least covered; the override column gives the reason."""
    files = details.get("files")
    if not isinstance(files, list) or not files:
        return ""
    rows = sorted(
        (row for row in files if isinstance(row, Mapping)),
        key=lambda row: (row.get("passed") is not False, _number(row.get("lines")), str(row.get("file", ""))),
    )
    cells = [
        [
            f"<code class='wrap'>{escape(str(row.get('file', '?')))}</code>",
            _percent(row.get("lines")),
            _percent(row.get("functions")),
            _percent(row.get("branches")),
            escape(str(row.get("statements", ""))),
            _badge("FAIL") if row.get("passed") is False else _badge("PASS"),
            f"<span class='wrap'>{escape(str(row['override']))}</span>" if row.get("override") else "",
        ]
        for row in rows
    ]
    failing = {i for i, row in enumerate(rows) if row.get("passed") is False}
    total = details.get("total")
    footer = None
    if isinstance(total, Mapping):
        statements = sum(int(_number(row.get("statements"))) for row in rows)
        footer = [
            "total",
            _percent(total.get("lines")),
            _percent(total.get("functions")),
            _percent(total.get("branches")),
            str(statements),
            "",
            "",
        ]
    table = _table(
        None,
        ["file", "lines %", "functions %", "branches %", "statements", "result", "override"],
        cells,
        row_headers=True,
        numeric={1, 2, 3, 4},
        failing=failing,
        footer=footer,
    )
    summary = f"Per-file coverage: {len(rows)} files, {len(failing)} below their limits"
    return _collapsible(summary, table, True)


def _escape_hatches(hatches: EscapeHatches) -> str:
    heading = '<section aria-labelledby="escape-hatches">\n<h2 id="escape-hatches">Escape hatches</h2>\n'
    if not hatches.counts:
        return heading + "<p>None counted.</p>\n</section>"
    rows = []
    for kind, count in sorted(hatches.counts.items()):
        locations = hatches.locations.get(kind, [])
        listed = "".join(f"<li><code class='wrap'>{escape(location)}</code></li>" for location in locations)
        label = f"{len(locations)} location" + ("" if len(locations) == 1 else "s")
        where = _collapsible(label, f"<ul>{listed}</ul>", False) if locations else ""
        rows.append([escape(kind), str(count), where])
    total = ["total", str(sum(hatches.counts.values())), ""]
    intro = "<p class='muted'>Every way the checks were told to look away: inline comments, overrides, tolerances.</p>"
    table = _table(None, ["kind", "count", "locations"], rows, row_headers=True, numeric={1}, footer=total)
    return f"{heading}{intro}\n{table}\n</section>"


def _table(
    caption: str | None,
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    row_headers: bool = False,
    numeric: set[int] | None = None,
    failing: set[int] | None = None,
    footer: Sequence[str] | None = None,
) -> str:
    """A table from already-escaped cell HTML; headers and caption are escaped here."""
    numeric = numeric or set()
    failing = failing or set()
    num = ' class="num"'

    def cell(index: int, content: str, header: bool) -> str:
        classes = num if index in numeric else ""
        if header:
            return f'<th scope="row"{classes}>{content}</th>'
        return f"<td{classes}>{content}</td>"

    def row(cells: Sequence[str], css: str) -> str:
        body = "".join(cell(i, content, row_headers and i == 0) for i, content in enumerate(cells))
        return f"<tr{css}>{body}</tr>"

    head = "".join(
        f'<th scope="col"{num if i in numeric else ""}>{escape(name)}</th>' for i, name in enumerate(headers)
    )
    body = "\n".join(row(cells, ' class="row-fail"' if i in failing else "") for i, cells in enumerate(rows))
    foot = f"<tfoot>{row(footer, '')}</tfoot>" if footer is not None else ""
    title = f"<caption>{escape(caption)}</caption>" if caption else ""
    return f"<table>{title}<thead><tr>{head}</tr></thead>\n<tbody>\n{body}\n</tbody>{foot}</table>"


def _collapsible(summary: str, content: str, expanded: bool) -> str:
    """A `<details>` block: collapsing without JavaScript. `summary` is plain text and is escaped here."""
    return f"<details{' open' if expanded else ''}><summary>{escape(summary)}</summary>\n{content}\n</details>"


def _status_badge(result: GateResult) -> str:
    text = result.status.value + (" (tolerated)" if result.tolerated else "")
    return _badge(text, "neutral" if result.tolerated else _STATUS_CLASS[result.status])


def _badge(text: str, css: str | None = None) -> str:
    """A status word in a coloured box; the word carries the meaning, the colour only repeats it."""
    css = css or {"PASS": "pass", "FAIL": "fail"}.get(text, "neutral")
    return f'<span class="badge {css}">{escape(text)}</span>'


def _percent(value: object) -> str:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return "—" if value is None else escape(str(value))
    return f"{value:.2f}%"


def _number(value: object) -> float:
    """A sort key for numbers that may be missing from hand-written or older reports."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return 0.0
    return float(value)


def _anchor(gate: str) -> str:
    return "gate-" + (re.sub(r"[^a-z0-9]+", "-", gate.lower()).strip("-") or "unnamed")
