"""Every Prometheus metric of one server process, on the registry the runtime holds.

Besides the standard `process_*` metrics, names follow the Prometheus rules: the `sentia_mcp_` prefix, base units in
the name (`_seconds`, `_usd`), counters ending in `_total` once exposed. Every label takes values from a closed set
(HTTP methods, route templates, status codes, registered tools, configured vendors and models), so no caller can grow
the number of series.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, ProcessCollector
from prometheus_client.metrics import MetricWrapperBase

from sentia_server.observability.windows import DurationWindows

HTTP_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
"""Any other method is counted as `other`: a client chooses the method, so it must not choose the label."""

DURATION_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)

BUSINESS_OPERATIONS: Mapping[str, str] = {
    "xero-create-invoice": "invoice_created",
    "amazon-get-orders": "orders_read",
    "shopify-get-orders": "orders_read",
    "unleashed-get-sales-orders": "orders_read",
    "unleashed-get-production-orders": "production_orders_read",
    "amazon-manage-listings": "listings_changed",
    "shopify-manage-products": "products_changed",
    "quality-record-create": "quality_records_created",
}
"""Successful tool calls that stand for a business operation, and the operation they count as."""


class SecurityMetrics:
    """Security events by type and severity, and the threat level computed at each scrape."""

    def __init__(self, registry: CollectorRegistry) -> None:
        self.registry = registry
        self.events = Counter(
            "sentia_mcp_security_events",
            "Security events raised by this process, by type and severity.",
            ["type", "severity"],
            registry=registry,
        )
        self.threat_level = Gauge(
            "sentia_mcp_threat_level",
            "Threat level from recent security events: 0 none, 1 low, 2 elevated, 3 high, 4 critical.",
            registry=registry,
        )


class ServerMetrics:
    """The process's registry and every metric on it; the recording methods are what the server calls."""

    def __init__(self, registry: CollectorRegistry | None = None, *, window_seconds: float = 900.0) -> None:
        self.registry = registry if registry is not None else CollectorRegistry()
        self.security = SecurityMetrics(self.registry)
        self.performance = DurationWindows(window_seconds)
        self._children: dict[tuple[MetricWrapperBase, tuple[str, ...]], Any] = {}
        r = self.registry
        ProcessCollector(registry=r)  # process_resident_memory_bytes, CPU, open files: the standard names
        self.http_requests = Counter(
            "sentia_mcp_http_requests",
            "HTTP requests answered, by method, route template and status code.",
            ["method", "route", "status"],
            registry=r,
        )
        self.http_duration = Histogram(
            "sentia_mcp_http_request_duration_seconds",
            "Time to answer an HTTP request, by method and route template.",
            ["method", "route"],
            buckets=DURATION_BUCKETS,
            registry=r,
        )
        self.tool_calls = Counter(
            "sentia_mcp_tool_calls",
            "Tool calls by tool and outcome (success, error, denied, rate_limited, invalid_arguments).",
            ["tool", "status"],
            registry=r,
        )
        self.tool_duration = Histogram(
            "sentia_mcp_tool_call_duration_seconds",
            "Time a tool call took, whatever its outcome, by tool.",
            ["tool"],
            buckets=DURATION_BUCKETS,
            registry=r,
        )
        self.vendor_requests = Counter(
            "sentia_mcp_vendor_requests",
            "Vendor API requests (after retries) by vendor, operation (HTTP method) and outcome.",
            ["vendor", "operation", "outcome"],
            registry=r,
        )
        self.vendor_duration = Histogram(
            "sentia_mcp_vendor_request_duration_seconds",
            "Time a vendor request took, retries included, by vendor and operation.",
            ["vendor", "operation"],
            buckets=DURATION_BUCKETS,
            registry=r,
        )
        self.integration_up = Gauge(
            "sentia_mcp_integration_up",
            "1 when the vendor's last request reached it and it answered without a server error, else 0.",
            ["vendor"],
            registry=r,
        )
        self.database_up = Gauge("sentia_mcp_database_up", "1 when the database answered the last check.", registry=r)
        self.cache_up = Gauge(
            "sentia_mcp_cache_up", "1 when the cache answered the last check (a fallback counts as up).", registry=r
        )
        self.cache_hits = Counter(
            "sentia_mcp_cache_hits", "Tool results served from the cache, by TTL tier.", ["tier"], registry=r
        )
        self.cache_misses = Counter(
            "sentia_mcp_cache_misses", "Cacheable tool calls not found in the cache, by TTL tier.", ["tier"], registry=r
        )
        self.cache_coalesced = Counter(
            "sentia_mcp_cache_coalesced",
            "Cache misses that waited for an identical call already running instead of calling the tool, by TTL tier.",
            ["tier"],
            registry=r,
        )
        self.ai_tokens = Counter(
            "sentia_mcp_ai_tokens",
            "AI model tokens used, by provider, configured model and direction (input, output).",
            ["provider", "model", "direction"],
            registry=r,
        )
        self.ai_cost = Counter(
            "sentia_mcp_ai_cost_usd",
            "AI cost in US dollars at the configured prices, by provider and configured model.",
            ["provider", "model"],
            registry=r,
        )
        self.business_operations = Counter(
            "sentia_mcp_business_operations",
            "Business operations done through tools (invoices created, orders read, ...), by operation.",
            ["operation"],
            registry=r,
        )

    def labelled(self, metric: MetricWrapperBase, *values: str) -> Any:
        """`metric.labels(*values)`, looked up once per label set: `labels` validates and locks on every call, which
        the hot paths (a request, a tool call) would pay several times each. The label sets are closed (see the module
        docstring), so this map is bounded by the number of series."""
        key = (metric, values)
        child = self._children.get(key)
        if child is None:
            child = self._children[key] = metric.labels(*values)
        return child

    def observe_http(self, method: str, route: str, status: int, seconds: float) -> None:
        method = method if method in HTTP_METHODS else "other"
        self.labelled(self.http_requests, method, route, str(status)).inc()
        self.labelled(self.http_duration, method, route).observe(seconds)

    def observe_tool(self, tool: str, status: str, seconds: float) -> None:
        self.labelled(self.tool_calls, tool, status).inc()
        self.labelled(self.tool_duration, tool).observe(seconds)
        self.performance.add(tool, seconds)
        operation = BUSINESS_OPERATIONS.get(tool)
        if operation is not None and status == "success":
            self.business_operations.labels(operation=operation).inc()

    def observe_vendor_call(self, vendor: str, operation: str, outcome: str, seconds: float) -> None:
        """Called by the vendor HTTP layer (as its `VendorCallObserver`) once per request, retries included."""
        self.vendor_requests.labels(vendor=vendor, operation=operation, outcome=outcome).inc()
        self.vendor_duration.labels(vendor=vendor, operation=operation).observe(seconds)
        self.integration_up.labels(vendor=vendor).set(0 if outcome in VENDOR_DOWN_OUTCOMES else 1)

    def observe_cache(self, tier: str, *, hit: bool) -> None:
        self.labelled(self.cache_hits if hit else self.cache_misses, tier).inc()

    def observe_cache_coalesced(self, tier: str) -> None:
        """A miss joined an identical call in flight (single-flight) and will share its outcome."""
        self.cache_coalesced.labels(tier=tier).inc()

    def observe_ai_usage(
        self, provider: str, model: str, input_tokens: int, output_tokens: int, cost_usd: float
    ) -> None:
        self.ai_tokens.labels(provider=provider, model=model, direction="input").inc(input_tokens)
        self.ai_tokens.labels(provider=provider, model=model, direction="output").inc(output_tokens)
        self.ai_cost.labels(provider=provider, model=model).inc(cost_usd)

    def set_dependencies(self, *, database_up: bool, cache_up: bool) -> None:
        self.database_up.set(1 if database_up else 0)
        self.cache_up.set(1 if cache_up else 0)


VENDOR_DOWN_OUTCOMES = frozenset({"server_error", "unreachable", "circuit_open"})
"""Outcomes that say the vendor itself is not answering; a refused request (4xx) means it is up."""
