from __future__ import annotations

import pytest

from sentia_testkit.gates.model import Check, EscapeHatches, GateResult, GateRun, GateStatus


def run_of(*results: GateResult) -> GateRun:
    return GateRun(list(results), EscapeHatches(), "start", "end", "from reports", "reports")


def result(gate: str, status: GateStatus, tolerated: str | None = None) -> GateResult:
    return GateResult(gate, status, "summary", tolerated=tolerated)


@pytest.mark.parametrize(
    ("results", "exit_code", "verdict"),
    [
        ([result("tests", GateStatus.PASS), result("coverage", GateStatus.PASS)], 0, "all gates pass"),
        ([result("tests", GateStatus.FAIL), result("coverage", GateStatus.FAIL)], 1, "tests failed"),
        ([result("tests", GateStatus.PASS), result("coverage", GateStatus.FAIL)], 3, "a gate failed"),
        ([result("security", GateStatus.ERROR), result("coverage", GateStatus.FAIL)], 3, "a gate failed"),
        ([result("security", GateStatus.ERROR)], 4, "a gate could not be evaluated"),
        ([result("load", GateStatus.UNAVAILABLE)], 4, "a gate could not be evaluated"),
        ([result("load", GateStatus.UNAVAILABLE, tolerated="no load profile yet")], 0, "all gates pass"),
        ([], 0, "all gates pass"),
    ],
)
def test_exit_codes(results: list[GateResult], exit_code: int, verdict: str):
    run = run_of(*results)
    assert (run.exit_code, run.verdict) == (exit_code, verdict)
    assert run.to_dict()["exit_code"] == exit_code


def test_an_error_is_never_tolerated():
    assert result("load", GateStatus.ERROR, tolerated="reason given").blocking


def test_from_checks_names_failed_limits_and_values():
    checks = [Check("global lines", "88.00%", ">= 90%", False), Check("global branches", "81.00%", ">= 80%", True)]
    failed = GateResult.from_checks("coverage", checks)
    assert failed.status is GateStatus.FAIL
    assert failed.summary == "global lines 88.00% (limit >= 90%)"
    passed = GateResult.from_checks("coverage", checks[1:])
    assert (passed.status, passed.summary) == (GateStatus.PASS, "global branches 81.00% (limit >= 80%)")


def test_from_checks_shortens_long_failure_lists():
    checks = [Check(f"file{i}.py lines", "1%", ">= 90%", False) for i in range(8)]
    assert GateResult.from_checks("coverage", checks).summary.endswith("; and 3 more")


def test_escape_hatches_count_and_locate():
    hatches = EscapeHatches()
    hatches.add("noqa", "a.py:3")
    hatches.add("noqa", "b.py:9")
    hatches.merge_count("skipped tests", 2, ["t::a: no db", "t::b: no redis"])
    assert hatches.counts == {"noqa": 2, "skipped tests": 2}
    assert hatches.locations["noqa"] == ["a.py:3", "b.py:9"]
