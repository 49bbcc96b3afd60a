"""Hardening of every route, not only the MCP endpoint: security headers, CORS allowlist, Host and Origin checks,
body-size and JSON-depth limits, and a generic 500 that reveals nothing."""

from __future__ import annotations

import json
import logging

import pytest
import structlog
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse
from starlette.routing import Route
from starlette.testclient import TestClient
from support.http import INITIALIZE, MCP_HEADERS

from sentia_server.security.errors import InternalErrorMiddleware
from sentia_server.security.hosts import HostOriginMiddleware
from sentia_server.security.json_limits import JsonDepthLimitMiddleware

pytestmark = pytest.mark.anyio

EXPECTED_HEADERS = {
    "content-security-policy": "default-src 'none'; frame-ancestors 'none'",
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
    "strict-transport-security": "max-age=31536000; includeSubDomains",
}
ROUTES = [
    ("GET", "/health"),
    ("GET", "/health/ready"),
    ("GET", "/api/metrics/prometheus"),
    ("GET", "/oauth/xero/authorize"),
    ("GET", "/.well-known/oauth-protected-resource"),
    ("POST", "/mcp"),
    ("GET", "/no-such-route"),
]


@pytest.mark.parametrize(("method", "path"), ROUTES)
async def test_every_route_carries_the_security_headers(server, method: str, path: str):
    response = await server.client.request(method, path)
    for name, value in EXPECTED_HEADERS.items():
        assert response.headers[name] == value, f"{method} {path}: {name}"


@pytest.mark.parametrize(("method", "path"), [route for route in ROUTES if not route[1].startswith("/.well-known")])
async def test_every_route_refuses_a_foreign_origin_and_host(server, method: str, path: str):
    origin = await server.client.request(method, path, headers={"origin": "https://evil.example"})
    assert origin.status_code == 403
    assert origin.json() == {
        "error": "invalid_origin",
        "error_description": "requests from this Origin are not allowed (SENTIA_ALLOWED_ORIGINS)",
    }
    host = await server.client.request(method, path, headers={"host": "evil.example"})
    assert host.status_code == 421
    assert host.json()["error"] == "invalid_host"
    assert "evil.example" not in host.text


async def test_the_public_metadata_document_may_be_read_from_any_origin(server):
    response = await server.client.get(
        "/.well-known/oauth-protected-resource", headers={"origin": "https://app.example"}
    )
    assert response.status_code == 200


async def test_a_preflight_from_an_allowed_origin_is_answered(server):
    response = await server.client.options(
        "/mcp",
        headers={
            "origin": "http://localhost:5173",
            "access-control-request-method": "POST",
            "access-control-request-headers": "authorization, content-type, mcp-protocol-version",
        },
    )
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == "http://localhost:5173"
    assert "authorization" in response.headers["access-control-allow-headers"].lower()
    assert "access-control-allow-credentials" not in response.headers


async def test_a_preflight_from_an_unlisted_origin_gets_no_cors_headers(server):
    response = await server.client.options(
        "/mcp", headers={"origin": "https://evil.example", "access-control-request-method": "POST"}
    )
    assert response.status_code == 403
    assert not [name for name in response.headers if name.startswith("access-control-")]


async def test_an_allowed_origin_can_read_the_answer(server):
    response = await server.rpc(INITIALIZE, token=server.admin_key, origin="http://127.0.0.1:8080")
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == "http://127.0.0.1:8080"
    assert "x-request-id" in response.headers["access-control-expose-headers"].lower()


@pytest.mark.parametrize("path", ["/health", "/api/metrics/prometheus", "/oauth/xero/callback", "/mcp"])
async def test_the_body_limit_applies_to_every_route(server, path: str):
    body = b'{"x": "' + b"a" * (5 * 1024 * 1024) + b'"}'
    response = await server.client.post(path, content=body, headers={"content-type": "application/json"})
    assert response.status_code == 413


async def test_a_deeply_nested_rest_body_is_refused_with_a_clear_error(server):
    body = b"[" * 33 + b"]" * 33
    response = await server.client.post("/health", content=body, headers={"content-type": "application/json"})
    assert response.status_code == 400
    assert response.json() == {
        "error": "json_too_deep",
        "error_description": "the JSON body nests deeper than 32 levels; send a flatter document",
    }


