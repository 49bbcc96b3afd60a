"""Walking JSON values: where each finding is, what is (not) reported, and the inspection budgets."""

from __future__ import annotations

import pytest

from sentia_server.security.threats import detector
from sentia_server.security.threats.detector import inspect
from sentia_server.security.threats.patterns import ThreatKind


def test_findings_name_the_location_of_nested_strings():
    value = {
        "notes": "1' OR '1'='1",
        "lines": [{"description": "fine"}, {"description": "<script>x</script>"}],
        "count": 3,
        "flag": None,
    }
    found = {(f.location, f.match.kind) for f in inspect(value, "arguments")}
    assert found == {
        ("arguments.notes", ThreatKind.SQL_INJECTION),
        ("arguments.lines[1].description", ThreatKind.XSS),
    }


def test_a_clean_value_has_no_findings():
    assert inspect({"sku": "A/B-12", "name": "Execute-Pro", "tags": ["drop ship", "O'Brien"]}, "body") == []


def test_a_suspicious_key_is_inspected_and_never_written_into_the_location():
    key = "<script>alert(1)</script>"
    [finding] = inspect({key: "x"}, "body")
    assert finding.location == "body[key]"
    assert key not in finding.location


def test_a_key_that_is_not_a_plain_name_is_left_out_of_the_location():
    [finding] = inspect({"weird key": "$(id)"}, "body")
    assert finding.location == "body[?]"


def test_the_value_length_is_kept_not_the_value():
    [finding] = inspect(["$(id)"], "body")
    assert (finding.location, finding.value_length) == ("body[0]", 5)
    assert not hasattr(finding, "value")


def test_a_bare_string_is_inspected():
    assert [f.location for f in inspect("| whoami", "body")] == ["body"]


def test_only_so_many_strings_are_inspected(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(detector, "MAX_STRINGS", 3)
    value = ["fine", "fine", "fine", "<script>", "<script>"]
    assert inspect(value, "body") == []


def test_only_the_start_of_a_long_string_is_inspected(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(detector, "MAX_STRING_LENGTH", 10)
    [finding] = inspect(["<script>" + "x" * 50, "x" * 50 + "<script>"], "body")
    assert finding.location == "body[0]" and finding.value_length == 58


def test_locations_are_capped_to_the_column_size():
    value: object = "<script>"
    for _ in range(30):
        value = {"a_rather_long_field_name": value}
    [finding] = inspect(value, "body")
    assert len(finding.location) == 200
