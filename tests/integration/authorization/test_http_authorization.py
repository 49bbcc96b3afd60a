"""Authorization over the real HTTP transport: API keys of each role, tools/list per role, denied and limited calls."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

import httpx
import pytest
from support.http import JWT_SECRET, MCP_HEADERS

from sentia_server.app import create_app
from sentia_server.auth.permissions import ROLE_ORDER, rbac_matrix
from sentia_server.auth.principal import Role
from sentia_server.config import Settings
from sentia_server.runtime import Runtime
from sentia_server.tools.errors import PERMISSION_DENIED

pytestmark = pytest.mark.anyio


class Http:
    def __init__(self, client: httpx.AsyncClient, keys: dict[Role, str]) -> None:
        self.client = client
        self.keys = keys

    async def rpc(self, role: Role, method: str, params: dict[str, object]) -> httpx.Response:
        body = {"jsonrpc": "2.0", "id": 7, "method": method, "params": params}
        headers = {**MCP_HEADERS, "authorization": f"Bearer {self.keys[role]}", "mcp-protocol-version": "2025-06-18"}
        return await self.client.post("/mcp", json=body, headers=headers)


@pytest.fixture
async def http(make_settings: Callable[..., Settings]) -> AsyncIterator[Http]:
    settings = make_settings(jwt_secret=JWT_SECRET, rate_limit_tool_overrides={"system-status": "1/minute"})
    app = create_app(settings)
    runtime: Runtime = app.state.runtime
    async with app.router.lifespan_context(app):
        keys = {role: (await runtime.api_keys.create(role=role, tenant="acme")).token for role in ROLE_ORDER}
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1:3001") as client:
            yield Http(client, keys)


@pytest.mark.parametrize("role", ROLE_ORDER)
async def test_tools_list_over_http_shows_each_role_its_callable_tools(http, role):
    response = await http.rpc(role, "tools/list", {})
    assert response.status_code == 200
    listed = {tool["name"] for tool in response.json()["result"]["tools"]}
    assert listed == {tool for tool, by_role in rbac_matrix().items() if by_role[role.value]}


async def test_a_denied_call_over_http_is_a_json_rpc_error_naming_the_permission(http):
    response = await http.rpc(Role.OPERATOR, "tools/call", {"name": "xero-create-invoice", "arguments": {}})
    error = response.json()["error"]
    assert error["code"] == PERMISSION_DENIED
    assert error["message"] == (
        "permission denied: tool 'xero-create-invoice' requires permission 'financial:write' "
        "(granted to role 'manager' and above); your role is 'operator'"
    )


async def test_a_rate_limited_call_over_http_carries_retry_after(http):
    first = await http.rpc(Role.OPERATOR, "tools/call", {"name": "system-status", "arguments": {}})
    assert first.json()["result"]["isError"] is False
    assert "retry-after" not in first.headers
    limited = await http.rpc(Role.OPERATOR, "tools/call", {"name": "system-status", "arguments": {}})
    result = limited.json()["result"]
    assert limited.status_code == 200 and result["isError"] is True
    text = result["content"][0]["text"]
    assert "rate limit exceeded for tool 'system-status'" in text
    retry = int(limited.headers["retry-after"])
    assert 1 <= retry <= 60
    assert text.endswith(f"retry in {retry} s")