async def test_the_mcp_endpoint_accepts_32_levels_and_refuses_33(server):
    def call(depth: int) -> bytes:
        value = "[" * (depth - 3) + "]" * (depth - 3)  # the body, params and arguments objects are three levels
        return (
            b'{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"list-tools","arguments":{"x":'
            + value.encode()
            + b"}}}"
        )

    headers = {**MCP_HEADERS, "authorization": f"Bearer {server.admin_key}", "mcp-protocol-version": "2025-06-18"}
    accepted = await server.client.post("/mcp", content=call(32), headers=headers)
    assert accepted.status_code == 200 and "nests deeper" not in accepted.text
    refused = await server.client.post("/mcp", content=call(33), headers=headers)
    assert refused.status_code == 400
    assert refused.json() == {
        "jsonrpc": "2.0",
        "id": None,
        "error": {
            "code": -32700,
            "message": "Parse error: the JSON body nests deeper than 32 levels; send a flatter document",
        },
    }


async def test_a_json_body_of_another_media_type_is_limited_too(server):
    body = b"[" * 40 + b"]" * 40
    response = await server.client.post(
        "/health", content=body, headers={"content-type": "application/merge-patch+json"}
    )
    assert response.status_code == 400


async def test_an_unexpected_exception_is_a_generic_500(server, monkeypatch, capsys):
    from sentia_server.observability.logging import configure_logging

    root = logging.getLogger()
    saved = (root.handlers[:], root.level)
    configure_logging("INFO", "json")

    async def broken():
        raise RuntimeError("password=hunter2 at /srv/sentia/internal.py line 42")

    monkeypatch.setattr(server.runtime, "check_health", broken)
    try:
        response = await server.client.get("/health/ready", headers={"x-request-id": "ref-500"})
    finally:
        root.handlers[:], level = saved
        root.setLevel(level)
        structlog.reset_defaults()
    assert response.status_code == 500
    assert response.json() == {
        "error": "internal_error",
        "error_description": "the server could not handle the request; quote reference ref-500",
    }
    for leak in ("hunter2", "RuntimeError", "Traceback", "internal.py", "sentia_server"):
        assert leak not in response.text
    assert response.headers["x-content-type-options"] == "nosniff"
    logged = [json.loads(line) for line in capsys.readouterr().err.splitlines() if line.startswith("{")]
    [error] = [line for line in logged if line["event"] == "unhandled error"]
    assert (error["error_type"], error["reference"]) == ("RuntimeError", "ref-500")
    assert "Traceback" not in json.dumps(logged)
    assert "hunter2" not in json.dumps(logged)


# --- the middleware on small apps, for the cases the server's routes cannot produce -----------------------------


def test_a_request_without_a_host_header_is_a_bad_request():
    async def ok(_request: Request) -> PlainTextResponse:
        return PlainTextResponse("ok")

    app = HostOriginMiddleware(Starlette(routes=[Route("/", ok)]), ["localhost:*"], [])
    messages: list[dict] = []

    async def receive() -> dict:
        return {"type": "http.request", "body": b""}

    async def send(message: dict) -> None:
        messages.append(message)

    import asyncio

    scope = {"type": "http", "method": "GET", "path": "/", "headers": [], "query_string": b"", "root_path": ""}
    asyncio.run(app(scope, receive, send))
    assert messages[0]["status"] == 400
    assert json.loads(messages[1]["body"])["error"] == "missing_host"


def test_lifespan_and_other_scopes_pass_through_the_middleware():
    async def ok(_request: Request) -> JSONResponse:
        return JSONResponse({"ok": True})

    inner = Starlette(routes=[Route("/", ok, methods=["GET", "POST"])])
    app = InternalErrorMiddleware(
        HostOriginMiddleware(JsonDepthLimitMiddleware(inner, max_depth=4, mcp_path="/mcp"), ["testserver"], [])
    )
    with TestClient(app) as client:  # runs the lifespan scope through every layer
        assert client.get("/").json() == {"ok": True}
        assert client.post("/", content=b"[[[[[]]]]]", headers={"content-type": "application/json"}).status_code == 400
        assert client.post("/", content=b"[[[[]]]]", headers={"content-type": "text/plain"}).status_code == 200


def test_an_error_after_the_response_started_is_re_raised():
    async def app(scope, receive, send):
        await send({"type": "http.response.start", "status": 200, "headers": []})
        raise RuntimeError("mid-stream")

    client = TestClient(InternalErrorMiddleware(app), raise_server_exceptions=True)
    with pytest.raises(RuntimeError, match="mid-stream"):
        client.get("/")
