"""CORS for browser clients on the allowed origins only (Starlette's CORSMiddleware). Credentials are bearer tokens
in the Authorization header, never cookies, so `allow_credentials` stays off."""

from __future__ import annotations

from collections.abc import Sequence

from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send

from sentia_server.http_encoding import varying_on
from sentia_server.http_headers import request_header
from sentia_server.security.hosts import PUBLIC_PREFIXES, allowlist_pattern

ALLOWED_METHODS = ("GET", "POST", "OPTIONS")
ALLOWED_HEADERS = (
    "authorization",
    "content-type",
    "accept",
    "mcp-protocol-version",
    "mcp-session-id",
    "last-event-id",
    "x-api-key",
    "x-request-id",
)
EXPOSED_HEADERS = ("mcp-session-id", "x-request-id", "www-authenticate", "retry-after")
PREFLIGHT_MAX_AGE_SECONDS = 600


class CorsAllowlistMiddleware:
    """Starlette's CORSMiddleware limited to the allowed origins, on every path but the public documents. A request
    without `Origin` (not from a browser) only gets the `Vary: Origin` that Starlette would add, without the wrapper
    that inspects every response for CORS headers it will not add."""

    def __init__(self, app: ASGIApp, allowed_origins: Sequence[str]) -> None:
        self.app = app
        self._cors = CORSMiddleware(
            app,
            allow_origin_regex=allowlist_pattern(allowed_origins).pattern,
            allow_methods=ALLOWED_METHODS,
            allow_headers=ALLOWED_HEADERS,
            expose_headers=EXPOSED_HEADERS,
            allow_credentials=False,
            max_age=PREFLIGHT_MAX_AGE_SECONDS,
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"].startswith(PUBLIC_PREFIXES):
            await self.app(scope, receive, send)
            return
        if scope["type"] == "http" and request_header(scope, b"origin") is None:
            await self.app(scope, receive, varying_on(send, b"Origin"))
            return
        await self._cors(scope, receive, send)
