"""security: bandit's JSON report over the configured source paths.

A finding fails the gate when both its severity and its confidence are at or above the configured levels
(low < medium < high); findings below that are listed in the notes and counted. A file bandit could not parse (its
`errors`; bandit still exits 0 for those) was not analysed at all, so a clean result cannot be vouched for: with no
failing finding that is an ERROR naming each file and bandit's reason, and it is listed among the failed checks of a
FAIL. The `nosec` comments bandit honoured are counted in the notes (the escape-hatch scan lists the comments).
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from typing import Any

from sentia_testkit.gates.base import (
    GateContext,
    ToolUnavailable,
    missing_report,
    read_json,
    run_tool,
    unreadable_report,
)
from sentia_testkit.gates.model import Check, Finding, GateResult, GateStatus

LEVELS = {"undefined": 0, "low": 1, "medium": 2, "high": 3}
BANDIT_TIMEOUT = 900.0
BELOW_THRESHOLD_NOTES = 20


@dataclass(frozen=True)
class Issue:
    """One entry of bandit's `results`."""

    path: str
    line: int
    rule: str
    text: str
    severity: str
    confidence: str
    cwe: int | None

    @classmethod
    def from_bandit(cls, data: dict[str, Any]) -> Issue:
        cwe = data.get("issue_cwe") or {}
        return cls(
            path=str(data["filename"]),
            line=int(data["line_number"]),
            rule=str(data["test_id"]),
            text=str(data["issue_text"]).strip().rstrip("."),
            severity=str(data["issue_severity"]).lower(),
            confidence=str(data["issue_confidence"]).lower(),
            cwe=int(cwe["id"]) if isinstance(cwe, dict) and cwe.get("id") else None,
        )

    def at_or_above(self, severity: str, confidence: str) -> bool:
        return LEVELS.get(self.severity, 0) >= LEVELS[severity] and LEVELS.get(self.confidence, 0) >= LEVELS[confidence]

    @property
    def location(self) -> str:
        return f"{self.path}:{self.line}"

    def describe(self) -> str:
        cwe = f", CWE-{self.cwe}" if self.cwe else ""
        return f"{self.rule} {self.text} (severity {self.severity}, confidence {self.confidence}{cwe})"


class SecurityGate:
    name = "security"
    title = "Security"

    def produce(self, ctx: GateContext) -> None:
        config = ctx.config.security
        ctx.reports_dir.mkdir(parents=True, exist_ok=True)
        report = ctx.report(config.report)
        report.unlink(missing_ok=True)
        command = [ctx.tool("bandit"), "-r", *(ctx.config.paths or ["."]), "-f", "json", "-o", str(report), "-q"]
        excludes = bandit_excludes(config.exclude, scans_root=not ctx.config.paths)
        if excludes:
            command += ["-x", ",".join(excludes)]
        run = run_tool(command, cwd=ctx.root, timeout=BANDIT_TIMEOUT)
        # bandit exits 1 when it finds issues; only a run that leaves no report is a failure of the tool.
        if not report.is_file():
            detail = (run.stderr.strip() or run.stdout.strip() or "(no output)").splitlines()[-1][:400]
            raise ToolUnavailable(f"bandit exited {run.exit_code} without writing {report}: {detail}")

    def evaluate(self, ctx: GateContext) -> GateResult:
        config = ctx.config.security
        path = ctx.report(config.report)
        if not path.is_file():
            return missing_report(self.name, path, "run `bandit -r <paths> -f json -o` into the reports directory")
        try:
            report = read_json(path)
            issues = [Issue.from_bandit(item) for item in report["results"]]
            errors = [(str(item["filename"]), str(item["reason"])) for item in report["errors"]]
            totals = report["metrics"]["_totals"]
            scanned = sorted(set(report["metrics"]) - {"_totals"} - {name for name, _ in errors})
        except (OSError, json.JSONDecodeError, KeyError, TypeError, ValueError) as error:
            return unreadable_report(self.name, path, error)
        return judge(issues, errors, scanned, totals, config.severity, config.confidence, config.exclude)


