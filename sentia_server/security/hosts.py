"""Host and Origin checks on every route (DNS rebinding and cross-site requests), from SENTIA_ALLOWED_HOSTS and
SENTIA_ALLOWED_ORIGINS. A pattern may end in `:*` for any port (or none)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from sentia_server.http_headers import request_header_text

PUBLIC_PREFIXES = ("/.well-known/",)
"""Public, read-only documents any origin may read (OAuth protected resource metadata); the Host check still applies."""


def allowlist_pattern(allowed: Sequence[str]) -> re.Pattern[str]:
    """One anchored, case-insensitive regex for a list of exact values and `value:*` patterns (any port, or none:
    the scheme's default)."""
    alternatives = [
        re.escape(item[:-2]) + r"(?::[0-9]{1,5})?" if item.endswith(":*") else re.escape(item) for item in allowed
    ]
    return re.compile("(?i)^(?:" + "|".join(alternatives or [r"(?!)"]) + ")$")


class HostOriginMiddleware:
    """421 for a Host this server does not serve, 400 for none, 403 for a browser Origin that is not allowed.

    A request without Origin (curl, server-to-server, MCP clients outside a browser) passes the origin check;
    browsers always send Origin on cross-origin requests, which is what the check is for."""

    def __init__(self, app: ASGIApp, allowed_hosts: Sequence[str], allowed_origins: Sequence[str]) -> None:
        self.app = app
        self._hosts = allowlist_pattern(allowed_hosts)
        self._origins = allowlist_pattern(allowed_origins)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        host = request_header_text(scope, b"host")
        origin = request_header_text(scope, b"origin")
        response: JSONResponse | None = None
        if not host:
            response = _error(400, "missing_host", "the request has no Host header")
        elif not self._hosts.match(host):
            response = _error(
                421,
                "invalid_host",
                "this server does not serve the host named in the Host header (SENTIA_ALLOWED_HOSTS)",
            )
        elif origin is not None and not self._origins.match(origin) and not scope["path"].startswith(PUBLIC_PREFIXES):
            response = _error(
                403, "invalid_origin", "requests from this Origin are not allowed (SENTIA_ALLOWED_ORIGINS)"
            )
        if response is not None:
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)


def _error(status: int, code: str, description: str) -> JSONResponse:
    return JSONResponse({"error": code, "error_description": description}, status_code=status)
