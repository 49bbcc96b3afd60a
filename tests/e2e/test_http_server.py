"""`sentia-server serve --transport http` under uvicorn, reached by the official MCP client and by raw HTTP."""

from __future__ import annotations

import httpx
import httpx2
import pytest
from mcp import Client
from mcp.client.streamable_http import streamable_http_client
from support.http import INITIALIZE, MCP_HEADERS
from support.processes import create_key, http_server

from sentia_server.auth.permissions import rbac_matrix
from sentia_server.mcp import default_registry

pytestmark = pytest.mark.anyio


async def test_official_client_lists_tools_and_calls_system_status(env, tmp_path):
    key = create_key(env, role="operator")
    with http_server(env, tmp_path) as server:
        async with (
            httpx2.AsyncClient(headers={"Authorization": f"Bearer {key}"}) as http,
            Client(streamable_http_client(server.mcp_url, http_client=http)) as client,
        ):
            names = [tool.name for tool in (await client.list_tools()).tools]
            status = await client.call_tool("system-status", {})
        log = server.log()
    # An operator is offered the tools its role may call, in registry order (docs/security.md, "Authorization").
    assert names == [spec.name for spec in default_registry() if rbac_matrix()[spec.name]["operator"]]
    assert not status.is_error
    assert status.structured_content["status"] == "healthy"
    expected_cache = "redis" if "SENTIA_REDIS_URL" in env else "memory"
    assert status.structured_content["cache"]["backend"] == expected_cache
    assert key not in log


def test_unauthenticated_foreign_and_oversized_requests_are_refused(embedded_env, tmp_path):
    key = create_key(embedded_env)
    with http_server(embedded_env, tmp_path) as server:
        auth = {**MCP_HEADERS, "authorization": f"Bearer {key}"}
        unauthenticated = httpx.post(server.mcp_url, json=INITIALIZE, headers=MCP_HEADERS)
        foreign_origin = httpx.post(server.mcp_url, json=INITIALIZE, headers={**auth, "origin": "https://evil.example"})
        foreign_host = httpx.post(server.mcp_url, json=INITIALIZE, headers={**auth, "host": "evil.example"})
        oversized = httpx.post(server.mcp_url, content=b"[" + b" " * (10 * 1024 * 1024) + b"]", headers=auth)
        malformed = httpx.post(server.mcp_url, content=b"{'jsonrpc': 2.0}", headers=auth)
        accepted = httpx.post(server.mcp_url, json=INITIALIZE, headers=auth)
    assert unauthenticated.status_code == 401
    assert unauthenticated.headers["www-authenticate"].startswith("Bearer ")
    assert foreign_origin.status_code == 403
    assert foreign_host.status_code == 421
    assert oversized.status_code == 413
    assert malformed.status_code == 400
    assert malformed.json()["error"]["code"] == -32700
    assert accepted.status_code == 200


def test_health_routes_on_the_running_server(embedded_env, tmp_path):
    with http_server(embedded_env, tmp_path) as server:
        live = httpx.get(f"{server.base_url}/health")
        ready = httpx.get(f"{server.base_url}/health/ready")
    assert live.json()["status"] == "ok"
    assert ready.json()["status"] == "ok"
    assert set(ready.json()["checks"]) == {"database", "cache"}
