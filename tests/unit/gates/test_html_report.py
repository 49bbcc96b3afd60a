"""The HTML report read back with the stdlib parser: what a reader sees, in what order, and that nothing executes."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

import pytest

from sentia_testkit.gates.config import CoverageConfig, CoverageOverride
from sentia_testkit.gates.coverage import Coverage, judge
from sentia_testkit.gates.model import Check, EscapeHatches, Finding, GateResult, GateRun, GateStatus
from sentia_testkit.gates.report import html

XSS = "<script>alert(1)</script>"
ATTRIBUTE_BREAKOUT = "\"'><img src=x onerror=alert(2)>"


@dataclass
class Table:
    """One `<table>`: header texts, body rows (cell texts), the CSS class of each body row, footer rows."""

    headers: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    row_classes: list[str] = field(default_factory=list)
    footer: list[list[str]] = field(default_factory=list)


class Page(HTMLParser):
    """Tags with their attributes, the tables' cell texts and the `<details>` blocks, as the parser understood them."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.tables: list[Table] = []
        self.details: list[tuple[bool, str]] = []
        """(open, summary text) of each `<details>`."""
        self.title = ""
        self._section = "tbody"
        self._cell: list[str] | None = None
        self._summary: list[str] | None = None
        self._in_title = False
        self.feed(text)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        self.tags.append((tag, attributes))
        if self._cell is not None and tag in ("li", "p", "ul", "summary"):
            self._cell.append(" ")  # block elements separate words, as a browser shows them
        if tag == "table":
            self.tables.append(Table())
        elif tag in ("thead", "tbody", "tfoot"):
            self._section = tag
        elif tag == "tr" and self._section != "thead":
            rows = self.tables[-1].footer if self._section == "tfoot" else self.tables[-1].rows
            rows.append([])
            if self._section == "tbody":
                self.tables[-1].row_classes.append(attributes.get("class") or "")
        elif tag in ("td", "th") and self._cell is None:
            self._cell = []
        elif tag == "details":
            self.details.append(("open" in attributes, ""))
        elif tag == "summary":
            self._summary = []
        elif tag == "title":
            self._in_title = True

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None:
            text = " ".join("".join(self._cell).split())
            table = self.tables[-1]
            if self._section == "thead":
                table.headers.append(text)
            else:
                (table.footer if self._section == "tfoot" else table.rows)[-1].append(text)
            self._cell = None
        elif tag == "summary" and self._summary is not None:
            is_open, _ = self.details[-1]
            self.details[-1] = (is_open, "".join(self._summary).strip())
            self._summary = None
        elif tag == "title":
            self._in_title = False

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)
        if self._summary is not None:
            self._summary.append(data)
        if self._in_title:
            self.title += data

    def table_with(self, *headers: str) -> Table:
        for table in self.tables:
            if table.headers[: len(headers)] == list(headers):
                return table
        raise AssertionError(f"no table with headers {headers}; tables: {[t.headers for t in self.tables]}")

    def tag_names(self) -> set[str]:
        return {tag for tag, _ in self.tags}


def run_of(*results: GateResult, hatches: EscapeHatches | None = None, reports_dir: str = "/ci/reports") -> GateRun:
    return GateRun(
        list(results),
        hatches or EscapeHatches(),
        "2025-11-27T09:00:00+00:00",
        "2025-11-27T09:01:05+00:00",
        "from reports",
        reports_dir,
    )


def passing_tests() -> GateResult:
    result = GateResult.from_checks(
        "tests", [Check("tests run", "412", ">= 1", True), Check("failures", "0", "0", True)]
    )
    result.details = {"counts": {"tests": 412, "failures": 0, "errors": 0, "skipped": 3, "xfailed": 1}}
    return result


def coverage_row(name: str, lines: float, *, passed: bool = True, override: str | None = None) -> dict[str, object]:
    return {
        "file": name,
        "lines": lines,
        "functions": 100.0,
        "branches": 90.0,
        "statements": 120,
        "functions_total": 8,
        "branches_total": 30,
        "passed": passed,
        "override": override,
    }


def failing_coverage() -> GateResult:
    result = GateResult.from_checks(
        "coverage",
        [Check("global lines", "91.00%", ">= 90%", True), Check("app/bom.py lines", "62.00%", ">= 90%", False)],
        notes=["override for app/legacy.py (lines 40%): retired in Q3"],
    )
    result.details = {
        "files": [
            coverage_row("app/orders.py", 99.0),
            coverage_row("app/legacy.py", 45.0, override="retired in Q3"),
            coverage_row("app/units.py", 93.5),
            coverage_row("app/bom.py", 62.0, passed=False),
            coverage_row("app/pricing.py", 88.0, passed=False),
        ],
        "total": {"lines": 91.0, "functions": 100.0, "branches": 90.0, "statements": 91.0},
    }
    return result


