"""The scan package loads its runner (and the testkit extras behind it) only when the runner is asked for."""

from __future__ import annotations

import pytest

from sentia_testkit import scan


def test_the_runner_names_come_from_the_runner_module():
    from sentia_testkit.scan import runner

    assert (scan.ScanOptions, scan.run_scan, scan.scan) == (runner.ScanOptions, runner.run_scan, runner.scan)


def test_an_unknown_name_is_an_attribute_error():
    with pytest.raises(AttributeError, match="has no attribute 'nothing'"):
        scan.__getattr__("nothing")


def test_scan_cases_gives_one_case_per_tool_and_check(monkeypatch):
    from sentia_testkit.scan import runner
    from sentia_testkit.scan.results import CheckResult, ScanReport

    results = [CheckResult("echo", "definition"), CheckResult("echo", "valid-input", calls=3)]
    monkeypatch.setattr(runner, "run_scan", lambda target, options=None: ScanReport("toy", results=results))
    cases = scan.scan_cases("toy")
    assert [case.id for case in cases] == ["echo-definition", "echo-valid-input"]
    assert [case.values[0] for case in cases] == results


def test_scan_cases_for_an_unreachable_target_is_one_failing_case(monkeypatch):
    from sentia_testkit.scan import runner
    from sentia_testkit.scan.results import ScanFailed, ScanReport

    monkeypatch.setattr(runner, "run_scan", lambda target, options=None: ScanReport("toy", error="connection refused"))
    [case] = scan.scan_cases("toy")
    assert case.id == "target-connect"
    with pytest.raises(ScanFailed, match="the target could not be scanned: connection refused"):
        case.values[0].raise_for_findings()
