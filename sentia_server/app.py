"""The HTTP application: health routes, the MCP endpoint (Streamable HTTP, stateless, JSON) and the middleware."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from mcp.server.mcpserver import MCPServer
from mcp.server.transport_security import RequestBodyLimitMiddleware, TransportSecuritySettings
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.routing import Mount, Route
from starlette.types import ASGIApp

from sentia_server.auth.principal import Principal
from sentia_server.auth.verifier import principal_from_request_context
from sentia_server.config import Settings
from sentia_server.http_encoding import NegotiatedGZipMiddleware
from sentia_server.mcp import ToolResultConversion, build_mcp_server, default_registry
from sentia_server.observability.http import HttpMetricsMiddleware
from sentia_server.routes.health import health_routes
from sentia_server.routes.mcp_calls import DirectToolCalls
from sentia_server.routes.metrics import metrics_routes
from sentia_server.routes.oauth import oauth_routes
from sentia_server.routes.well_known import well_known_routes
from sentia_server.runtime import Runtime, build_runtime
from sentia_server.security.cors import CorsAllowlistMiddleware
from sentia_server.security.errors import InternalErrorMiddleware
from sentia_server.security.hosts import HostOriginMiddleware
from sentia_server.security.http import (
    ApiKeyHeaderMiddleware,
    RequestContextMiddleware,
    SecurityHeadersMiddleware,
    StatelessMcpMethodsMiddleware,
)
from sentia_server.security.json_limits import JsonDepthLimitMiddleware
from sentia_server.security.lockout import AuthLockoutMiddleware
from sentia_server.security.rate_limits import RetryAfterMiddleware
from sentia_server.security.threats.http import BodyInspectionMiddleware, TrafficObserverMiddleware
from sentia_server.tools.executor import ToolExecutor

# Responses from this size up are gzip-compressed for clients that accept it (large tool results and metrics
# reports); smaller ones cost more to compress than they save. Level 6: most of level 9's ratio at a fraction of
# its CPU time.
GZIP_MIN_BYTES = 1024
GZIP_LEVEL = 6


async def _http_principal() -> Principal | None:
    return principal_from_request_context()


def create_app(settings: Settings, runtime: Runtime | None = None) -> Starlette:
    """Build the ASGI app. The runtime is started (and the database migrated) by the app's lifespan."""
    runtime = runtime or build_runtime(settings)
    registry = default_registry()
    executor = ToolExecutor(runtime, registry, _http_principal, "http")
    mcp_server: MCPServer = build_mcp_server(
        runtime,
        transport="http",
        resolve_principal=_http_principal,
        registry=registry,
        token_verifier=runtime.credentials,
        executor=executor,
    )
    transport_security = TransportSecuritySettings(
        enable_dns_rebinding_protection=True,
        allowed_hosts=settings.allowed_hosts,
        allowed_origins=settings.allowed_origins,
    )
    mcp_app: ASGIApp = mcp_server.streamable_http_app(
        streamable_http_path=settings.mcp_path,
        stateless_http=True,
        json_response=True,
        max_request_body_size=settings.max_request_body_bytes,
        transport_security=transport_security,
        host=settings.host,
    )
    if settings.mcp_direct_tool_calls:
        mcp_app = DirectToolCalls(
            mcp_app,
            mcp_path=settings.mcp_path,
            registry=registry,
            executor=executor,
            credentials=runtime.credentials,
            transport_security=transport_security,
            convert_result=ToolResultConversion(),
            server_info=mcp_server.session_manager.app.server_info_stamp,
        )

    @asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        await runtime.start()
        try:
            async with mcp_server.session_manager.run():
                yield
        finally:
            await runtime.aclose()

    routes = [
        # First, so the router tries the busiest path before the others; the SDK app serves the rest under "/".
        Route(settings.mcp_path, endpoint=mcp_app),
        *health_routes(runtime),
        *oauth_routes(runtime),
        *well_known_routes(settings),
        *metrics_routes(runtime),
        Mount("/", app=mcp_app),
    ]
    app = Starlette(
        routes=routes,
        middleware=[
            Middleware(HttpMetricsMiddleware, metrics=runtime.metrics, routes=routes, mcp_path=settings.mcp_path),
            Middleware(NegotiatedGZipMiddleware, minimum_size=GZIP_MIN_BYTES, compresslevel=GZIP_LEVEL),
            Middleware(RequestContextMiddleware),
            Middleware(SecurityHeadersMiddleware),
            Middleware(RetryAfterMiddleware),
            Middleware(InternalErrorMiddleware),
            Middleware(TrafficObserverMiddleware, monitor=runtime.security),
            Middleware(
                HostOriginMiddleware, allowed_hosts=settings.allowed_hosts, allowed_origins=settings.allowed_origins
            ),
            Middleware(CorsAllowlistMiddleware, allowed_origins=settings.allowed_origins),
            Middleware(RequestBodyLimitMiddleware, max_body_size=settings.max_request_body_bytes),
            Middleware(JsonDepthLimitMiddleware, max_depth=settings.max_json_depth, mcp_path=settings.mcp_path),
            Middleware(BodyInspectionMiddleware, monitor=runtime.security, mcp_path=settings.mcp_path),
            Middleware(StatelessMcpMethodsMiddleware, mcp_path=settings.mcp_path),
            Middleware(ApiKeyHeaderMiddleware),
            Middleware(AuthLockoutMiddleware, lockout=runtime.lockout, audit=runtime.audit, settings=settings),
        ],
        lifespan=lifespan,
    )
    app.state.runtime = runtime
    app.state.mcp_server = mcp_server
    return app