def test_a_passing_run_shows_its_verdict_exit_code_and_run_facts() -> None:
    text = html.render(run_of(passing_tests()))
    page = Page(text)
    assert text.startswith("<!DOCTYPE html>")
    assert ("html", {"lang": "en"}) in page.tags
    assert page.title == "Quality gates: all gates pass (exit 0)"
    assert "all gates pass — exit code 0" in text
    for fact in ("from reports", "/ci/reports", "2025-11-27T09:00:00+00:00", "2025-11-27T09:01:05+00:00", "1 min 5 s"):
        assert fact in text
    summary = page.table_with("gate", "status", "blocks the run", "result")
    assert summary.rows == [["tests", "PASS", "no", "tests run 412 (limit >= 1); failures 0 (limit 0)"]]
    assert page.table_with("tests", "failures", "errors", "skipped", "xfailed").rows == [["412", "0", "0", "3", "1"]]


def test_every_status_is_spelled_out_and_a_tolerated_gate_does_not_block() -> None:
    page = Page(
        html.render(
            run_of(
                GateResult("tests", GateStatus.FAIL, "1 failed"),
                GateResult("security", GateStatus.ERROR, "bandit.json is not JSON"),
                GateResult("load", GateStatus.UNAVAILABLE, "no profile", tolerated="the load rig is not in CI yet"),
                GateResult("container", GateStatus.UNAVAILABLE, "docker is not installed"),
            )
        )
    )
    rows = page.table_with("gate", "status", "blocks the run").rows
    assert [row[:3] for row in rows] == [
        ["tests", "FAIL", "yes"],
        ["security", "ERROR", "yes"],
        ["load", "UNAVAILABLE (tolerated)", "no"],
        ["container", "UNAVAILABLE", "yes"],
    ]
    assert page.title == "Quality gates: tests failed (exit 1)"


def test_the_coverage_table_lists_failing_files_first_then_by_lines_with_the_override_reason() -> None:
    page = Page(html.render(run_of(failing_coverage())))
    table = page.table_with("file", "lines %", "functions %", "branches %", "statements", "result", "override")
    assert [row[0] for row in table.rows] == [
        "app/bom.py",
        "app/pricing.py",
        "app/legacy.py",
        "app/units.py",
        "app/orders.py",
    ]
    assert table.rows[0] == ["app/bom.py", "62.00%", "100.00%", "90.00%", "120", "FAIL", ""]
    assert table.rows[2][-2:] == ["PASS", "retired in Q3"]
    assert table.row_classes == ["row-fail", "row-fail", "", "", ""]
    assert table.footer == [["total", "91.00%", "100.00%", "90.00%", "600", "", ""]]
    assert (True, "Per-file coverage: 5 files, 2 below their limits") in page.details


def test_the_coverage_table_reads_what_the_coverage_gate_writes() -> None:
    """Guards against the gate's `details` and the page drifting apart."""
    per_file = {"app/a.py": Coverage(10, 10, 2, 2, 4, 4), "app/b.py": Coverage(10, 5, 2, 1, 4, 1)}
    config = CoverageConfig(overrides=[CoverageOverride(path="app/b.py", reason="generated by protoc", lines=40)])
    page = Page(html.render(run_of(judge(per_file, config))))
    table = page.table_with("file", "lines %", "functions %", "branches %", "statements", "result", "override")
    assert table.rows == [
        ["app/b.py", "50.00%", "50.00%", "25.00%", "10", "FAIL", "generated by protoc"],
        ["app/a.py", "100.00%", "100.00%", "100.00%", "10", "PASS", ""],
    ]
    assert table.footer == [["total", "75.00%", "75.00%", "62.50%", "20", "", ""]]


def test_checks_list_failures_first_and_notes_are_shown() -> None:
    text = html.render(run_of(failing_coverage()))
    page = Page(text)
    checks = page.table_with("check", "measured", "limit", "result")
    assert checks.rows == [
        ["app/bom.py lines", "62.00%", ">= 90%", "FAIL"],
        ["global lines", "91.00%", ">= 90%", "PASS"],
    ]
    assert checks.row_classes == ["row-fail", ""]
    assert "override for app/legacy.py (lines 40%): retired in Q3" in text


@pytest.mark.parametrize(
    ("count", "expanded"), [(3, True), (html.COLLAPSE_AFTER, True), (html.COLLAPSE_AFTER + 1, False)]
)
def test_long_finding_lists_start_collapsed_with_their_count(count: int, expanded: bool) -> None:
    findings = [Finding(f"tests/test_{i}.py::test_it", "assert 1 == 2", "failure") for i in range(count)]
    page = Page(html.render(run_of(GateResult("tests", GateStatus.FAIL, "failed", findings=findings))))
    assert (expanded, f"Findings: {count} ({count} failure)") in page.details
    assert len(page.table_with("severity", "location", "message", "rule").rows) == count


