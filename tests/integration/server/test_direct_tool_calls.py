"""The direct `tools/call` endpoint answers exactly as the SDK's transport does, and hands everything else to it.

Two apps are built from the same settings, one with the direct endpoint and one without, and every request is sent
to both: the answers (status, body, Retry-After) must be the same.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
import structlog
from starlette.applications import Starlette
from starlette.types import ASGIApp, Receive, Scope, Send
from support.http import MCP_HEADERS

from sentia_server.app import create_app
from sentia_server.auth.principal import Role
from sentia_server.config import Settings
from sentia_server.integrations.settings import UnleashedSettings
from sentia_server.routes.mcp_calls import DirectToolCalls
from sentia_server.runtime import Runtime
from sentia_testkit.simulators.unleashed import API_ID, API_KEY, UnleashedSimulator

pytestmark = pytest.mark.anyio

MODERN = "2026-07-28"
ROLES = (Role.VIEWER, Role.OPERATOR)


def call_body(tool: str, arguments: object = None, *, request_id: object = 7, version: str = MODERN) -> dict[str, Any]:
    params: dict[str, Any] = {
        "name": tool,
        "_meta": {"io.modelcontextprotocol/protocolVersion": version, "io.modelcontextprotocol/clientCapabilities": {}},
    }
    if arguments is not None:
        params["arguments"] = arguments
    return {"jsonrpc": "2.0", "id": request_id, "method": "tools/call", "params": params}


def call_headers(tool: str, *, version: str = MODERN, **extra: str) -> dict[str, str]:
    return {
        **MCP_HEADERS,
        "mcp-protocol-version": version,
        "mcp-method": "tools/call",
        "mcp-name": tool,
        "x-request-id": "req-0001",
        **extra,
    }


def differences(left: object, right: object, path: str = "") -> Iterator[str]:
    """Where two decoded JSON values differ, as paths (a readable failure message)."""
    if isinstance(left, dict) and isinstance(right, dict):
        for key in sorted(set(left) | set(right)):
            yield from differences(left.get(key, "<absent>"), right.get(key, "<absent>"), f"{path}.{key}")
    elif isinstance(left, list) and isinstance(right, list) and len(left) == len(right):
        for index, (one, other) in enumerate(zip(left, right, strict=True)):
            yield from differences(one, other, f"{path}[{index}]")
    elif left != right:
        yield f"{path}: {str(left)[:200]} != {str(right)[:200]}"


@dataclass
class Served:
    name: str
    client: httpx.AsyncClient
    runtime: Runtime
    keys: dict[Role, str]
    app: Starlette

    async def post(self, body: object, headers: dict[str, str], role: Role | None = Role.OPERATOR) -> httpx.Response:
        sent = dict(headers)
        if role is not None:
            sent["authorization"] = f"Bearer {self.keys[role]}"
        return await self.client.post("/mcp", json=body, headers=sent)


@dataclass
class Pair:
    direct: Served
    sdk: Served

    async def both(self, body: object, headers: dict[str, str], role: Role | None = Role.OPERATOR) -> httpx.Response:
        """Send to both apps; assert they answer alike; return the direct app's answer."""
        direct = await self.direct.post(body, headers, role)
        sdk = await self.sdk.post(body, headers, role)
        assert direct.status_code == sdk.status_code, (direct.text, sdk.text)
        if direct.headers.get("content-type") == "application/json":
            assert direct.json() == sdk.json(), list(differences(direct.json(), sdk.json()))
        else:
            assert direct.content == sdk.content
        assert direct.headers.get("retry-after") == sdk.headers.get("retry-after")
        assert direct.headers.get("content-type") == sdk.headers.get("content-type")
        return direct


@pytest.fixture
async def pair(make_settings: Callable[..., Settings], tmp_path) -> AsyncIterator[Pair]:
    simulator = UnleashedSimulator()
    served: list[Served] = []
    stack: list[Any] = []
    try:
        for name, direct in (("direct", True), ("sdk", False)):
            settings = make_settings(
                data_dir=tmp_path / name,
                mcp_direct_tool_calls=direct,
                unleashed=UnleashedSettings(api_id=API_ID, api_key=API_KEY),
                rate_limit_tool_overrides={"unleashed-get-customers": "1/minute"},
            )
            app = create_app(settings)
            runtime: Runtime = app.state.runtime
            runtime.vendors.transports["unleashed"] = simulator.transport()
            lifespan = app.router.lifespan_context(app)
            await lifespan.__aenter__()
            stack.append(lifespan)
            keys = {role: (await runtime.api_keys.create(role=role, tenant="acme")).token for role in ROLES}
            client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://127.0.0.1:3001")
            stack.append(client)
            served.append(Served(name, client, runtime, keys, app))
        yield Pair(*served)
    finally:
        for resource in reversed(stack):
            await resource.__aexit__(None, None, None)


