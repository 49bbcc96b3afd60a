"""Large JSON answers (tool results, metrics reports) are gzip-compressed for clients that accept it; small ones and
clients that do not ask stay plain."""

from __future__ import annotations

import gzip
import json

import pytest
from integration.metrics.conftest import PROMETHEUS, MetricsApp
from support.http import MCP_HEADERS

from sentia_server.app import GZIP_MIN_BYTES
from sentia_server.auth.principal import Role

pytestmark = pytest.mark.anyio

LIST_TOOLS = {"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": {"name": "list-tools", "arguments": {}}}


async def post_mcp(app: MetricsApp, accept_encoding: str) -> tuple[dict[str, str], bytes]:
    headers = {
        **MCP_HEADERS,
        **app.auth(Role.ADMIN),
        "mcp-protocol-version": "2025-06-18",
        "accept-encoding": accept_encoding,
    }
    async with app.client.stream("POST", "/mcp", json=LIST_TOOLS, headers=headers) as response:
        assert response.status_code == 200
        return dict(response.headers), b"".join([chunk async for chunk in response.aiter_raw()])


async def test_a_large_tool_result_is_gzipped_for_a_client_that_accepts_it(metrics_app: MetricsApp):
    headers, raw = await post_mcp(metrics_app, "gzip")
    assert headers["content-encoding"] == "gzip"
    assert "accept-encoding" in headers["vary"].lower()
    plain = gzip.decompress(raw)
    assert len(plain) >= GZIP_MIN_BYTES and len(raw) < len(plain) / 2
    assert json.loads(plain)["result"]["isError"] is False


async def test_a_client_that_does_not_accept_gzip_gets_the_plain_body(metrics_app: MetricsApp):
    headers, raw = await post_mcp(metrics_app, "identity")
    assert "content-encoding" not in headers
    assert "accept-encoding" in headers["vary"].lower()  # the plain form was chosen by Accept-Encoding
    assert json.loads(raw)["result"]["isError"] is False


async def test_a_small_response_stays_plain(metrics_app: MetricsApp):
    response = await metrics_app.client.get("/health", headers={"accept-encoding": "gzip"})
    assert response.status_code == 200
    assert len(response.content) < GZIP_MIN_BYTES
    assert "content-encoding" not in response.headers


async def test_a_large_metrics_report_is_gzipped(metrics_app: MetricsApp):
    for _ in range(3):
        await metrics_app.call_tool(Role.ADMIN, "list-tools", {})
    response = await metrics_app.client.get(
        PROMETHEUS, headers={**metrics_app.auth(Role.ADMIN), "accept-encoding": "gzip"}
    )
    assert response.status_code == 200
    assert response.headers["content-encoding"] == "gzip"
    assert response.num_bytes_downloaded < len(response.content)
    assert "sentia" in response.text
