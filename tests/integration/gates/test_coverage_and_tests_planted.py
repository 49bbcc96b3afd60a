"""The coverage and tests gates against throwaway projects with planted defects, measured by the real tools."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from support.projects import context, run_coverage, write_project

from sentia_testkit.gates.base import ToolUnavailable
from sentia_testkit.gates.coverage import CoverageGate
from sentia_testkit.gates.model import GateStatus
from sentia_testkit.gates.tests import TestsGate

WELL_TESTED = {
    "app/__init__.py": "",
    "app/orders.py": """
        def total(lines):
            amount = 0
            for quantity, price in lines:
                if quantity <= 0:
                    raise ValueError("quantity must be positive")
                amount += quantity * price
            return amount
    """,
    "tests/test_orders.py": """
        import pytest
        from app.orders import total

        def test_total():
            assert total([(2, 5), (1, 3)]) == 13

        def test_rejects_zero():
            with pytest.raises(ValueError):
                total([(0, 1)])
    """,
}

UNTESTED_MODULE = {
    "app/legacy.py": """
        def convert(value, unit):
            if unit == "mm":
                return value / 1000
            if unit == "cm":
                return value / 100
            return value

        def describe(value):
            return f"{value} m"
    """,
    "tests/test_legacy.py": """
        from app.legacy import convert

        def test_metres():
            assert convert(3, "m") == 3
    """,
}

UNCOVERED_FUNCTION = {
    "app/orders.py": WELL_TESTED["app/orders.py"]
    + """
        def refund(order):
            return -total(order)

        def cancel(order):
            return []

        def archive(order):
            return None
    """,
}


def evaluate(root: Path, **config: object):
    return CoverageGate().evaluate(context(root, **config))


def test_well_tested_project_passes(tmp_path: Path):
    run_coverage(write_project(tmp_path, WELL_TESTED))
    result = evaluate(tmp_path)
    assert result.status is GateStatus.PASS, result.summary
    assert result.summary.startswith("lines 100.00%, functions 100.00%, branches 100.00% over 2 files")


def test_file_under_the_per_file_threshold_fails_naming_file_limit_and_value(tmp_path: Path):
    run_coverage(write_project(tmp_path, {**WELL_TESTED, **UNTESTED_MODULE}))
    result = evaluate(tmp_path)
    assert result.status is GateStatus.FAIL
    failed = {check.name: (check.measured, check.limit) for check in result.checks if not check.passed}
    assert failed["app/legacy.py lines"] == ("62.50%", ">= 90%")
    assert failed["app/legacy.py branches"] == ("50.00%", ">= 80%")
    assert failed["app/legacy.py functions"] == ("50.00%", ">= 85%")
    assert "app/legacy.py lines 62.50% (limit >= 90%)" in result.summary
    [legacy] = [row for row in result.details["files"] if row["file"] == "app/legacy.py"]
    assert legacy["passed"] is False


def test_uncovered_functions_fail_the_function_threshold(tmp_path: Path):
    run_coverage(write_project(tmp_path, {**WELL_TESTED, **UNCOVERED_FUNCTION}))
    result = evaluate(tmp_path)
    failed = {check.name: check.measured for check in result.checks if not check.passed}
    assert failed["global functions"] == "25.00%"
    assert failed["app/orders.py functions"] == "25.00%"


def test_override_with_reason_passes_and_is_printed(tmp_path: Path):
    run_coverage(write_project(tmp_path, {**WELL_TESTED, **UNTESTED_MODULE}))
    result = evaluate(
        tmp_path,
        coverage={
            "lines": 80,
            "functions": 50,
            "branches": 40,
            "statements": 80,
            "loosened_reason": "a small project with one legacy module",
            "overrides": [
                {"path": "app/legacy.py", "lines": 60, "branches": 20, "statements": 60, "reason": "unit table moves"},
                {"path": "app/removed.py", "lines": 10, "reason": "file that no longer exists"},
            ],
        },
    )
    assert result.status is GateStatus.PASS, result.summary
    assert "override for app/legacy.py (lines 60%, branches 20%, statements 60%): unit table moves" in result.notes
    assert "override for app/removed.py matches no measured file (remove it)" in result.notes
    assert any(note.startswith("global lines threshold 80% is below the default 90%") for note in result.notes)


def test_report_without_branch_data_is_an_error_not_a_pass(tmp_path: Path):
    run_coverage(write_project(tmp_path, WELL_TESTED), branch=False)
    result = evaluate(tmp_path)
    assert result.status is GateStatus.ERROR
    assert "has no branch data" in result.summary


@pytest.mark.parametrize(
    ("content", "status", "message"),
    [
        (None, GateStatus.UNAVAILABLE, "no report at"),
        ("{not json", GateStatus.ERROR, "cannot read"),
        (json.dumps({"meta": {"branch_coverage": True}, "files": {}}), GateStatus.ERROR, "measured no files"),
        (
            json.dumps({"meta": {"branch_coverage": True}, "files": {"a.py": {"summary": {}}}}),
            GateStatus.ERROR,
            "no function regions",
        ),
    ],
)
def test_missing_or_broken_reports_never_pass(tmp_path: Path, content: str | None, status: GateStatus, message: str):
    if content is not None:
        (tmp_path / "reports").mkdir()
        (tmp_path / "reports" / "coverage.json").write_text(content)
    result = evaluate(tmp_path)
    assert result.status is status
    assert message in result.summary


def test_tests_gate_runs_the_suite_and_fails_on_a_failing_test(tmp_path: Path):
    write_project(
        tmp_path,
        {
            **WELL_TESTED,
            "tests/test_more.py": """
                import pytest

                def test_broken():
                    assert 1 + 1 == 3, "arithmetic is off"

                @pytest.mark.skip(reason="needs a printer")
                def test_print():
                    pass

                @pytest.mark.xfail(reason="known rounding bug", strict=True)
                def test_rounding():
                    assert round(2.675, 2) == 2.68
            """,
            "pyproject.toml": '[tool.coverage.run]\nbranch = true\nsource = ["app"]\n',
        },
    )
    ctx = context(tmp_path)
    TestsGate().produce(ctx)
    result = TestsGate().evaluate(ctx)
    assert result.status is GateStatus.FAIL
    assert result.summary == "failures 1 (limit 0)"
    assert result.details["counts"] == {"tests": 5, "failures": 1, "errors": 0, "skipped": 2, "xfailed": 1}
    [failure] = [finding for finding in result.findings if finding.severity == "failure"]
    assert failure.location == "tests.test_more::test_broken"
    assert "arithmetic is off" in failure.message
    assert {f.severity for f in result.findings} == {"failure", "skipped", "xfailed"}
    coverage = CoverageGate().evaluate(ctx)
    assert coverage.status is GateStatus.PASS, coverage.summary


def test_zero_collected_tests_fail(tmp_path: Path):
    write_project(tmp_path, {"app/__init__.py": "", "tests/test_nothing.py": "VALUE = 1\n"})
    ctx = context(tmp_path)
    TestsGate().produce(ctx)
    result = TestsGate().evaluate(ctx)
    assert result.status is GateStatus.FAIL
    assert "tests collected 0 (limit >= 1)" in result.summary


def test_all_skipped_is_not_a_pass(tmp_path: Path):
    (tmp_path / "reports").mkdir()
    (tmp_path / "reports" / "junit.xml").write_text(
        '<testsuites><testsuite><testcase classname="t" name="a"><skipped message="no db"/></testcase>'
        "</testsuite></testsuites>"
    )
    result = TestsGate().evaluate(context(tmp_path))
    assert result.status is GateStatus.FAIL
    assert "tests run 0 (limit >= 1)" in result.summary


@pytest.mark.parametrize(
    ("content", "status"), [(None, GateStatus.UNAVAILABLE), ("<html>", GateStatus.ERROR), ("<oops/>", GateStatus.ERROR)]
)
def test_tests_gate_missing_or_broken_junit(tmp_path: Path, content: str | None, status: GateStatus):
    if content is not None:
        (tmp_path / "reports").mkdir()
        (tmp_path / "reports" / "junit.xml").write_text(content)
    assert TestsGate().evaluate(context(tmp_path)).status is status


def test_a_configured_test_command_is_run_with_the_reports_directory(tmp_path: Path):
    script = "import pathlib, sys; pathlib.Path(sys.argv[1], 'junit.xml').write_text(sys.argv[2])"
    junit = '<testsuite><testcase classname="t" name="a"/></testsuite>'
    ctx = context(tmp_path, tests={"command": [sys.executable, "-c", script, "{reports}", junit]})
    TestsGate().produce(ctx)
    result = TestsGate().evaluate(ctx)
    assert (result.status, result.summary) == (GateStatus.PASS, "1 passed, 0 skipped, 0 xfailed")


def test_a_suite_that_cannot_start_makes_the_gate_unavailable(tmp_path: Path):
    write_project(
        tmp_path, {**WELL_TESTED, "pyproject.toml": '[tool.pytest.ini_options]\naddopts = "--no-such-option"\n'}
    )
    with pytest.raises(ToolUnavailable, match=r"pytest wrote no JUnit report \(exit 4\)"):
        TestsGate().produce(context(tmp_path))
