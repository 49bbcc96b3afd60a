"""Reading tool results and what the Xero simulator received."""

from __future__ import annotations

import asyncio
import json
import time
from functools import partial
from typing import Any

from mcp.types import CallToolResult

from sentia_server.integrations.http import RetryPolicy
from sentia_server.integrations.settings import XeroSettings
from sentia_server.integrations.xero import build_xero_client
from sentia_server.tools import system
from sentia_server.tools import xero as xero_tools
from sentia_server.tools.registry import ToolRegistry
from sentia_testkit.simulators.xero import CLIENT_ID, CLIENT_SECRET, XeroSimulator

SCOPES = "accounting.transactions accounting.reports.read accounting.contacts.read accounting.settings.read"


def registry() -> ToolRegistry:
    return ToolRegistry([system.group, xero_tools.group])


def text(result: CallToolResult) -> str:
    return "".join(getattr(item, "text", "") for item in result.content)


def structured(result: CallToolResult) -> dict[str, Any]:
    assert not result.is_error, text(result)
    content = result.structured_content
    assert isinstance(content, dict)
    return content


def sent_params(simulator: XeroSimulator, route: str) -> list[dict[str, str]]:
    return [dict(request.url.params) for request in simulator.requests_to(route)]


def sent_bodies(simulator: XeroSimulator, route: str) -> list[Any]:
    return [json.loads(request.content) for request in simulator.requests_to(route)]


class Clock:
    """Unix time that starts now and moves only when a test (or a skipped wait) moves it; shared by the
    simulator and the client so that token lifetimes and rate-limit windows agree."""

    def __init__(self) -> None:
        self.now = time.time()

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def configure(runtime: Any, simulator: XeroSimulator, clock: Clock, *, transport: Any = None, **settings: Any) -> None:
    """Point the runtime's Xero client at `simulator`, with waits that move the clock instead of sleeping."""
    values = {"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, "scopes": SCOPES, **settings}
    runtime.vendors._settings = runtime.settings.model_copy(update={"xero": XeroSettings(**values)})
    runtime.vendors.transports["xero"] = transport or simulator.transport()

    async def skip(seconds: float) -> None:
        clock.advance(seconds)
        await asyncio.sleep(0)

    fast = RetryPolicy(base_delay=0.001, statuses=frozenset({500, 502, 503, 504}))
    runtime.vendors.get("xero", partial(build_xero_client, retry=fast, sleep=skip, clock=clock))