async def test_a_cached_read_answers_alike_on_a_miss_and_on_a_hit(pair: Pair) -> None:
    tool, arguments = "unleashed-get-suppliers", {"page_size": 5}
    miss = await pair.both(call_body(tool, arguments), call_headers(tool))
    hit = await pair.both(call_body(tool, arguments), call_headers(tool))
    assert miss.json() == hit.json()
    result = hit.json()["result"]
    assert result["isError"] is False
    assert result["structuredContent"]["suppliers"]
    assert result["content"][0]["text"].startswith("{")


async def test_a_cached_result_is_rendered_once_for_all_its_hits_and_others_each_time(
    pair: Pair, monkeypatch: pytest.MonkeyPatch
) -> None:
    rendered: list[bytes] = []
    render = DirectToolCalls._rendered_result

    def counting_render(self: DirectToolCalls, result_json: bytes) -> bytes:
        rendered.append(result_json)
        return render(self, result_json)

    monkeypatch.setattr(DirectToolCalls, "_rendered_result", counting_render)
    tool, arguments = "unleashed-get-suppliers", {"page_size": 4}
    answers = [(await pair.direct.post(call_body(tool, arguments), call_headers(tool))).content for _ in range(3)]

    assert answers[0] == answers[1] == answers[2]
    assert len(rendered) == 1
    for _ in range(2):  # a tool the cache does not answer: its results are not kept
        assert (await pair.direct.post(call_body("list-tools", {}), call_headers("list-tools"))).status_code == 200
    assert len(rendered) == 3


@pytest.mark.parametrize(
    ("tool", "arguments", "role", "expected"),
    [
        ("list-tools", {}, Role.OPERATOR, "result"),  # not cached: the handler's model, dumped once
        ("list-tools", None, Role.VIEWER, "result"),  # no arguments member at all
        ("unleashed-get-suppliers", {"page_size": "many"}, Role.OPERATOR, "isError"),  # invalid arguments
        ("unleashed-get-suppliers", {"colour": "red"}, Role.OPERATOR, "isError"),  # an argument the tool lacks
        ("xero-get-contacts", {}, Role.OPERATOR, "isError"),  # the vendor is not configured
        ("xero-create-invoice", {}, Role.OPERATOR, "error"),  # denied: a JSON-RPC error naming the permission
        ("database-query", {"sql": "select 1"}, Role.VIEWER, "error"),
        ("no-such-tool", {}, Role.OPERATOR, "isError"),  # not in the registry: the SDK answers
    ],
)
async def test_outcomes_answer_alike(pair: Pair, tool: str, arguments: object, role: Role, expected: str) -> None:
    answer = (await pair.both(call_body(tool, arguments), call_headers(tool), role)).json()
    if expected == "error":
        assert "error" in answer and "result" not in answer
    else:
        assert answer["result"]["isError"] is (expected == "isError")


async def test_a_rate_limited_call_answers_alike_with_retry_after(pair: Pair) -> None:
    tool = "unleashed-get-customers"
    first = await pair.both(call_body(tool, {}), call_headers(tool))
    assert first.json()["result"]["isError"] is False
    limited = await pair.both(call_body(tool, {}), call_headers(tool))
    assert "rate limit exceeded" in limited.json()["result"]["content"][0]["text"]
    assert limited.headers["retry-after"]


@pytest.mark.parametrize("request_id", [7, "call-7", 0])
async def test_the_request_id_comes_back_as_sent(pair: Pair, request_id: object) -> None:
    answer = await pair.both(call_body("list-tools", {}, request_id=request_id), call_headers("list-tools"))
    assert answer.json()["id"] == request_id


