"""Pure ASGI middleware for every HTTP request, outermost first in `app.create_app`."""

from __future__ import annotations

import logging
import re
import secrets
import time

import structlog
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sentia_server.http_headers import request_header, request_header_text, set_response_header
from sentia_server.observability.context import request_id_var

log = structlog.get_logger(__name__)
_stdlib_log = logging.getLogger(__name__)

REQUEST_ID_HEADER = "x-request-id"
_REQUEST_ID_NAME = REQUEST_ID_HEADER.encode("latin-1")
_VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")

SECURITY_HEADERS = {
    "strict-transport-security": "max-age=31536000; includeSubDomains",
    "content-security-policy": "default-src 'none'; frame-ancestors 'none'",
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
    "cross-origin-opener-policy": "same-origin",
    "cross-origin-resource-policy": "same-origin",
    "cache-control": "no-store",
}
_ENCODED_SECURITY_HEADERS = [
    (name.encode("latin-1"), value.encode("latin-1")) for name, value in SECURITY_HEADERS.items()
]


SLOW_REQUEST_SECONDS = 1.0
"""A request answered slower than this is logged at INFO even when it succeeded."""


class RequestContextMiddleware:
    """Gives each request an id (the caller's X-Request-ID when well formed), echoes it, and logs the outcome: at
    INFO when it failed (4xx, 5xx) or was slow, at DEBUG otherwise. Every tool call is also in `tool_executions`, and
    a line per successful request costs a busy server more than the request itself."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        offered = request_header_text(scope, _REQUEST_ID_NAME) or ""
        request_id = offered if _VALID_REQUEST_ID.match(offered) else secrets.token_hex(16)
        token = request_id_var.set(request_id)
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])  # the SDK sends an HTTPStatus member
                set_response_header(message, _REQUEST_ID_NAME, request_id.encode("latin-1"))
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            seconds = time.perf_counter() - started
            level = logging.INFO if status >= 400 or seconds >= SLOW_REQUEST_SECONDS else logging.DEBUG
            if _stdlib_log.isEnabledFor(level):
                log.log(
                    level,
                    "http request",
                    method=scope["method"],
                    path=scope["path"],
                    status=status,
                    duration_ms=round(seconds * 1000, 2),
                )
            request_id_var.reset(token)


class SecurityHeadersMiddleware:
    """Adds the security headers to every response; the API serves JSON only, so the CSP allows nothing."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", ()))
                present = {name.lower() for name, _ in headers}
                headers += [pair for pair in _ENCODED_SECURITY_HEADERS if pair[0] not in present]
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


class ApiKeyHeaderMiddleware:
    """Accepts `X-API-Key: <key>` as an alternative to `Authorization: Bearer <key>` for clients that prefer it."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            api_key = request_header(scope, b"x-api-key")
            if api_key and request_header(scope, b"authorization") is None:
                scope = dict(scope)
                scope["headers"] = [*scope["headers"], (b"authorization", b"Bearer " + api_key)]
        await self.app(scope, receive, send)


class StatelessMcpMethodsMiddleware:
    """In stateless JSON mode the MCP endpoint serves POST only: no server-initiated stream (GET), no session to
    end (DELETE). The MCP transport specification allows 405 for both."""

    def __init__(self, app: ASGIApp, mcp_path: str) -> None:
        self.app = app
        self.mcp_path = mcp_path.rstrip("/") or "/"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"].rstrip("/") == self.mcp_path and scope["method"] != "POST":
            response = JSONResponse(
                {"error": "method_not_allowed", "error_description": f"{scope['method']} is not served; use POST"},
                status_code=405,
                headers={"allow": "POST"},
            )
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)
