"""The network address of the client of the current request, for security events and per-client counters."""

from __future__ import annotations

from contextvars import ContextVar

from starlette.types import Scope

client_address_var: ContextVar[str | None] = ContextVar("sentia_client_address", default=None)


def client_address(scope: Scope) -> str | None:
    """The peer address as the ASGI server reports it (behind a proxy, uvicorn's `--proxy-headers` sets it from
    X-Forwarded-For for trusted proxies only)."""
    client = scope.get("client")
    return str(client[0])[:64] if client else None
