"""How answers are judged (internals, HTML reflection, unencoded vendor requests) and how findings are reported."""

from __future__ import annotations

import json

import httpx
import pytest

from sentia_testkit.security import Finding, Report, SecurityFindings, Severity
from sentia_testkit.security.evidence import (
    admits_internal_error,
    in_graphql_document,
    leaks,
    reflected_into_html,
    unencoded_in_url,
    vendor_request_problems,
)


@pytest.mark.parametrize(
    ("text", "leaked"),
    [
        ('Traceback (most recent call last):\n  File "/srv/app.py", line 3', "Traceback (most recent call last)"),
        ('  File "/srv/app.py", line 12, in handler', 'File "/srv/app.py", line 12'),
        ("/usr/local/lib/python3.11/site-packages/x.py", "site-packages"),
        ('sqlite3.OperationalError: near "\'"', "sqlite3.OperationalError"),
        ("asyncpg.exceptions.SyntaxError", "asyncpg.exceptions"),
        ("at com.acme.Handler(Handler.java:42)", "at com.acme.Handler(Handler.java:42)"),
        ("invalid arguments: sku: String should match pattern", None),
        ("tool 'x' failed (reference 4f2a)", None),
    ],
)
def test_leaks(text, leaked):
    assert leaks(text) == leaked


def test_an_admitted_internal_error():
    assert admits_internal_error("tool 'x' failed with an internal error (reference 1)")
    assert not admits_internal_error("Xero is not configured: set SENTIA_XERO__CLIENT_ID")
    assert admits_internal_error("kaput", ["kaput"])


@pytest.mark.parametrize(
    ("payload", "content_type", "body", "reflected"),
    [
        ("<b>x</b>", "text/html; charset=utf-8", "<p><b>x</b></p>", True),
        ("<b>x</b>", "text/html", "<p>&lt;b&gt;x&lt;/b&gt;</p>", False),
        ("<b>x</b>", "application/json", '{"q": "<b>x</b>"}', False),
        ("javascript:alert(1)", "application/xhtml+xml", '<a href="javascript:alert(1)">', True),
        ("1 OR 1=1", "text/html", "<p>1 OR 1=1</p>", False),
    ],
)
def test_reflection_into_html(payload, content_type, body, reflected):
    assert reflected_into_html(payload, content_type, body) is reflected


def sent(url: str, **kwargs) -> httpx.Request:
    return httpx.Request("GET" if "json" not in kwargs else "POST", url, **kwargs)


@pytest.mark.parametrize(
    ("payload", "request_", "unencoded"),
    [
        ("../../etc/passwd", sent("https://v.test/api/items/../../etc/passwd"), True),
        ("a/b", sent("https://v.test/items/a/b"), True),
        ("x&admin=true", sent("https://v.test/items?q=x&admin=true"), True),
        ("%2e%2e%2f", sent("https://v.test/items/%2e%2e%2f"), True),
        ("x#frag", sent("https://v.test/items/x#frag"), False),
        ("x?y=1#frag", sent("https://v.test/items/x?y=1#frag"), True),
        ("a/b", sent("https://v.test/items/a%2Fb"), False),
        ("x&admin=true", sent("https://v.test/items", params={"q": "x&admin=true"}), False),
        (
            "' OR 'a' LIKE 'a",
            sent("https://v.test/items/' OR 'a' LIKE 'a"),
            False,
        ),  # nothing that changes the URL's structure
        ("../../etc/passwd", sent("https://v.test/items", params={"path": "../../etc/passwd"}), False),
        ("..\\..\\windows\\win.ini", sent("https://v.test/items", params={"q": "..\\..\\windows\\win.ini"}), False),
    ],
)
def test_unencoded_in_url(payload, request_, unencoded):
    assert (unencoded_in_url(payload, request_) is not None) is unencoded


def graphql(body) -> httpx.Request:
    return httpx.Request("POST", "https://v.test/graphql", content=json.dumps(body).encode())


def test_graphql_documents_and_variables():
    payload = '" } mutation { drop }'
    assert in_graphql_document(payload, graphql({"query": f'{{ products(query: "{payload}") {{ id }} }}'}))
    assert in_graphql_document(payload, graphql([{"query": "{ a(q: " + json.dumps(payload) + ") }"}]))
    assert not in_graphql_document(
        payload, graphql({"query": "query($q: String!) { a(q: $q) }", "variables": {"q": payload}})
    )
    assert not in_graphql_document("abcd", graphql({"query": "{ abcd }"}))  # too plain to tell
    assert not in_graphql_document(payload, httpx.Request("POST", "https://v.test/graphql", content=b"{bad"))
    assert not in_graphql_document(payload, graphql("just a string"))


def test_vendor_request_problems_are_titled_per_kind():
    payload = "a/b&c"
    problems = vendor_request_problems(
        payload,
        [sent("https://v.test/items/a/b&c"), graphql({"query": '{ x(q: "a/b&c") }'}), sent("https://v.test/ok")],
    )
    assert [title for title, _ in problems] == [
        "payload reached a vendor URL unencoded",
        "payload written into a vendor GraphQL document",
    ]
    assert problems[0][1] == "the request went to /items/a/b&c"


def finding(title: str = "t", target: str = "x") -> Finding:
    return Finding("check", title, Severity.HIGH, target, "what happened", "curl x")


def test_a_report_counts_one_finding_per_flaw_and_renders_it():
    report = Report("suite")
    report.extend([finding(), finding(), finding(target="y")])
    assert len(report.findings) == 2 and not report.ok
    assert report.by_check("check") == report.findings and report.by_check("other") == []
    assert report.render() == (
        "suite: 2 finding(s) in 0 probes\n"
        "[high] check: t (x)\n    what happened\n    reproduce: curl x\n"
        "[high] check: t (y)\n    what happened\n    reproduce: curl x"
    )
    other = Report("other", probes=3)
    other.add(Finding("c2", "bare", Severity.LOW, "z"))
    report.merge(other)
    assert report.probes == 3 and report.findings[-1].render() == "[low] c2: bare (z)"
    with pytest.raises(SecurityFindings, match="suite: 3 finding"):
        report.raise_for_findings()


def test_a_report_that_probed_nothing_fails_closed():
    with pytest.raises(SecurityFindings, match="only 0 probes ran, fewer than the 1 required"):
        Report("empty").raise_for_findings()
    clean = Report("clean", probes=5)
    assert clean.render() == "clean: no findings in 5 probes"
    clean.raise_for_findings(min_probes=5)
    with pytest.raises(SecurityFindings, match="only 5 probes ran, fewer than the 6 required"):
        clean.raise_for_findings(min_probes=6)
