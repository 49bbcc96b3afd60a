"""How the direct `tools/call` endpoint reads a request body: orjson for speed, without changing any value."""

from __future__ import annotations

import json

import pytest
from starlette.requests import Request
from support.http import MCP_HEADERS

from sentia_server.routes.mcp_calls import _Handover, _tool_call

TOOL = "unleashed-get-suppliers"
MODERN = "2026-07-28"


def request_with(body: dict[str, object]) -> tuple[bytes, Request]:
    headers = {**MCP_HEADERS, "mcp-protocol-version": MODERN, "mcp-method": "tools/call", "mcp-name": TOOL}
    scope = {
        "type": "http",
        "method": "POST",
        "path": "/mcp",
        "headers": [(name.encode(), value.encode()) for name, value in headers.items()],
    }
    return json.dumps(body).encode(), Request(scope)


def call_of(arguments: dict[str, object]) -> dict[str, object]:
    meta = {"io.modelcontextprotocol/protocolVersion": MODERN, "io.modelcontextprotocol/clientCapabilities": {}}
    return {
        "jsonrpc": "2.0",
        "id": 1,
        "method": "tools/call",
        "params": {"name": TOOL, "arguments": arguments, "_meta": meta},
    }


@pytest.mark.parametrize("number", [10**30, 2**64, -(2**63) - 1, 2**63 - 1, -(2**63), 5])
def test_integers_keep_every_digit_beyond_64_bits_too(number: int) -> None:
    body, request = request_with(call_of({"page_size": number, "note": "Zürich"}))
    call, version = _tool_call(body, request)
    arguments = call["params"]["arguments"]
    assert arguments == {"page_size": number, "note": "Zürich"}
    assert type(arguments["page_size"]) is int
    assert version == MODERN


@pytest.mark.parametrize(
    "body", [b'{"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": NaN}', b"\xff", b"[" * 2000]
)
def test_a_body_orjson_refuses_goes_to_the_sdk(body: bytes) -> None:
    _, request = request_with(call_of({}))
    with pytest.raises(_Handover):
        _tool_call(body, request)
