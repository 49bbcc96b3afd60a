"""The recording methods move the right series, with labels from closed sets."""

from __future__ import annotations

import pytest
from prometheus_client import CollectorRegistry

from sentia_server.observability.metrics import ServerMetrics


@pytest.fixture
def metrics() -> ServerMetrics:
    return ServerMetrics(CollectorRegistry(), window_seconds=60)


def sample(metrics: ServerMetrics, name: str, **labels: str) -> float | None:
    return metrics.registry.get_sample_value(name, labels)


def test_an_unknown_http_method_is_counted_as_other(metrics: ServerMetrics):
    metrics.observe_http("BREW", "unmatched", 405, 0.01)
    metrics.observe_http("GET", "/health", 200, 0.02)
    assert sample(metrics, "sentia_mcp_http_requests_total", method="other", route="unmatched", status="405") == 1
    assert sample(metrics, "sentia_mcp_http_requests_total", method="GET", route="/health", status="200") == 1
    assert sample(metrics, "sentia_mcp_http_request_duration_seconds_sum", method="GET", route="/health") == 0.02


def test_repeated_observations_add_to_one_series(metrics: ServerMetrics):
    for _ in range(3):
        metrics.observe_http("POST", "/mcp", 200, 0.01)
    metrics.observe_http("POST", "/mcp", 500, 0.01)
    assert sample(metrics, "sentia_mcp_http_requests_total", method="POST", route="/mcp", status="200") == 3
    assert sample(metrics, "sentia_mcp_http_requests_total", method="POST", route="/mcp", status="500") == 1
    assert metrics.labelled(metrics.tool_calls, "echo", "success") is metrics.tool_calls.labels("echo", "success")


def test_a_tool_call_is_counted_timed_windowed_and_a_business_operation_only_on_success(metrics: ServerMetrics):
    metrics.observe_tool("xero-create-invoice", "success", 0.5)
    metrics.observe_tool("xero-create-invoice", "error", 0.25)
    metrics.observe_tool("system-status", "success", 0.1)
    assert sample(metrics, "sentia_mcp_tool_calls_total", tool="xero-create-invoice", status="success") == 1
    assert sample(metrics, "sentia_mcp_tool_calls_total", tool="xero-create-invoice", status="error") == 1
    assert sample(metrics, "sentia_mcp_tool_call_duration_seconds_count", tool="xero-create-invoice") == 2
    assert sample(metrics, "sentia_mcp_business_operations_total", operation="invoice_created") == 1
    assert metrics.performance.per_key()["xero-create-invoice"].count == 2


@pytest.mark.parametrize(
    ("outcome", "up"),
    [
        ("success", 1),
        ("client_error", 1),
        ("rate_limited", 1),
        ("server_error", 0),
        ("unreachable", 0),
        ("circuit_open", 0),
    ],
)
def test_a_vendor_call_sets_the_integration_up_or_down(metrics: ServerMetrics, outcome: str, up: int):
    metrics.observe_vendor_call("xero", "GET", outcome, 0.3)
    assert sample(metrics, "sentia_mcp_vendor_requests_total", vendor="xero", operation="GET", outcome=outcome) == 1
    assert sample(metrics, "sentia_mcp_vendor_request_duration_seconds_count", vendor="xero", operation="GET") == 1
    assert sample(metrics, "sentia_mcp_integration_up", vendor="xero") == up


def test_cache_hits_and_misses_are_counted_by_tier(metrics: ServerMetrics):
    metrics.observe_cache("short", hit=True)
    metrics.observe_cache("short", hit=False)
    metrics.observe_cache("short", hit=False)
    assert sample(metrics, "sentia_mcp_cache_hits_total", tier="short") == 1
    assert sample(metrics, "sentia_mcp_cache_misses_total", tier="short") == 2


def test_coalesced_misses_are_counted_by_tier_apart_from_misses(metrics: ServerMetrics):
    metrics.observe_cache_coalesced("long")
    metrics.observe_cache_coalesced("long")
    assert sample(metrics, "sentia_mcp_cache_coalesced_total", tier="long") == 2
    assert sample(metrics, "sentia_mcp_cache_misses_total", tier="long") is None


def test_ai_usage_counts_tokens_by_direction_and_cost(metrics: ServerMetrics):
    metrics.observe_ai_usage("openai", "gpt-4o", 120, 30, 0.0042)
    labels = {"provider": "openai", "model": "gpt-4o"}
    assert sample(metrics, "sentia_mcp_ai_tokens_total", direction="input", **labels) == 120
    assert sample(metrics, "sentia_mcp_ai_tokens_total", direction="output", **labels) == 30
    assert sample(metrics, "sentia_mcp_ai_cost_usd_total", **labels) == pytest.approx(0.0042)


def test_the_process_metrics_are_exported_for_the_memory_alert(metrics: ServerMetrics):
    assert (sample(metrics, "process_resident_memory_bytes") or 0) > 0


def test_dependency_gauges(metrics: ServerMetrics):
    metrics.set_dependencies(database_up=True, cache_up=False)
    assert sample(metrics, "sentia_mcp_database_up") == 1
    assert sample(metrics, "sentia_mcp_cache_up") == 0


def test_every_metric_name_follows_the_naming_rules(metrics: ServerMetrics):
    families = [family for family in metrics.registry.collect() if not family.name.startswith("process_")]
    assert families
    for family in families:
        assert family.name.startswith("sentia_mcp_"), family.name
        if family.type == "histogram":
            assert family.name.endswith("_seconds"), family.name
        if family.type == "counter":
            assert {sample_.name for sample_ in family.samples} <= {f"{family.name}_total", f"{family.name}_created"}
