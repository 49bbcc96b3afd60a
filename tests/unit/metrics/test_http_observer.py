"""Vendor requests are reported once each, after retries, with a bounded outcome; HTTP routes by their template."""

from __future__ import annotations

import httpx
import pytest
from prometheus_client import CollectorRegistry
from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Mount, Route
from starlette.types import Receive, Scope, Send

from sentia_server.integrations.http import (
    CircuitBreaker,
    ClientRateLimited,
    RetryPolicy,
    VendorError,
    VendorHttpClient,
    call_outcome,
    vendor_call_observer,
)
from sentia_server.observability.http import UNMATCHED, HttpMetricsMiddleware, route_template
from sentia_server.observability.metrics import ServerMetrics

pytestmark = pytest.mark.anyio


class Recorder:
    def __init__(self) -> None:
        self.calls: list[tuple[str, str, str]] = []

    def observe_vendor_call(self, vendor: str, operation: str, outcome: str, seconds: float) -> None:
        assert seconds >= 0
        self.calls.append((vendor, operation, outcome))


@pytest.mark.parametrize(
    ("error", "outcome"),
    [
        (ClientRateLimited("xero", "limit"), "client_rate_limited"),
        (VendorError("xero", "gone"), "unreachable"),
        (VendorError("xero", "slow down", status=429), "rate_limited"),
        (VendorError("xero", "broken", status=502), "server_error"),
        (VendorError("xero", "no", status=404), "client_error"),
    ],
)
def test_call_outcomes(error: VendorError, outcome: str):
    assert call_outcome(error) == outcome


def client_answering(*statuses: int) -> VendorHttpClient:
    answers = iter(statuses)

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(next(answers), json={})

    return VendorHttpClient(
        "xero",
        "https://api.xero.test",
        transport=httpx.MockTransport(handler),
        retry=RetryPolicy(attempts=2, base_delay=0.0),
    )


async def test_each_request_is_reported_once_after_its_retries():
    recorder = Recorder()
    token = vendor_call_observer.set(recorder)
    try:
        client = client_answering(503, 200, 404, 503, 503)
        await client.request("get", "/Invoices")
        with pytest.raises(VendorError):
            await client.request("GET", "/Invoices/unknown")
        with pytest.raises(VendorError):
            await client.request("POST", "/Invoices")
        client._breakers["default"] = CircuitBreaker(threshold=1, failures=1, opened_at=1e18)
        with pytest.raises(VendorError, match="temporarily not called"):
            await client.request("GET", "/Invoices")
        await client.aclose()
    finally:
        vendor_call_observer.reset(token)
    assert recorder.calls == [
        ("xero", "GET", "success"),
        ("xero", "GET", "client_error"),
        ("xero", "POST", "server_error"),
        ("xero", "GET", "circuit_open"),
    ]


async def test_without_an_observer_nothing_is_reported_and_the_call_works():
    client = client_answering(200)
    assert (await client.request("GET", "/Invoices")).status_code == 200
    await client.aclose()


async def test_an_error_that_is_not_a_vendor_error_is_reported_as_error():
    def handler(request: httpx.Request) -> httpx.Response:
        raise RuntimeError("transport bug")

    recorder = Recorder()
    token = vendor_call_observer.set(recorder)
    client = VendorHttpClient("xero", "https://api.xero.test", transport=httpx.MockTransport(handler))
    try:
        with pytest.raises(RuntimeError):
            await client.request("GET", "/Invoices")
    finally:
        vendor_call_observer.reset(token)
        await client.aclose()
    assert recorder.calls == [("xero", "GET", "error")]


def _ok(request: object) -> PlainTextResponse:
    return PlainTextResponse("ok")


ROUTES = [
    Route("/health", _ok, methods=["GET"]),
    Route("/items/{item_id}", _ok, methods=["GET"]),
    Mount("/", app=Starlette()),
]


@pytest.mark.parametrize(
    ("method", "path", "template"),
    [
        ("GET", "/health", "/health"),
        ("POST", "/health", "/health"),
        ("GET", "/items/LOT-1234", "/items/{item_id}"),
        ("POST", "/mcp", "/mcp"),
        ("POST", "/mcp/", "/mcp"),
        ("GET", "/wp-admin/setup.php", UNMATCHED),
    ],
)
def test_route_templates_bound_the_route_label(method: str, path: str, template: str):
    scope = {"type": "http", "method": method, "path": path, "root_path": "", "headers": []}
    assert route_template(ROUTES, scope, "/mcp") == template


async def test_the_middleware_passes_other_scopes_through_uncounted():
    seen: list[str] = []

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        seen.append(scope["type"])

    metrics = ServerMetrics(CollectorRegistry())
    middleware = HttpMetricsMiddleware(app, metrics=metrics, routes=ROUTES, mcp_path="/mcp")
    await middleware({"type": "lifespan"}, None, None)  # type: ignore[arg-type]
    assert seen == ["lifespan"]
    [family] = metrics.http_requests.collect()
    assert family.samples == []


async def test_a_request_that_raises_is_counted_as_a_500():
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        raise RuntimeError("boom")

    metrics = ServerMetrics(CollectorRegistry())
    middleware = HttpMetricsMiddleware(app, metrics=metrics, routes=ROUTES, mcp_path="/mcp")
    scope = {"type": "http", "method": "GET", "path": "/health", "root_path": "", "headers": []}
    with pytest.raises(RuntimeError):
        await middleware(scope, None, None)  # type: ignore[arg-type]
    labels = {"method": "GET", "route": "/health", "status": "500"}
    assert metrics.registry.get_sample_value("sentia_mcp_http_requests_total", labels) == 1
