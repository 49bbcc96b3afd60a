"""The report's verdicts and its three forms: terminal (plain and rich), JSON and JUnit XML."""

from __future__ import annotations

import io
import json

import pytest
from defusedxml import ElementTree as defused

from sentia_testkit.scan import output
from sentia_testkit.scan.results import CheckResult, ScanFailed, ScanReport
from sentia_testkit.security.findings import Finding, Severity

LEAK = Finding(
    "valid-input",
    "internal error on valid arguments",
    Severity.HIGH,
    "lookup",
    "shows 'Traceback'",
    "tools/call lookup {}",
)
LENIENT = Finding(
    "invalid-input", "accepted arguments the schema forbids", Severity.LOW, "flag", "", "tools/call flag {}"
)


def report() -> ScanReport:
    return ScanReport(
        "object demo:server",
        [
            CheckResult("lookup", "definition", calls=0),
            CheckResult("lookup", "valid-input", [LEAK], calls=3),
            CheckResult("flag", "invalid-input", [LENIENT], calls=2),
            CheckResult("flag", "security", skipped="the tool takes no free text"),
        ],
    )


def test_exit_codes_follow_the_severity_floor():
    assert report().exit_code() == 1
    lenient_only = ScanReport("t", [CheckResult("flag", "invalid-input", [LENIENT])])
    assert lenient_only.exit_code() == 0
    assert lenient_only.exit_code(Severity.LOW) == 1
    assert ScanReport("t", [CheckResult("a", "definition")]).exit_code() == 0
    assert ScanReport("t", error="cannot connect").exit_code() == 2


def test_a_result_fails_only_at_or_above_the_floor():
    CheckResult("flag", "invalid-input", [LENIENT]).raise_for_findings()
    with pytest.raises(ScanFailed, match="accepted arguments the schema forbids"):
        CheckResult("flag", "invalid-input", [LENIENT]).raise_for_findings(Severity.LOW)
    with pytest.raises(ScanFailed, match=r"lookup valid-input: 1 finding\(s\) in 3 call\(s\)"):
        CheckResult("lookup", "valid-input", [LEAK], calls=3).raise_for_findings()


def test_report_accessors():
    assert report().tools == ["lookup", "flag"]
    assert report().findings == [LEAK, LENIENT]


def test_plain_text_lists_every_check_and_finding():
    text = output.render_text(report())
    assert "lookup                                   valid-input    1 finding(s)" in text
    assert "flag                                     security       skipped" in text
    assert "reproduce: tools/call lookup {}" in text
    assert text.endswith("2 tool(s), 4 checks, 5 calls: 2 finding(s)")
    assert output.render_text(ScanReport("t", [CheckResult("a", "definition")])).endswith(
        "1 checks, 0 calls: no findings"
    )
    assert output.render_text(ScanReport("t", error="boom")).endswith("scan of t failed: boom")


@pytest.mark.parametrize("rich", [True, False])
def test_print_report_uses_rich_when_installed_unless_plain(monkeypatch, rich):
    monkeypatch.setattr(output, "rich_available", lambda: rich)
    out = io.StringIO()
    output.print_report(report(), out)
    assert ("┃ tool" in out.getvalue()) is rich
    assert "[high] valid-input: internal error on valid arguments (lookup)" in out.getvalue()
    plain = io.StringIO()
    output.print_report(report(), plain, plain=True)
    assert "┃" not in plain.getvalue()


def test_json_report(tmp_path):
    path = tmp_path / "scan.json"
    output.write_json(report(), path)
    data = json.loads(path.read_text())
    assert data["target"] == "object demo:server" and data["error"] is None
    assert data["results"][1]["findings"][0] == {
        "check": "valid-input",
        "title": "internal error on valid arguments",
        "severity": "high",
        "target": "lookup",
        "detail": "shows 'Traceback'",
        "reproducer": "tools/call lookup {}",
    }
    assert data["results"][3]["skipped"] == "the tool takes no free text"


def test_junit_has_one_case_per_tool_and_check(tmp_path):
    path = tmp_path / "scan.xml"
    output.write_junit(report(), path)
    suite = defused.parse(path).getroot()
    assert (suite.get("tests"), suite.get("failures"), suite.get("errors"), suite.get("skipped")) == (
        "4",
        "2",
        "0",
        "1",
    )
    cases = [(case.get("classname"), case.get("name")) for case in suite.iter("testcase")]
    assert cases == [
        ("lookup", "definition"),
        ("lookup", "valid-input"),
        ("flag", "invalid-input"),
        ("flag", "security"),
    ]
    failure = suite.find("testcase[@name='valid-input']/failure")
    assert failure is not None and failure.get("message") == "internal error on valid arguments"
    assert "reproduce: tools/call lookup {}" in (failure.text or "")


def test_junit_of_an_unreachable_target_is_one_error():
    suite = output.to_junit(ScanReport("t", error="cannot connect")).getroot()
    assert (suite.get("tests"), suite.get("errors")) == ("1", "1")
    error = suite.find("testcase/error")
    assert error is not None and error.get("message") == "cannot connect"


def test_a_skipped_result_says_why():
    assert CheckResult("flag", "security", skipped="no text").render() == "flag security: skipped (no text)"