def bandit_excludes(exclude: list[str], *, scans_root: bool) -> list[str]:
    """bandit matches excludes against the paths it walks, and a walk of "." yields "./pkg/x.py": so a relative
    exclude is passed as written and with "./" in front. A scan of the root leaves out hidden directories (.venv)."""
    patterns: list[str] = []
    for path in exclude:
        patterns.append(path)
        if not path.startswith(("/", "./")):
            patterns.append(f"./{path}")
    return [*patterns, "./.*"] if scans_root else patterns


def judge(
    issues: list[Issue],
    errors: list[tuple[str, str]],
    scanned: list[str],
    totals: dict[str, Any],
    severity: str,
    confidence: str,
    exclude: list[str],
) -> GateResult:
    threshold = f"{severity}/{confidence}"
    blocking = [issue for issue in issues if issue.at_or_above(severity, confidence)]
    below = [issue for issue in issues if not issue.at_or_above(severity, confidence)]
    findings = [
        Finding(
            issue.location,
            f"{issue.describe()}; reproduce: bandit -t {issue.rule} {issue.path}",
            issue.severity,
            issue.rule,
        )
        for issue in blocking
    ]
    findings += [
        Finding(name, f"bandit could not parse this file, so it was not analysed: {reason}", "error", "bandit-error")
        for name, reason in errors
    ]
    checks = [
        Check(f"findings at or above {threshold}", str(len(blocking)), "0", not blocking),
        Check("files bandit could not parse", str(len(errors)), "0", not errors),
        Check("files analysed", str(len(scanned)), ">= 1", len(scanned) >= 1),
    ]
    notes = [
        f"bandit honoured {int(totals.get('nosec', 0))} `nosec` comments "
        f"({int(totals.get('skipped_tests', 0))} tests skipped by them)"
    ]
    if below:
        counts = ", ".join(f"{rule} x{count}" for rule, count in sorted(Counter(i.rule for i in below).items()))
        notes.append(f"{len(below)} findings below the {threshold} threshold do not fail the gate: {counts}")
        notes += [
            f"below threshold: {issue.location} {issue.rule} (severity {issue.severity}, confidence {issue.confidence})"
            for issue in below[:BELOW_THRESHOLD_NOTES]
        ]
        if len(below) > BELOW_THRESHOLD_NOTES:
            notes.append(f"and {len(below) - BELOW_THRESHOLD_NOTES} more below the threshold (see bandit.json)")
    if exclude:
        notes.append(f"excluded from the scan by configuration: {', '.join(exclude)}")
    result = GateResult.from_checks("security", checks, findings=findings, notes=notes)
    result.details = {
        "threshold": {"severity": severity, "confidence": confidence},
        "files_analysed": len(scanned),
        "lines_analysed": totals.get("loc"),
        "below_threshold": [
            {"location": i.location, "rule": i.rule, "severity": i.severity, "confidence": i.confidence} for i in below
        ],
        "unparsed": [{"file": name, "reason": reason} for name, reason in errors],
    }
    unparsed = "; ".join(f"{name} ({reason})" for name, reason in errors[:5]) + (
        f" and {len(errors) - 5} more" if len(errors) > 5 else ""
    )
    if blocking:
        named = ", ".join(f"{issue.rule} at {issue.location}" for issue in blocking[:5])
        more = f" and {len(blocking) - 5} more" if len(blocking) > 5 else ""
        result.summary = f"findings at or above {threshold}: {len(blocking)} (limit 0): {named}{more}"
        if errors:
            result.summary += f"; files bandit could not parse: {len(errors)} (limit 0): {unparsed}"
    elif errors:
        result.status = GateStatus.ERROR
        result.summary = (
            f"files bandit could not parse: {len(errors)} (limit 0), so they were not analysed and the gate cannot "
            f"pass: {unparsed}; fix them or exclude them in [tool.sentia.gates.security]"
        )
    elif result.status is GateStatus.PASS:
        result.summary = (
            f"no findings at or above {threshold} in {len(scanned)} files ({totals.get('loc', '?')} lines); "
            f"{len(below)} below the threshold"
        )
    return result