def test_skipped_and_xfailed_tests_are_listed_apart_and_collapsed() -> None:
    findings = [
        Finding("t::test_db", "assert 0", "failure"),
        Finding("t::test_redis", "Redis is not available", "skipped"),
        Finding("t::test_inches", "not supported yet", "xfailed"),
    ]
    page = Page(html.render(run_of(GateResult("tests", GateStatus.FAIL, "1 failed", findings=findings))))
    assert (True, "Findings: 1 (1 failure)") in page.details
    assert (False, "Not run: 2 (1 skipped, 1 xfailed)") in page.details


def test_a_finding_shows_location_message_severity_and_rule() -> None:
    finding = Finding("sentia_server/export.py:41", "subprocess call with shell=True", "high", "B602")
    page = Page(html.render(run_of(GateResult("security", GateStatus.FAIL, "1 high", findings=[finding]))))
    assert page.table_with("severity", "location", "message", "rule").rows == [
        ["high", "sentia_server/export.py:41", "subprocess call with shell=True", "B602"]
    ]


def test_escape_hatches_are_counted_by_kind_with_their_locations_collapsed() -> None:
    hatches = EscapeHatches()
    hatches.add("noqa", "app/cli.py:12")
    hatches.add("noqa", "app/db.py:7")
    hatches.merge_count("ignored vulnerabilities", 0)
    page = Page(html.render(run_of(passing_tests(), hatches=hatches)))
    table = page.table_with("kind", "count", "locations")
    assert table.rows == [["ignored vulnerabilities", "0", ""], ["noqa", "2", "2 locations app/cli.py:12 app/db.py:7"]]
    assert table.footer == [["total", "2", ""]]
    assert (False, "2 locations") in page.details


def test_no_escape_hatches_and_no_gates_are_said_plainly() -> None:
    text = html.render(run_of())
    assert "None counted." in text
    assert "No gate ran." in text


def test_untrusted_text_is_escaped_wherever_it_appears() -> None:
    """Tool output and configuration reach the page as text: a payload in any field stays text, never markup."""
    payload = XSS + ATTRIBUTE_BREAKOUT
    gate = GateResult.from_checks(
        payload,
        [Check(payload, payload, payload, False)],
        findings=[Finding(payload, payload, payload, payload), Finding(payload, payload, "skipped")],
        notes=[payload],
        tolerated=payload,
    )
    coverage = failing_coverage()
    coverage.details["files"].append(coverage_row(payload, 1.0, passed=False, override=payload))
    coverage.details["counts"] = {payload: payload}
    hatches = EscapeHatches()
    hatches.add(payload, payload)
    run = GateRun([gate, coverage], hatches, payload, payload, payload, payload)
    text = html.render(run)
    page = Page(text)
    assert "<script" not in text.lower()
    assert "<img" not in text.lower()
    assert {"script", "img"}.isdisjoint(page.tag_names())
    assert not [name for _, attributes in page.tags for name in attributes if name.startswith("on")]
    assert text.count("&lt;script&gt;alert(1)&lt;/script&gt;") >= 15
    cells = [cell for table in page.tables for row in table.rows for cell in row]
    assert " ".join(payload.split()) in cells, "the payload is shown to the reader as text"


def test_the_page_is_self_contained() -> None:
    hatches = EscapeHatches()
    hatches.add("noqa", "app/cli.py:12")
    text = html.render(run_of(passing_tests(), failing_coverage(), hatches=hatches))
    page = Page(text)
    lowered = text.lower()
    for forbidden in ("<script", "src=", "href=http", "href='http", 'href="http', "@import", "url(", "<link"):
        assert forbidden not in lowered, forbidden
    assert {"script", "iframe", "img", "link", "object", "embed"}.isdisjoint(page.tag_names())
    links = [attributes.get("href") or "" for tag, attributes in page.tags if tag == "a"]
    assert links, "the summary links to the gate sections"
    assert all(link.startswith("#") for link in links)
    ids = {attributes.get("id") for _, attributes in page.tags if "id" in attributes}
    assert {link[1:] for link in links} <= ids


def test_every_table_has_column_headers() -> None:
    page = Page(html.render(run_of(passing_tests(), failing_coverage())))
    header_cells = [attributes for tag, attributes in page.tags if tag == "th" and attributes.get("scope") == "col"]
    assert page.tables
    assert all(table.headers for table in page.tables)
    assert len(header_cells) == sum(len(table.headers) for table in page.tables)


def test_unparseable_times_are_shown_without_a_duration() -> None:
    run = GateRun([], EscapeHatches(), "start", "end", "from reports", "reports")
    text = html.render(run)
    assert "<dt>Started</dt><dd>start</dd>" in text
    assert "Duration" not in text


def test_render_is_a_pure_function_of_the_run() -> None:
    run = run_of(passing_tests(), failing_coverage())
    before = run.to_dict()
    assert html.render(run) == html.render(run)
    assert run.to_dict() == before
