"""The security gate judged from bandit JSON reports written by hand (the real bandit runs in tests/integration)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from sentia_testkit.gates.base import GateContext, ToolUnavailable
from sentia_testkit.gates.config import GatesConfig
from sentia_testkit.gates.model import GateStatus
from sentia_testkit.gates.security import SecurityGate, bandit_excludes


def issue(rule: str, severity: str, confidence: str, line: int = 4, text: str = "Something risky.") -> dict[str, Any]:
    return {
        "filename": "pkg/mod.py",
        "line_number": line,
        "test_id": rule,
        "issue_text": text,
        "issue_severity": severity.upper(),
        "issue_confidence": confidence.upper(),
        "issue_cwe": {"id": 78, "link": "https://cwe.mitre.org/data/definitions/78.html"},
    }


def bandit_report(
    results: list[dict[str, Any]], errors: list[dict[str, str]] | None = None, *, nosec: int = 0, files: int = 1
) -> dict[str, Any]:
    metrics: dict[str, Any] = {f"pkg/file{n}.py": {"loc": 10, "nosec": 0} for n in range(files)}
    metrics["_totals"] = {"loc": 10 * files, "nosec": nosec, "skipped_tests": 0}
    return {"errors": errors or [], "metrics": metrics, "results": results}


def context(tmp_path: Path, report: dict[str, Any] | str | None, **security: Any) -> GateContext:
    reports = tmp_path / "reports"
    reports.mkdir(parents=True)
    if report is not None:
        text = report if isinstance(report, str) else json.dumps(report)
        (reports / "bandit.json").write_text(text)
    return GateContext(tmp_path, reports, GatesConfig(paths=["pkg"], security=security))


SHELL_TRUE = "subprocess call with shell=True identified, security issue."


def test_a_finding_at_the_threshold_fails_with_the_limit_the_count_and_a_reproducer(tmp_path: Path):
    ctx = context(tmp_path, bandit_report([issue("B602", "high", "high", text=SHELL_TRUE)]))
    result = SecurityGate().evaluate(ctx)
    assert result.status is GateStatus.FAIL
    assert result.summary == "findings at or above medium/medium: 1 (limit 0): B602 at pkg/mod.py:4"
    [finding] = result.findings
    assert finding.location == "pkg/mod.py:4"
    assert finding.message == (
        "B602 subprocess call with shell=True identified, security issue (severity high, confidence high, CWE-78); "
        "reproduce: bandit -t B602 pkg/mod.py"
    )
    assert (finding.severity, finding.rule) == ("high", "B602")
    assert result.checks[0].name == "findings at or above medium/medium"
    assert (result.checks[0].measured, result.checks[0].limit, result.checks[0].passed) == ("1", "0", False)


@pytest.mark.parametrize(
    ("threshold", "finding", "blocks"),
    [
        (("medium", "medium"), ("medium", "medium"), True),
        (("medium", "medium"), ("high", "low"), False),
        (("medium", "medium"), ("low", "high"), False),
        (("medium", "medium"), ("undefined", "high"), False),
        (("high", "high"), ("high", "medium"), False),
        (("high", "high"), ("high", "high"), True),
        (("low", "low"), ("low", "low"), True),
        (("low", "medium"), ("high", "low"), False),
    ],
)
def test_a_finding_blocks_only_at_or_above_both_levels(
    tmp_path: Path, threshold: tuple[str, str], finding: tuple[str, str], blocks: bool
):
    severity, confidence = threshold
    ctx = context(tmp_path, bandit_report([issue("B999", *finding)]), severity=severity, confidence=confidence)
    result = SecurityGate().evaluate(ctx)
    assert result.status is (GateStatus.FAIL if blocks else GateStatus.PASS)
    assert len(result.findings) == int(blocks)


def test_findings_below_the_threshold_are_counted_in_the_notes(tmp_path: Path):
    report = bandit_report([issue("B404", "low", "high", line=1), issue("B603", "low", "high", line=9)], nosec=2)
    result = SecurityGate().evaluate(context(tmp_path, report))
    assert result.status is GateStatus.PASS
    assert result.summary == "no findings at or above medium/medium in 1 files (10 lines); 2 below the threshold"
    assert "bandit honoured 2 `nosec` comments (0 tests skipped by them)" in result.notes
    assert "2 findings below the medium/medium threshold do not fail the gate: B404 x1, B603 x1" in result.notes
    assert "below threshold: pkg/mod.py:9 B603 (severity low, confidence high)" in result.notes
    assert result.details["below_threshold"][0]["rule"] == "B404"


def test_a_file_bandit_could_not_parse_is_an_error_naming_the_file_and_the_reason(tmp_path: Path):
    errors = [{"filename": "pkg/broken.py", "reason": "syntax error while parsing AST from file"}]
    result = SecurityGate().evaluate(context(tmp_path, bandit_report([], errors)))
    assert result.status is GateStatus.ERROR
    assert result.summary.startswith("files bandit could not parse: 1 (limit 0), so they were not analysed")
    assert "pkg/broken.py (syntax error while parsing AST from file)" in result.summary
    assert result.findings[0].location == "pkg/broken.py"
    assert [(c.name, c.measured, c.passed) for c in result.checks if not c.passed] == [
        ("files bandit could not parse", "1", False)
    ]


def test_findings_and_unparsed_files_together_fail_naming_both(tmp_path: Path):
    errors = [{"filename": "pkg/broken.py", "reason": "syntax error while parsing AST from file"}]
    result = SecurityGate().evaluate(context(tmp_path, bandit_report([issue("B307", "medium", "high")], errors)))
    assert result.status is GateStatus.FAIL
    assert "findings at or above medium/medium: 1 (limit 0): B307 at pkg/mod.py:4" in result.summary
    assert "files bandit could not parse: 1 (limit 0): pkg/broken.py" in result.summary


def test_zero_files_analysed_is_never_a_pass(tmp_path: Path):
    result = SecurityGate().evaluate(context(tmp_path, bandit_report([], files=0)))
    assert result.status is GateStatus.FAIL
    assert result.summary == "files analysed 0 (limit >= 1)"


def test_excluded_paths_are_named_in_the_notes(tmp_path: Path):
    result = SecurityGate().evaluate(context(tmp_path, bandit_report([]), exclude=["pkg/generated"]))
    assert "excluded from the scan by configuration: pkg/generated" in result.notes


def test_a_missing_report_is_unavailable_and_a_broken_one_an_error(tmp_path: Path):
    missing = SecurityGate().evaluate(context(tmp_path / "a", None))
    assert missing.status is GateStatus.UNAVAILABLE
    assert "bandit.json" in missing.summary
    broken = SecurityGate().evaluate(context(tmp_path / "b", '{"results": []}'))
    assert broken.status is GateStatus.ERROR
    assert "KeyError" in broken.summary


def test_produce_without_a_report_is_a_tool_failure(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    fake = tmp_path / "bin" / "bandit"
    fake.parent.mkdir()
    fake.write_text("#!/bin/sh\necho 'bandit: crashed before writing' >&2\nexit 2\n")
    fake.chmod(0o755)
    ctx = context(tmp_path, None)
    monkeypatch.setattr(GateContext, "tool", lambda _self, _name: str(fake))
    with pytest.raises(ToolUnavailable, match=r"bandit exited 2 without writing .*bandit\.json: bandit: crashed"):
        SecurityGate().produce(ctx)


@pytest.mark.parametrize(
    ("exclude", "scans_root", "patterns"),
    [
        ([], False, []),
        (["pkg/generated"], False, ["pkg/generated", "./pkg/generated"]),
        (["./pkg/generated", "/abs/vendor"], False, ["./pkg/generated", "/abs/vendor"]),
        ([], True, ["./.*"]),
    ],
)
def test_excludes_match_how_bandit_walks_the_paths(exclude: list[str], scans_root: bool, patterns: list[str]):
    assert bandit_excludes(exclude, scans_root=scans_root) == patterns
