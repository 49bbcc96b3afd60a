"""Hostile or broken requests get a clear HTTP or JSON-RPC error naming the problem: never a 500 or a trace."""

from __future__ import annotations

import json

import pytest
from support.http import INITIALIZE, MCP_HEADERS

pytestmark = pytest.mark.anyio


def assert_no_internals(text: str) -> None:
    for leak in ("Traceback", 'File "', "sentia_server", "site-packages", "Exception"):
        assert leak not in text


async def post_raw(server, body: bytes, **headers: str):
    sent = {**MCP_HEADERS, "authorization": f"Bearer {server.admin_key}", **headers}
    return await server.client.post("/mcp", content=body, headers=sent)


async def test_foreign_origin_is_refused(server):
    response = await server.rpc(INITIALIZE, token=server.admin_key, origin="https://evil.example")
    assert response.status_code == 403 and response.json()["error"] == "invalid_origin"


async def test_foreign_host_is_refused(server):
    response = await server.rpc(INITIALIZE, token=server.admin_key, host="evil.example")
    assert response.status_code == 421 and response.json()["error"] == "invalid_host"


async def test_allowed_origin_passes(server):
    response = await server.rpc(INITIALIZE, token=server.admin_key, origin="http://localhost:5173")
    assert response.status_code == 200


async def test_ten_megabyte_body_is_refused(server):
    body = json.dumps({**INITIALIZE, "padding": "x" * (10 * 1024 * 1024)}).encode()
    response = await post_raw(server, body)
    assert (response.status_code, response.text) == (413, "Request body too large")


async def test_oversized_body_without_content_length_is_refused(server):
    async def chunks():
        for _ in range(10):
            yield b"x" * (1024 * 1024)

    sent = {**MCP_HEADERS, "authorization": f"Bearer {server.admin_key}"}
    response = await server.client.post("/mcp", content=chunks(), headers=sent)
    assert response.status_code == 413


async def test_malformed_json_is_a_parse_error(server):
    response = await post_raw(server, b'{"jsonrpc": "2.0", "id": 1, "method": ')
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == -32700 and error["message"].startswith("Parse error")
    assert_no_internals(response.text)


async def test_deeply_nested_json_is_a_parse_error(server):
    depth = 100_000
    body = b'{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"list-tools","arguments":{"x":'
    body += b"[" * depth + b"]" * depth + b"}}}"
    response = await post_raw(server, body)
    assert response.status_code == 400
    assert (
        response.json()["error"]
        == {
            "code": -32700,
            "message": response.json()["error"]["message"],
        }
        and "nests deeper than 32 levels" in response.json()["error"]["message"]
    )


async def test_wrong_content_type_is_refused(server):
    response = await post_raw(server, json.dumps(INITIALIZE).encode(), **{"content-type": "text/plain"})
    assert (response.status_code, response.text) == (400, "Invalid Content-Type header")


@pytest.mark.parametrize("method", ["GET", "DELETE", "PUT"])
async def test_only_post_is_served_on_the_mcp_endpoint(server, method: str):
    response = await server.client.request(method, "/mcp", headers={"authorization": f"Bearer {server.admin_key}"})
    assert response.status_code == 405 and response.headers["allow"] == "POST"


async def test_unknown_method_is_method_not_found(server):
    response = await server.rpc({"jsonrpc": "2.0", "id": 7, "method": "tools/destroy"}, token=server.admin_key)
    assert response.json()["error"]["code"] == -32601


async def test_tool_call_with_non_object_arguments_is_invalid_params(server):
    body = {"jsonrpc": "2.0", "id": 8, "method": "tools/call", "params": {"name": "list-tools", "arguments": [1, 2]}}
    response = await server.rpc(body, token=server.admin_key, **{"mcp-protocol-version": "2025-06-18"})
    error = response.json()["error"]
    assert error["code"] == -32602
    assert_no_internals(response.text)


async def test_responses_carry_security_headers_and_a_request_id(server):
    response = await server.rpc(INITIALIZE, token=server.admin_key, **{"x-request-id": "trace-123"})
    assert response.headers["x-request-id"] == "trace-123"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["strict-transport-security"].startswith("max-age=")
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    unauthenticated = await server.rpc(INITIALIZE)
    assert unauthenticated.headers["x-frame-options"] == "DENY"
    assert len(unauthenticated.headers["x-request-id"]) == 32


async def test_a_malformed_request_id_is_replaced(server):
    response = await server.client.get("/health", headers={"x-request-id": "bad id\r\ninjected: 1"})
    assert response.headers["x-request-id"] != "bad id" and "injected" not in response.headers
