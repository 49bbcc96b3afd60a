"""An HTTP client for the checks, whether the target is an ASGI app in process or a server at a base URL."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import httpx

IN_PROCESS_BASE_URL = "http://testserver"


def http_client(
    target: str | Any, *, base_url: str | None = None, headers: Mapping[str, str] | None = None, **options: Any
) -> httpx.AsyncClient:
    """`http_client("https://api.example.com")` or `http_client(app)`: an `httpx.AsyncClient` for the checks. An ASGI
    app is served in process (its lifespan is yours to run); `base_url` then sets the host and scheme it sees."""
    if isinstance(target, str):
        return httpx.AsyncClient(base_url=base_url or target, headers=dict(headers or {}), **options)
    if not callable(target):
        raise TypeError(f"http_client needs a base URL or an ASGI app, not {type(target).__name__}")
    transport = httpx.ASGITransport(app=target)
    return httpx.AsyncClient(
        transport=transport, base_url=base_url or IN_PROCESS_BASE_URL, headers=dict(headers or {}), **options
    )
