"""Security headers and CORS, checked on the responses of a running app (an httpx client, in process or not).

Expected on every response: a Content-Security-Policy with `frame-ancestors`, `X-Content-Type-Options: nosniff`,
a Referrer-Policy that does not leak full URLs, no `X-Powered-By` and no version number in `Server`; over HTTPS (or
when `https=True`, e.g. for a production configuration reached over plain HTTP in tests), an HSTS header with a
max-age of at least `min_hsts_max_age`. CORS must not answer an arbitrary origin (nor `null`) with
`Access-Control-Allow-Origin`, and never `*` together with credentials.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Sequence
from typing import Any

import httpx

from sentia_testkit.security.findings import Finding, Report, Severity

HEADERS = "security-headers"
CORS = "cors"
ONE_YEAR = 31_536_000
SAFE_REFERRER_POLICIES = frozenset(
    {"no-referrer", "same-origin", "strict-origin", "strict-origin-when-cross-origin", "origin"}
)
_VERSION = re.compile(r"\d+(?:\.\d+)")


async def check_security_headers(
    client: httpx.AsyncClient,
    paths: Sequence[str] = ("/",),
    *,
    https: bool | None = None,
    min_hsts_max_age: int = ONE_YEAR,
    method: str = "GET",
    **request: Any,
) -> Report:
    """Check the headers of a `method` request to each path (with `request` keywords for httpx: `json=`,
    `headers=` ...); `https` defaults to the client's base URL scheme."""
    report = Report("security headers")
    over_https = client.base_url.scheme == "https" if https is None else https
    for path in paths:
        response = await client.request(method, path, **request)
        report.probes += 1
        report.extend(
            header_findings(response, f"{method} {path}", https=over_https, min_hsts_max_age=min_hsts_max_age)
        )
    return report


def header_findings(
    response: httpx.Response, target: str, *, https: bool, min_hsts_max_age: int = ONE_YEAR
) -> list[Finding]:
    """What one response's headers lack or reveal."""
    headers = response.headers
    reproducer = f"curl -sI {response.request.url}"
    found: list[Finding] = []

    def add(title: str, severity: Severity, detail: str) -> None:
        found.append(Finding(HEADERS, title, severity, target, detail, reproducer))

    if https:
        hsts = headers.get("strict-transport-security")
        age = re.search(r"max-age=(\d+)", hsts or "")
        if age is None:
            add("no Strict-Transport-Security", Severity.HIGH, "browsers may reach the site over plain HTTP")
        elif int(age.group(1)) < min_hsts_max_age:
            add(
                "Strict-Transport-Security max-age too short",
                Severity.MEDIUM,
                f"max-age={age.group(1)} s, at least {min_hsts_max_age} s expected",
            )
    csp = headers.get("content-security-policy")
    if csp is None:
        add("no Content-Security-Policy", Severity.MEDIUM, "set one, with frame-ancestors")
    elif "frame-ancestors" not in csp:
        add(
            "Content-Security-Policy without frame-ancestors",
            Severity.MEDIUM,
            f"{csp!r} lets any site frame the responses (clickjacking)",
        )
    if headers.get("x-content-type-options", "").strip().lower() != "nosniff":
        add("no X-Content-Type-Options: nosniff", Severity.MEDIUM, "browsers may sniff a JSON answer as HTML")
    policy = headers.get("referrer-policy")
    if policy is None:
        add("no Referrer-Policy", Severity.LOW, "URLs (and the tokens some carry) leak to other sites")
    elif not {value.strip().lower() for value in policy.split(",")} & SAFE_REFERRER_POLICIES:
        add("unsafe Referrer-Policy", Severity.LOW, f"{policy!r} sends full URLs to other sites")
    if "x-powered-by" in headers:
        add("X-Powered-By reveals the stack", Severity.LOW, f"X-Powered-By: {headers['x-powered-by']}")
    server = headers.get("server")
    if server is not None and _VERSION.search(server):
        add("Server header reveals a version", Severity.LOW, f"Server: {server}")
    return found


async def check_cors(
    client: httpx.AsyncClient, paths: Sequence[str] = ("/",), *, method: str = "POST", allow_wildcard: bool = False
) -> Report:
    """Preflight and simple requests from a made-up origin and from `null`: none may be allowed."""
    report = Report("CORS")
    foreign = f"https://{secrets.token_hex(6)}.attacker.example"
    for path in paths:
        for origin in (foreign, "null"):
            preflight = await client.options(path, headers={"origin": origin, "access-control-request-method": method})
            simple = await client.get(path, headers={"origin": origin})
            report.probes += 2
            for kind, response in (("preflight", preflight), ("GET", simple)):
                finding = _cors_finding(response, origin, f"{kind} {path}", allow_wildcard=allow_wildcard)
                if finding is not None:
                    report.add(finding)
    return report


def _cors_finding(response: httpx.Response, origin: str, target: str, *, allow_wildcard: bool) -> Finding | None:
    allowed = response.headers.get("access-control-allow-origin")
    credentials = response.headers.get("access-control-allow-credentials", "").lower() == "true"
    reproducer = f"curl -si -X {response.request.method} -H 'Origin: {origin}' {response.request.url}"
    if allowed == origin:
        severity = Severity.HIGH if credentials else Severity.MEDIUM
        with_credentials = " with credentials" if credentials else ""
        return Finding(
            CORS,
            f"CORS reflects an arbitrary origin{with_credentials}",
            severity,
            target,
            f"Access-Control-Allow-Origin: {allowed}",
            reproducer,
        )
    if allowed == "*" and (credentials or not allow_wildcard):
        severity = Severity.HIGH if credentials else Severity.MEDIUM
        return Finding(
            CORS,
            "CORS allows every origin",
            severity,
            target,
            f"Access-Control-Allow-Origin: *{' with credentials' if credentials else ''}",
            reproducer,
        )
    return None
