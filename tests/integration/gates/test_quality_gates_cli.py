"""`quality-gates` as CI runs it: exit codes, the table, the written reports, the job summary."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from support.projects import write_project

QUALITY_GATES = str(Path(sys.executable).with_name("quality-gates"))
PASSING_JUNIT = '<testsuite><testcase classname="t" name="a"/><testcase classname="t" name="b"/></testsuite>'
FAILING_JUNIT = '<testsuite><testcase classname="t" name="a"><failure message="boom"/></testcase></testsuite>'
PROJECT = {
    "app/__init__.py": "",
    "app/calc.py": "def double(x):\n    if x is None:\n        return 0\n    return 2 * x\n",
    "tests/test_calc.py": (
        "from app.calc import double\n\ndef test_double():\n    assert double(2) == 4\n    assert double(None) == 0\n"
    ),
    "pyproject.toml": '[tool.coverage.run]\nbranch = true\nsource = ["app"]\n',
}


def _coverage_of_this_run() -> dict[str, str]:
    """When the suite runs under coverage, the command under test is measured too."""
    return {key: value for key, value in os.environ.items() if key.startswith("COVERAGE_")}


def gates(root: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [QUALITY_GATES, "--root", str(root), *args],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env={
            **_coverage_of_this_run(),
            "PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin",
            "COLUMNS": "200",
            **(env or {}),
        },
    )


def reports(root: Path, junit: str) -> Path:
    directory = root / "reports"
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "junit.xml").write_text(junit)
    return directory


def test_full_run_of_tests_and_coverage_passes_and_writes_every_report(tmp_path: Path):
    write_project(tmp_path, PROJECT)
    result = gates(tmp_path, "--only", "tests,coverage")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "quality gates: all gates pass (exit 0)" in result.stdout
    assert "tests" in result.stdout
    assert "PASS" in result.stdout
    written = {path.name for path in (tmp_path / "reports").iterdir()}
    assert {"junit.xml", "coverage.json", "quality-gates.json", "quality-gates.md", "quality-gates.html"} <= written
    summary = json.loads((tmp_path / "reports" / "quality-gates.json").read_text())
    assert [gate["gate"] for gate in summary["gates"]] == ["tests", "coverage"]
    assert summary["mode"] == "produce and evaluate"


def test_failing_tests_exit_1(tmp_path: Path):
    directory = reports(tmp_path, FAILING_JUNIT)
    result = gates(tmp_path, "--from-reports", str(directory), "--only", "tests")
    assert result.returncode == 1
    assert "quality gates: tests failed (exit 1)" in result.stdout
    assert "t::a: boom" in result.stdout


def test_failing_gate_exit_3_and_missing_report_exit_4(tmp_path: Path):
    directory = reports(tmp_path, PASSING_JUNIT)
    (directory / "coverage.json").write_text(
        json.dumps(
            {
                "meta": {"branch_coverage": True},
                "files": {
                    "app/a.py": {
                        "summary": {"num_statements": 10, "covered_lines": 5, "num_branches": 2, "covered_branches": 1},
                        "functions": {"f": {"summary": {"num_statements": 3, "covered_lines": 0}}},
                    }
                },
            }
        )
    )
    failed = gates(tmp_path, "--from-reports", str(directory), "--only", "tests,coverage")
    assert failed.returncode == 3
    assert "global lines 50.00% (limit >= 90%)" in failed.stdout
    missing = gates(tmp_path, "--from-reports", str(directory), "--only", "tests,coverage", "--reports-dir", "x")
    assert missing.returncode == 3  # --from-reports wins over --reports-dir
    (directory / "coverage.json").unlink()
    unavailable = gates(tmp_path, "--from-reports", str(directory), "--only", "tests,coverage")
    assert unavailable.returncode == 4
    assert "UNAVAILABLE" in unavailable.stdout
    assert "a gate could not be evaluated (exit 4)" in unavailable.stdout


def test_tolerated_unavailable_gate_is_printed_and_passes(tmp_path: Path):
    directory = reports(tmp_path, PASSING_JUNIT)
    (tmp_path / "pyproject.toml").write_text(
        '[tool.sentia.gates]\ntolerate_unavailable = { coverage = "coverage is measured in another pipeline" }\n'
    )
    result = gates(tmp_path, "--from-reports", str(directory), "--only", "tests,coverage")
    assert result.returncode == 0, result.stdout
    assert "UNAVAILABLE (tolerated)" in result.stdout
    assert "UNAVAILABLE is tolerated by configuration: coverage is measured in another pipeline" in result.stdout
    assert "tolerated unavailable gates 1" in result.stdout


def test_markdown_goes_to_the_ci_job_summary(tmp_path: Path):
    directory = reports(tmp_path, PASSING_JUNIT)
    summary = tmp_path / "summary.md"
    result = gates(
        tmp_path, "--from-reports", str(directory), "--only", "tests", env={"GITHUB_STEP_SUMMARY": str(summary)}
    )
    assert result.returncode == 0
    text = summary.read_text()
    assert text.startswith("## Quality gates: all gates pass (exit 0)")
    assert "| tests | ✅ PASS | 2 passed, 0 skipped, 0 xfailed |" in text


def test_invalid_configuration_exits_4_naming_the_key(tmp_path: Path):
    (tmp_path / "pyproject.toml").write_text("[tool.sentia.gates.coverage]\nlines = 50\n")
    result = gates(tmp_path, "--only", "coverage")
    assert result.returncode == 4
    assert "need loosened_reason" in result.stdout


@pytest.mark.parametrize("option", ["--only", "--skip"])
def test_unknown_gate_names_are_refused(tmp_path: Path, option: str):
    result = gates(tmp_path, option, "tests,speed")
    assert result.returncode == 2
    assert "unknown gate(s) speed" in result.stderr


def test_produce_only_writes_reports_without_judging(tmp_path: Path):
    write_project(tmp_path, PROJECT)
    result = gates(tmp_path, "--only", "tests", "--produce-only")
    assert result.returncode == 0, result.stdout
    assert (tmp_path / "reports" / "junit.xml").is_file()
    assert not (tmp_path / "reports" / "quality-gates.json").exists()
