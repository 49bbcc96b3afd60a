"""The header and CORS checks fail on the toy that reveals its stack, sends no security headers and reflects every
origin, and pass on the toy without those flaws."""

from __future__ import annotations

import httpx
import pytest

from sentia_testkit.security import check_cors, check_security_headers
from sentia_testkit.security.headers import header_findings

pytestmark = pytest.mark.anyio


async def test_missing_headers_and_stack_leaks_are_found(toy_http):
    async with toy_http(flaws={"headers"}, base_url="https://toy.test") as client:
        report = await check_security_headers(client, ["/whoami", "/search"])
    titles = {finding.title for finding in report.findings if finding.target == "GET /whoami"}
    assert titles == {
        "no Strict-Transport-Security",
        "no Content-Security-Policy",
        "no X-Content-Type-Options: nosniff",
        "no Referrer-Policy",
        "X-Powered-By reveals the stack",
        "Server header reveals a version",
    }
    assert report.probes == 2 and len(report.findings) == 12
    assert report.findings[0].reproducer == "curl -sI https://toy.test/whoami"


async def test_the_secure_toy_passes_over_https_and_http(toy_http):
    async with toy_http(flaws=(), base_url="https://toy.test") as client:
        assert (await check_security_headers(client, ["/whoami"])).ok
    async with toy_http(flaws=(), base_url="http://toy.test") as client:
        assert (await check_security_headers(client, ["/whoami"], https=True)).ok


async def test_hsts_is_only_required_over_https(toy_http):
    async with toy_http(flaws={"headers"}) as client:
        report = await check_security_headers(client, ["/whoami"])
    assert "no Strict-Transport-Security" not in {finding.title for finding in report.findings}


def response(**headers: str) -> httpx.Response:
    return httpx.Response(200, headers=headers, request=httpx.Request("GET", "https://api.test/x"))


@pytest.mark.parametrize(
    ("headers", "title"),
    [
        ({"strict-transport-security": "max-age=600"}, "Strict-Transport-Security max-age too short"),
        ({"content-security-policy": "default-src 'self'"}, "Content-Security-Policy without frame-ancestors"),
        ({"referrer-policy": "unsafe-url"}, "unsafe Referrer-Policy"),
        ({"x-content-type-options": "sniff"}, "no X-Content-Type-Options: nosniff"),
        ({"server": "nginx/1.25.3"}, "Server header reveals a version"),
    ],
)
def test_weak_header_values_are_named(headers, title):
    safe = {
        "strict-transport-security": "max-age=31536000",
        "content-security-policy": "frame-ancestors 'none'",
        "x-content-type-options": "nosniff",
        "referrer-policy": "strict-origin-when-cross-origin",
        "server": "nginx",
    }
    findings = header_findings(response(**{**safe, **headers}), "GET /x", https=True)
    assert [finding.title for finding in findings] == [title]


async def test_cors_reflecting_every_origin_is_found(toy_http):
    async with toy_http(flaws={"cors"}) as client:
        report = await check_cors(client, ["/search"])
    assert {(finding.title, finding.target) for finding in report.findings} == {
        ("CORS reflects an arbitrary origin with credentials", "preflight /search"),
        ("CORS reflects an arbitrary origin with credentials", "GET /search"),
    }
    assert report.findings[0].severity == "high" and report.probes == 4
    assert "-H 'Origin: https://" in report.findings[0].reproducer


async def test_the_secure_toy_allows_no_foreign_origin(toy_http):
    async with toy_http(flaws=()) as client:
        assert (await check_cors(client, ["/search"])).ok


@pytest.mark.parametrize(
    ("headers", "allow_wildcard", "expected"),
    [
        ({"access-control-allow-origin": "*"}, False, ("CORS allows every origin", "medium")),
        ({"access-control-allow-origin": "*"}, True, None),
        (
            {"access-control-allow-origin": "*", "access-control-allow-credentials": "true"},
            True,
            ("CORS allows every origin", "high"),
        ),
        ({"access-control-allow-origin": "null"}, False, ("CORS reflects an arbitrary origin", "medium")),
        ({"access-control-allow-origin": "https://app.example"}, False, None),
    ],
)
async def test_wildcards_and_null_origins(headers, allow_wildcard, expected):
    async def app(scope, receive, send):
        await send(
            {
                "type": "http.response.start",
                "status": 204,
                "headers": [(k.encode(), v.encode()) for k, v in headers.items()],
            }
        )
        await send({"type": "http.response.body", "body": b""})

    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://api.test") as client:
        report = await check_cors(client, ["/"], allow_wildcard=allow_wildcard)
    found = {(finding.title, finding.severity.value) for finding in report.findings}
    assert found == (set() if expected is None else {expected})


async def test_a_client_for_an_app_or_a_url():
    from sentia_testkit.security import http_client

    async def app(scope, receive, send):
        await send(
            {"type": "http.response.start", "status": 200, "headers": [(b"x-seen-host", scope["server"][0].encode())]}
        )
        await send({"type": "http.response.body", "body": b"ok"})

    async with http_client(app, headers={"x-probe": "1"}) as client:
        answer = await client.get("/")
        assert (str(client.base_url), answer.headers["x-seen-host"], client.headers["x-probe"]) == (
            "http://testserver",
            "testserver",
            "1",
        )
    async with http_client("https://api.example.com", timeout=3) as remote:
        assert (str(remote.base_url), remote.timeout.read) == ("https://api.example.com", 3)
    with pytest.raises(TypeError, match="needs a base URL or an ASGI app, not int"):
        http_client(42)
