"""The security monitor on a real database: events stored without the matched value, behavioural events, the
threat level, and resilience when storage or inspection fails."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from prometheus_client import CollectorRegistry

from sentia_server.auth.principal import AuthMethod, Principal, Role
from sentia_server.observability.metrics import SecurityMetrics
from sentia_server.runtime import Runtime
from sentia_server.security.client import client_address_var
from sentia_server.security.threats import monitor as monitor_module
from sentia_server.security.threats.correlation import ThreatLevel
from sentia_server.security.threats.monitor import SecurityMonitor
from sentia_server.security.threats.settings import ThreatSettings
from sentia_server.storage.security_events import SecurityEventRecord, SecurityEventStore

pytestmark = pytest.mark.anyio

CALLER = Principal(
    subject="api-key:0123456789abcdef", role=Role.OPERATOR, tenant="acme", auth_method=AuthMethod.API_KEY
)
PAYLOAD = "x' UNION SELECT card_number FROM payments--"


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def build(runtime: Runtime, clock: Clock | None = None, **thresholds: int) -> SecurityMonitor:
    settings = ThreatSettings(**thresholds)
    store = SecurityEventStore(runtime.database)
    return SecurityMonitor(store, settings, SecurityMetrics(CollectorRegistry()), clock=clock or Clock())


def count(monitor: SecurityMonitor, event_type: str, severity: str) -> float | None:
    return monitor.metrics.registry.get_sample_value(
        "sentia_mcp_security_events_total", {"type": event_type, "severity": severity}
    )


async def test_the_store_records_counts_and_lists_events(runtime: Runtime):
    store = SecurityEventStore(runtime.database)
    old = datetime.now(UTC) - timedelta(hours=2)
    await store.record(SecurityEventRecord(event_type="xss", severity="high"), occurred_at=old)
    await store.record(SecurityEventRecord(event_type="xss", severity="high", tool="t", location="arguments.a"))
    await store.record(SecurityEventRecord(event_type="tool_sweep", severity="medium", detail={"distinct_tools": 3}))
    assert await store.severity_counts(datetime.now(UTC) - timedelta(hours=1)) == {"high": 1, "medium": 1}
    assert [event.event_type for event in await store.recent()] == ["tool_sweep", "xss", "xss"]
    [latest_xss, _] = await store.recent(event_type="xss")
    assert (latest_xss.tool, latest_xss.location) == ("t", "arguments.a")
    assert len(await store.recent(limit=1)) == 1


async def test_an_attack_in_tool_arguments_is_stored_with_where_and_who_but_not_the_value(runtime: Runtime):
    monitor = build(runtime)
    token = client_address_var.set("203.0.113.7")
    try:
        await monitor.inspect_tool_call("quality-record-create", {"notes": PAYLOAD, "lot": "L-1"}, CALLER, "req-1")
    finally:
        client_address_var.reset(token)
    [event] = await monitor.store.recent()
    assert (event.event_type, event.severity, event.tool, event.location) == (
        "sql_injection",
        "high",
        "quality-record-create",
        "arguments.notes",
    )
    assert (event.principal_subject, event.tenant, event.client_address, event.request_id) == (
        CALLER.subject,
        "acme",
        "203.0.113.7",
        "req-1",
    )
    assert event.detail == {"patterns": ["sqli.union_select"], "value_length": len(PAYLOAD)}
    row = json.dumps({column.name: str(getattr(event, column.name)) for column in event.__table__.columns})
    assert "UNION" not in row and "card_number" not in row
    assert count(monitor, "sql_injection", "high") == 1


async def test_legitimate_arguments_raise_nothing(runtime: Runtime):
    monitor = build(runtime)
    arguments = {"name": "Execute-Pro", "notes": "drop ship -- O'Brien", "sku": "A/B-12", "address": "1 Union St."}
    await monitor.inspect_tool_call("shopify-manage-products", arguments, CALLER, None)
    assert await monitor.store.recent() == []


async def test_one_event_per_location_and_kind_and_at_most_twenty_per_input(runtime: Runtime):
    monitor = build(runtime)
    arguments = {f"field_{index}": "<script>alert(1)</script>" for index in range(25)}
    await monitor.inspect_tool_call("t", arguments, CALLER, None)
    events = await monitor.store.recent()
    assert len(events) == monitor_module.MAX_EVENTS_PER_INPUT
    assert [event.detail for event in events if "omitted_events" in (event.detail or {})] == [
        {"patterns": ["xss.script_tag"], "value_length": 25, "omitted_events": 5}
    ]


async def test_a_rest_body_finding_names_the_path(runtime: Runtime):
    monitor = build(runtime)
    await monitor.inspect_body({"url": "http://169.254.169.254/latest"}, path="/api/things")
    [event] = await monitor.store.recent()
    assert (event.event_type, event.location, event.tool, event.principal_subject) == ("ssrf", "body.url", None, None)
    assert event.detail == {"patterns": ["ssrf.metadata_address"], "value_length": 29, "path": "/api/things"}


async def test_a_tool_sweep_raises_one_event_per_window(runtime: Runtime):
    clock = Clock()
    monitor = build(runtime, clock, tool_sweep_threshold=3, tool_sweep_window_seconds=60)
    for tool in ("a", "b", "b", "c", "d", "e"):
        await monitor.inspect_tool_call(tool, {}, CALLER, None)
    clock.now += 61
    for tool in ("a", "b", "c"):
        await monitor.inspect_tool_call(tool, {}, CALLER, None)
    events = await monitor.store.recent()
    assert [(event.event_type, event.severity, event.principal_subject) for event in events] == [
        ("tool_sweep", "medium", CALLER.subject)
    ] * 2
    assert events[-1].detail == {"distinct_tools": 3, "window_seconds": 60}


async def test_auth_failure_bursts_raise_one_event_per_client_and_window(runtime: Runtime):
    clock = Clock()
    monitor = build(runtime, clock, auth_failure_threshold=3, auth_failure_window_seconds=60)
    for _ in range(5):
        await monitor.observe_auth_failure("198.51.100.1")
    await monitor.observe_auth_failure("198.51.100.2")
    for _ in range(3):
        await monitor.observe_auth_failure(None)
    events = await monitor.store.recent()
    assert [(event.event_type, event.severity, event.client_address) for event in events] == [
        ("auth_failure_burst", "high", None),
        ("auth_failure_burst", "high", "198.51.100.1"),
    ]
    assert events[1].detail == {"count": 3, "window_seconds": 60}


async def test_request_spikes_raise_an_event_and_unknown_clients_are_not_counted(runtime: Runtime):
    monitor = build(runtime, request_spike_threshold=10, request_spike_window_seconds=60)
    for _ in range(12):
        await monitor.observe_request("198.51.100.9")
        await monitor.observe_request(None)
    [event] = await monitor.store.recent()
    assert (event.event_type, event.severity, event.client_address) == ("request_spike", "medium", "198.51.100.9")


async def test_the_threat_level_counts_recent_events_and_sets_the_gauge(runtime: Runtime):
    monitor = build(runtime)
    assert await monitor.current_level() is ThreatLevel.NONE
    for _ in range(4):
        await monitor.record(SecurityEventRecord(event_type="xss", severity="high"))
    assert await monitor.current_level() is ThreatLevel.HIGH
    assert monitor.metrics.registry.get_sample_value("sentia_mcp_threat_level") == 3


async def test_the_last_level_is_kept_when_the_database_does_not_answer(runtime: Runtime, monkeypatch):
    monitor = build(runtime)
    await monitor.record(SecurityEventRecord(event_type="xss", severity="high"))
    assert await monitor.current_level() is ThreatLevel.LOW

    async def down(_since: datetime) -> dict[str, int]:
        raise ConnectionError("database down")

    monkeypatch.setattr(monitor.store, "severity_counts", down)
    assert await monitor.current_level() is ThreatLevel.LOW


async def test_a_storage_outage_costs_the_stored_copy_not_the_call(runtime: Runtime, monkeypatch):
    monitor = build(runtime)

    async def down(_entry: SecurityEventRecord) -> None:
        raise ConnectionError("database down")

    monkeypatch.setattr(monitor.store, "record", down)
    await monitor.inspect_tool_call("t", {"q": "<script>x</script>"}, CALLER, None)
    assert count(monitor, "xss", "high") == 1


async def test_inspection_failures_never_reach_the_caller(runtime: Runtime, monkeypatch):
    monitor = build(runtime)

    def broken(_value: object, _root: str) -> list[object]:
        raise RuntimeError("bug")

    monkeypatch.setattr(monitor_module, "inspect", broken)
    await monitor.inspect_tool_call("t", {"q": "x"}, CALLER, None)
    await monitor.inspect_body({"q": "x"}, path="/x")
    assert await monitor.store.recent() == []


async def test_the_runtime_builds_a_monitor_that_uses_its_metrics_registry(runtime: Runtime):
    await runtime.security.record(SecurityEventRecord(event_type="xss", severity="low"))
    sample = runtime.metrics.registry.get_sample_value(
        "sentia_mcp_security_events_total", {"type": "xss", "severity": "low"}
    )
    assert sample == 1
