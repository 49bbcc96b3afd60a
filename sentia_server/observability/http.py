"""Counts and times every HTTP request by its route template, so a path full of identifiers or probes of paths
that do not exist never becomes a new series."""

from __future__ import annotations

import time
from collections.abc import Sequence

from starlette.routing import BaseRoute, Match, Mount, Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sentia_server.observability.metrics import ServerMetrics

UNMATCHED = "unmatched"


def route_template(routes: Sequence[BaseRoute], scope: Scope, mcp_path: str) -> str:
    """The template of the route that answers `scope` (`/api/metrics/business`), the MCP path, or `unmatched`."""
    path: str = scope["path"]
    if path.rstrip("/") == mcp_path.rstrip("/"):  # the busiest route, and no other route serves its path
        return mcp_path
    for route in routes:
        if isinstance(route, Route):
            match, _ = route.matches(scope)
            if match is not Match.NONE:  # PARTIAL: the path matches and the method does not (a 405)
                return route.path
        elif isinstance(route, Mount) and path.rstrip("/") == mcp_path.rstrip("/"):
            return mcp_path
    return UNMATCHED


class HttpMetricsMiddleware:
    """Observes the status and the duration of each HTTP request; outermost, so refusals by other layers count."""

    def __init__(self, app: ASGIApp, *, metrics: ServerMetrics, routes: Sequence[BaseRoute], mcp_path: str) -> None:
        self.app = app
        self.metrics = metrics
        self.routes = routes
        self.mcp_path = mcp_path

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def observed_send(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, observed_send)
        finally:
            template = route_template(self.routes, scope, self.mcp_path)
            self.metrics.observe_http(scope["method"], template, status, time.perf_counter() - started)