HANDED_OVER = {
    "header and body disagree": (lambda body, headers: headers.update({"mcp-name": "system-status"}), 400),
    "handshake-era revision": (lambda body, headers: headers.update({"mcp-protocol-version": "2025-06-18"}), 200),
    "no per-request envelope": (lambda body, headers: body["params"].pop("_meta"), 400),
    "malformed capabilities": (
        lambda body, headers: body["params"]["_meta"].update({"io.modelcontextprotocol/clientCapabilities": 5}),
        400,
    ),
    "boolean request id": (lambda body, headers: body.update({"id": True}), 400),
    "arguments not an object": (lambda body, headers: body["params"].update({"arguments": [1, 2]}), 400),
    "SSE only": (lambda body, headers: headers.update({"accept": "text/event-stream"}), 406),
    "not JSON": (lambda body, headers: headers.update({"content-type": "text/plain"}), 400),
    "Mcp-Param header": (lambda body, headers: headers.update({"mcp-param-region": "eu"}), 200),
    "a notification": (lambda body, headers: body.pop("id"), 202),
    "another method": (lambda body, headers: body.update({"method": "tools/list"}), 400),
}


@pytest.mark.parametrize(("change", "status"), list(HANDED_OVER.values()), ids=list(HANDED_OVER))
async def test_requests_the_sdk_must_judge_are_answered_by_it(pair: Pair, change: Any, status: int) -> None:
    body, headers = call_body("list-tools", {}), call_headers("list-tools")
    change(body, headers)
    answer = await pair.both(body, headers)
    assert answer.status_code == status


async def test_a_refused_credential_is_judged_once_and_answered_by_the_sdk(pair: Pair) -> None:
    headers = {**call_headers("list-tools"), "authorization": "Bearer sentia_0123456789abcdef_nope"}
    with structlog.testing.capture_logs() as logs:
        response = await pair.direct.client.post("/mcp", json=call_body("list-tools", {}), headers=headers)
    assert response.status_code == 401
    assert "www-authenticate" in response.headers
    assert [entry["event"] for entry in logs].count("credential refused") == 1


async def test_a_revoked_key_stops_working_at_the_next_request(pair: Pair) -> None:
    served = pair.direct
    created = await served.runtime.api_keys.create(role=Role.OPERATOR, tenant="acme")
    served.keys[Role.ADMIN] = created.token
    body, headers = call_body("list-tools", {}), call_headers("list-tools")
    assert (await served.post(body, headers, Role.ADMIN)).status_code == 200
    await served.runtime.api_keys.revoke(created.key_id)
    assert (await served.post(body, headers, Role.ADMIN)).status_code == 401


async def test_calls_answered_directly_are_audited_and_counted(pair: Pair) -> None:
    served = pair.direct
    tool = "unleashed-get-suppliers"
    for _ in range(3):
        await served.post(call_body(tool, {"page_size": 5}), call_headers(tool))
    await served.runtime.tool_log.flush()
    rows = await served.runtime.tool_log.recent(limit=10)
    assert [(row.tool, row.status, row.transport) for row in rows] == [(tool, "success", "http")] * 3
    counted = served.runtime.metrics.registry.get_sample_value(
        "sentia_mcp_tool_calls_total", {"tool": tool, "status": "success"}
    )
    assert counted == 3


async def test_the_sdk_sees_only_what_the_direct_endpoint_hands_over(pair: Pair) -> None:
    endpoint = next(
        route.app for route in pair.direct.app.routes if isinstance(getattr(route, "app", None), DirectToolCalls)
    )
    handed: list[bytes] = []
    sdk_app: ASGIApp = endpoint._sdk_app

    async def recording(scope: Scope, receive: Receive, send: Send) -> None:
        message = await receive()
        handed.append(message.get("body", b""))

        async def replay() -> dict[str, Any]:
            return message

        await sdk_app(scope, replay, send)

    endpoint._sdk_app = recording
    tool = "unleashed-get-suppliers"
    answered = await pair.direct.post(call_body(tool, {"page_size": 2}), call_headers(tool))
    assert answered.json()["result"]["isError"] is False
    assert handed == []
    listed = {"jsonrpc": "2.0", "id": 1, "method": "tools/list", "params": call_body(tool)["params"]}
    headers = {**call_headers(tool), "mcp-method": "tools/list"}
    del headers["mcp-name"]
    listed["params"].pop("name")
    answer = await pair.direct.post(listed, headers)
    assert answer.status_code == 200 and answer.json()["result"]["tools"]
    assert len(handed) == 1 and b'"tools/list"' in handed[0]  # the body reached the SDK intact
