"""A known mix of tool calls over the MCP endpoint moves each counter and histogram by exactly what happened."""

from __future__ import annotations

import pytest
from integration.metrics.conftest import PROMETHEUS, MetricsApp, Samples, value
from integration.vendors.unleashed.helpers import configure

from sentia_server.auth.principal import Role
from sentia_testkit.simulators.unleashed import UnleashedSimulator

pytestmark = pytest.mark.anyio

SUPPLIERS = "unleashed-get-suppliers"
QUALITY = "quality-record-create"
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


def moved(before: Samples, after: Samples, name: str, **labels: str) -> float:
    return value(after, name, **labels) - value(before, name, **labels)


def is_tool_error(answer: dict[str, object]) -> bool:
    result = answer.get("result")
    return "error" in answer or (isinstance(result, dict) and result.get("isError") is True)


async def test_counters_and_histograms_move_by_exactly_the_calls_made(metrics_app: MetricsApp):
    simulator = UnleashedSimulator()
    configure(metrics_app.runtime, simulator)
    before = await metrics_app.scrape()

    assert not is_tool_error(await metrics_app.call_tool(Role.OPERATOR, QUALITY, GIN_LOT))
    assert not is_tool_error(await metrics_app.call_tool(Role.ADMIN, SUPPLIERS, {"page_size": 2}))
    assert not is_tool_error(await metrics_app.call_tool(Role.ADMIN, SUPPLIERS, {"page_size": 2}))  # cached
    simulator.faults.server_error("Suppliers", status=503, times=3)
    assert is_tool_error(await metrics_app.call_tool(Role.OPERATOR, SUPPLIERS, {"page_size": 3}))
    assert is_tool_error(await metrics_app.call_tool(Role.VIEWER, SUPPLIERS, {"page_size": 4}))
    assert is_tool_error(await metrics_app.call_tool(Role.VIEWER, QUALITY, GIN_LOT))
    assert is_tool_error(await metrics_app.call_tool(Role.ADMIN, SUPPLIERS, {"page_size": 2, "colour": "red"}))
    assert len(list(simulator.requests_to("Suppliers"))) == 1 + 3  # one answer, then three failed attempts

    after = await metrics_app.scrape()
    calls = "sentia_mcp_tool_calls_total"
    assert moved(before, after, calls, tool=QUALITY, status="success") == 1
    assert moved(before, after, calls, tool=QUALITY, status="denied") == 1
    assert moved(before, after, calls, tool=SUPPLIERS, status="success") == 2
    assert moved(before, after, calls, tool=SUPPLIERS, status="error") == 1
    assert moved(before, after, calls, tool=SUPPLIERS, status="denied") == 1
    assert moved(before, after, calls, tool=SUPPLIERS, status="invalid_arguments") == 1
    assert sum(after[key] - before.get(key, 0.0) for key in after if key[0] == calls) == 7
    durations = "sentia_mcp_tool_call_duration_seconds_count"
    assert moved(before, after, durations, tool=QUALITY) == 2
    assert moved(before, after, durations, tool=SUPPLIERS) == 5

    vendor = "sentia_mcp_vendor_requests_total"
    assert moved(before, after, vendor, vendor="unleashed", operation="GET", outcome="success") == 1
    assert moved(before, after, vendor, vendor="unleashed", operation="GET", outcome="server_error") == 1
    assert sum(after[key] - before.get(key, 0.0) for key in after if key[0] == vendor) == 2
    latency = "sentia_mcp_vendor_request_duration_seconds_count"
    assert moved(before, after, latency, vendor="unleashed", operation="GET") == 2
    assert value(after, "sentia_mcp_integration_up", vendor="unleashed") == 0

    assert moved(before, after, "sentia_mcp_cache_hits_total", tier="long") == 1
    assert moved(before, after, "sentia_mcp_cache_misses_total", tier="long") == 2
    assert moved(before, after, "sentia_mcp_business_operations_total", operation="quality_records_created") == 1

    http = "sentia_mcp_http_requests_total"
    assert moved(before, after, http, method="POST", route="/mcp", status="200") == 7
    assert moved(before, after, http, method="GET", route=PROMETHEUS, status="200") == 1  # the first scrape
    assert moved(before, after, "sentia_mcp_http_request_duration_seconds_count", method="POST", route="/mcp") == 7
    assert value(after, "sentia_mcp_database_up") == 1
    assert value(after, "sentia_mcp_cache_up") == 1
    security = "sentia_mcp_security_events_total"
    assert sum(after[key] - before.get(key, 0.0) for key in after if key[0] == security) == 0
