"""Shopify tools against the simulator in process: the runtime's Shopify client talks to a `ShopifySimulator`
(the UK shop with a static Admin API token, the US shop through the client credentials grant), with fast retries
and a fake clock shared by the client and the simulator, so that cost-based waits take no real time."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from mcp.shared.exceptions import MCPError
from mcp_types import CallToolResult

from sentia_server.auth.principal import Role
from sentia_server.integrations.http import RetryPolicy
from sentia_server.integrations.settings import ShopifySettings
from sentia_server.integrations.shopify import ShopifyClient
from sentia_server.tools import shopify as shopify_tools
from sentia_server.tools import system
from sentia_server.tools.registry import ToolRegistry
from sentia_testkit.simulators.shopify import ShopifySimulator

UK = {"shop_domain": "sentia-uk.myshopify.com", "access_token": "shpat_simulated-uk-admin-token"}
USA = {
    "shop_domain": "sentia-usa.myshopify.com",
    "client_id": "sentia-usa-app-client",
    "client_secret": "simulated-usa-client-secret",
}


class FakeClock:
    """Monotonic seconds that advance only when someone sleeps."""

    def __init__(self) -> None:
        self.now = 1_000.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def simulator(clock: FakeClock) -> ShopifySimulator:
    return ShopifySimulator(clock=clock)


@pytest.fixture
def shopify_settings() -> ShopifySettings:
    return ShopifySettings(shops={"uk": UK, "usa": USA})


def fast_client(clock: FakeClock) -> Callable[..., ShopifyClient]:
    def build(settings: ShopifySettings, transport: Any, limiter: Any) -> ShopifyClient:
        return ShopifyClient(
            settings,
            transport,
            limiter,
            sleep=clock.sleep,
            clock=clock,
            retry=RetryPolicy(base_delay=0.01, max_delay=0.05),
        )

    return build


@pytest.fixture
def shop(
    runtime: Any, simulator: ShopifySimulator, shopify_settings: ShopifySettings, clock: FakeClock
) -> ShopifySimulator:
    """The simulator, plugged into the runtime as its Shopify vendor."""
    runtime.vendors._settings = runtime.settings.model_copy(update={"shopify": shopify_settings})
    runtime.vendors.transports["shopify"] = simulator.transport()
    runtime.vendors.get("shopify", fast_client(clock))
    return simulator


@pytest.fixture
def registry() -> ToolRegistry:
    return ToolRegistry([system.group, shopify_tools.group])


Call = Callable[..., Awaitable[CallToolResult]]


@pytest.fixture
def call(connect: Any, principal: Any, registry: ToolRegistry) -> Call:
    """`await call(tool, arguments, role=...)`: one tool call through an in-memory MCP client."""

    async def run(tool: str, arguments: dict[str, Any], role: Role = Role.ADMIN) -> CallToolResult:
        refused: MCPError | None = None
        async with connect(principal(role), registry=registry) as client:
            try:
                return await client.call_tool(tool, arguments)
            except MCPError as error:  # re-raised outside the client's task group, unwrapped
                refused = error
        raise refused

    return run


def text_of(result: CallToolResult) -> str:
    return "".join(getattr(part, "text", "") for part in result.content)


def sent(simulator: ShopifySimulator, operation: str) -> list[dict[str, Any]]:
    """The variables of every GraphQL request of `operation` the simulator received, in order."""
    import json

    bodies = [json.loads(request.content) for request in simulator.requests_to("graphql")]
    return [
        body["variables"]
        for body in bodies
        if f"query {operation}(" in body["query"] or f"mutation {operation}(" in body["query"]
    ]
