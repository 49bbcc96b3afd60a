"""The direct `tools/call` endpoint with handlers that misbehave, a crashing executor and credentials that do not
pass: the same answers as the SDK's transport, or the request handed to it."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from mcp.server.auth.provider import AccessToken
from mcp.server.transport_security import TransportSecuritySettings
from pydantic import Field
from starlette.types import ASGIApp, Receive, Scope, Send
from support.http import MCP_HEADERS

from sentia_server.app import create_app
from sentia_server.auth.permissions import Permission
from sentia_server.auth.principal import Principal, Role
from sentia_server.auth.verifier import principal_from_request_context
from sentia_server.config import Settings
from sentia_server.mcp import ToolResultConversion, build_mcp_server
from sentia_server.routes.mcp_calls import DirectToolCalls
from sentia_server.runtime import Runtime
from sentia_server.tools import system
from sentia_server.tools.context import ToolContext
from sentia_server.tools.executor import ToolExecutor
from sentia_server.tools.registry import ToolCategory, ToolGroup, ToolInput, ToolOutput, ToolRegistry

pytestmark = pytest.mark.anyio


class StockInput(ToolInput):
    sku: str = Field(min_length=1, max_length=20)


class StockOutput(ToolOutput):
    sku: str
    quantity: int


def odd_registry() -> ToolRegistry:
    group = ToolGroup(
        ToolCategory.SYSTEM,
        permissions={"test-loose-result": Permission.TOOLS_LIST, "test-broken-result": Permission.TOOLS_LIST},
    )

    @group.tool("test-loose-result", title="Loose", read_only=True)
    async def loose(params: StockInput, ctx: ToolContext) -> StockOutput:
        """Returns a plain mapping instead of its output model (test tool)."""
        return {"sku": params.sku, "quantity": 3}  # type: ignore[return-value]

    @group.tool("test-broken-result", title="Broken", read_only=True)
    async def broken(params: StockInput, ctx: ToolContext) -> StockOutput:
        """Returns a mapping its output model refuses (test tool)."""
        return {"sku": params.sku}  # type: ignore[return-value]

    return ToolRegistry([system.group, group])


async def http_principal() -> Principal | None:
    return principal_from_request_context()


@dataclass
class Endpoints:
    runtime: Runtime
    registry: ToolRegistry
    executor: ToolExecutor
    sdk_app: ASGIApp
    security: TransportSecuritySettings
    server_info: dict[str, Any]
    key: str

    @property
    def direct(self) -> DirectToolCalls:
        return self.direct_with()

    def direct_with(self, **changes: Any) -> DirectToolCalls:
        arguments: dict[str, Any] = {
            "mcp_path": "/mcp",
            "registry": self.registry,
            "executor": self.executor,
            "credentials": self.runtime.credentials,
            "transport_security": self.security,
            "convert_result": ToolResultConversion(),
            "server_info": self.server_info,
        }
        return DirectToolCalls(changes.pop("sdk_app", self.sdk_app), **{**arguments, **changes})


@pytest.fixture
async def endpoints(make_settings: Callable[..., Settings]) -> AsyncIterator[Endpoints]:
    settings = make_settings()
    app = create_app(settings)  # for its runtime, started by its lifespan
    runtime: Runtime = app.state.runtime
    registry = odd_registry()
    executor = ToolExecutor(runtime, registry, http_principal, "http")
    server = build_mcp_server(
        runtime,
        transport="http",
        resolve_principal=http_principal,
        registry=registry,
        token_verifier=runtime.credentials,
        executor=executor,
    )
    security = TransportSecuritySettings(
        enable_dns_rebinding_protection=True,
        allowed_hosts=settings.allowed_hosts,
        allowed_origins=settings.allowed_origins,
    )
    sdk_app = server.streamable_http_app(
        streamable_http_path="/mcp", stateless_http=True, json_response=True, transport_security=security
    )
    async with app.router.lifespan_context(app), server.session_manager.run():
        key = (await runtime.api_keys.create(role=Role.OPERATOR, tenant="acme")).token
        server_info = server.session_manager.app.server_info_stamp
        yield Endpoints(runtime, registry, executor, sdk_app, security, server_info, key)


def call(tool: str, arguments: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    meta = {"io.modelcontextprotocol/protocolVersion": "2026-07-28", "io.modelcontextprotocol/clientCapabilities": {}}
    body = {"jsonrpc": "2.0", "id": 3, "method": "tools/call", "params": {"name": tool, "arguments": arguments}}
    body["params"]["_meta"] = meta
    headers = {**MCP_HEADERS, "mcp-protocol-version": "2026-07-28", "mcp-method": "tools/call", "mcp-name": tool}
    return body, headers


async def post(app: ASGIApp, body: object, headers: dict[str, str]) -> httpx.Response:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1:3001") as client:
        return await client.post("/mcp", json=body, headers=headers)


@pytest.mark.parametrize(
    ("tool", "is_error"),
    [("test-loose-result", False), ("test-broken-result", True)],
    ids=["a mapping its model accepts", "a mapping its model refuses"],
)
async def test_a_handler_result_of_another_type_takes_the_sdks_conversion(
    endpoints: Endpoints, tool: str, is_error: bool
) -> None:
    body, headers = call(tool, {"sku": "A-1"})
    headers["authorization"] = f"Bearer {endpoints.key}"
    direct = await post(endpoints.direct, body, headers)
    sdk = await post(endpoints.sdk_app, body, headers)
    assert (direct.status_code, direct.json()) == (sdk.status_code, sdk.json())
    assert direct.json()["result"]["isError"] is is_error
    if is_error:
        assert direct.json()["result"]["content"][0]["text"] == f"Error executing tool {tool}"
    else:
        assert direct.json()["result"]["structuredContent"] == {"sku": "A-1", "quantity": 3}


async def test_a_crash_outside_the_tool_is_an_error_result_that_says_nothing_of_it(endpoints: Endpoints) -> None:
    class Exploding:
        async def call(self, *args: Any, **kwargs: Any) -> Any:
            raise RuntimeError("connection string postgres://admin:hunter2@db")

    body, headers = call("test-loose-result", {"sku": "A-1"})
    headers["authorization"] = f"Bearer {endpoints.key}"
    answer = (await post(endpoints.direct_with(executor=Exploding()), body, headers)).json()
    assert answer["result"]["isError"] is True
    assert answer["result"]["content"] == [{"type": "text", "text": "Error executing tool test-loose-result"}]


class Recorder:
    """An SDK app stand-in that notes each request handed to it and answers 401."""

    def __init__(self) -> None:
        self.handed = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        self.handed += 1
        await send({"type": "http.response.start", "status": 401, "headers": []})
        await send({"type": "http.response.body", "body": b""})


class ExpiredTokens:
    async def verify_token(self, token: str) -> AccessToken:
        claims = {"role": "operator", "tenant": "acme", "auth_method": "jwt"}
        return AccessToken(token=token, client_id="c", scopes=[], expires_at=int(time.time()) - 5, claims=claims)


@pytest.mark.parametrize(
    ("authorization", "credentials"),
    [(None, None), ("Basic dXNlcjpwYXNz", None), ("Bearer anything", ExpiredTokens())],
    ids=["no credential", "not a bearer credential", "an expired token"],
)
async def test_a_call_without_a_valid_bearer_credential_is_handed_to_the_sdk(
    endpoints: Endpoints, authorization: str | None, credentials: Any
) -> None:
    recorder = Recorder()
    changes: dict[str, Any] = {"sdk_app": recorder}
    if credentials is not None:
        changes["credentials"] = credentials
    body, headers = call("test-loose-result", {"sku": "A-1"})
    if authorization is not None:
        headers["authorization"] = authorization
    response = await post(endpoints.direct_with(**changes), body, headers)
    assert (response.status_code, recorder.handed) == (401, 1)
    sdk = await post(endpoints.sdk_app, body, headers)
    assert sdk.status_code == 401  # and the SDK refuses it too
