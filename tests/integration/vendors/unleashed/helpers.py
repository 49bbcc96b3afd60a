"""Pointing the runtime at the Unleashed simulator and reading tool results."""

from __future__ import annotations

from functools import partial
from typing import Any

from mcp.types import CallToolResult

from sentia_server.integrations.http import RetryPolicy
from sentia_server.integrations.settings import UnleashedSettings
from sentia_server.integrations.unleashed import build_unleashed_client
from sentia_server.tools import system
from sentia_server.tools import unleashed as unleashed_tools
from sentia_server.tools.registry import ToolRegistry
from sentia_testkit.simulators.unleashed import API_ID, API_KEY, UnleashedSimulator

FAST_RETRIES = RetryPolicy(base_delay=0.001, max_delay=0.01)


def registry() -> ToolRegistry:
    return ToolRegistry([system.group, unleashed_tools.group])


def text(result: CallToolResult) -> str:
    return "".join(getattr(item, "text", "") for item in result.content)


def structured(result: CallToolResult) -> dict[str, Any]:
    assert not result.is_error, text(result)
    content = result.structured_content
    assert isinstance(content, dict)
    return content


def configure(
    runtime: Any,
    simulator: UnleashedSimulator,
    *,
    transport: Any = None,
    retry: RetryPolicy = FAST_RETRIES,
    **settings: Any,
) -> None:
    """Point the runtime's Unleashed client at `simulator`, with retries that do not wait long."""
    values = {"api_id": API_ID, "api_key": API_KEY, **settings}
    runtime.vendors._settings = runtime.settings.model_copy(update={"unleashed": UnleashedSettings(**values)})
    runtime.vendors.transports["unleashed"] = transport or simulator.transport()
    runtime.vendors.get("unleashed", partial(build_unleashed_client, retry=retry))


def sent_params(simulator: UnleashedSimulator, route: str) -> list[dict[str, str]]:
    return [dict(request.url.params) for request in simulator.requests_to(route)]
