"""The AI tools against the OpenAI and Anthropic simulators in process, with the Shopify and Xero simulators as
the data they read: the runtime's vendors point at the simulators, with retries that do not wait."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from integration.vendors.xero.helpers import Clock, configure
from mcp import MCPError
from mcp.types import CallToolResult

from sentia_server.ai import periods
from sentia_server.ai.providers import anthropic_factory, openai_factory
from sentia_server.ai.transport import RETRYABLE
from sentia_server.auth.principal import Role
from sentia_server.config import Settings
from sentia_server.integrations.http import RetryPolicy
from sentia_server.integrations.settings import AnthropicSettings, ModelPrice, OpenAISettings, ShopifySettings
from sentia_server.integrations.shopify import ShopifyClient
from sentia_server.tools import anthropic as claude_tools
from sentia_server.tools import openai as openai_tools
from sentia_server.tools import system
from sentia_server.tools import xero as xero_tools
from sentia_server.tools.registry import ToolRegistry
from sentia_testkit.simulators.anthropic import API_KEY as ANTHROPIC_KEY
from sentia_testkit.simulators.anthropic import AnthropicSimulator
from sentia_testkit.simulators.openai import API_KEY as OPENAI_KEY
from sentia_testkit.simulators.openai import ORGANIZATION, PROJECT, OpenAISimulator
from sentia_testkit.simulators.shopify import ShopifySimulator
from sentia_testkit.simulators.xero import XeroSimulator

TODAY = date(2026, 11, 27)
FAST = RetryPolicy(attempts=3, base_delay=0.001, max_delay=0.01, statuses=RETRYABLE)
UK_SHOP = {"shop_domain": "sentia-uk.myshopify.com", "access_token": "shpat_simulated-uk-admin-token"}
USA_SHOP = {"shop_domain": "sentia-usa.myshopify.com", "access_token": "shpat_simulated-usa-admin-token"}
OPENAI_PRICE = {"gpt-5.4-mini": ModelPrice(input_per_million=Decimal("0.75"), output_per_million=Decimal("4.50"))}
ANTHROPIC_PRICE = {"claude-sonnet-4-6": ModelPrice(input_per_million=Decimal(3), output_per_million=Decimal(15))}


def openai_settings(**changes: Any) -> OpenAISettings:
    values: dict[str, Any] = {
        "api_key": OPENAI_KEY,
        "base_url": "https://api.openai.test/v1",
        "organization": ORGANIZATION,
        "project": PROJECT,
        "prices": OPENAI_PRICE,
        **changes,
    }
    return OpenAISettings(**values)


def anthropic_settings(**changes: Any) -> AnthropicSettings:
    values: dict[str, Any] = {
        "api_key": ANTHROPIC_KEY,
        "base_url": "https://api.anthropic.test",
        "prices": ANTHROPIC_PRICE,
        **changes,
    }
    return AnthropicSettings(**values)


def use_settings(runtime: Any, **vendors: Any) -> None:
    runtime.vendors._settings = runtime.vendors._settings.model_copy(update=vendors)


async def replace_provider(runtime: Any, vendor: str, settings: Any) -> None:
    """Rebuild `vendor`'s provider from `settings` (closing the one built before), with fast retries."""
    use_settings(runtime, **{vendor: settings})
    built = runtime.vendors._clients.pop(vendor, None)
    if built is not None:
        await built.aclose()
    runtime.vendors.get(vendor, (openai_factory if vendor == "openai" else anthropic_factory)(retry=FAST))


@pytest.fixture
def backend_settings(make_settings: Callable[..., Settings]) -> Settings:
    """The embedded backends: what these tests check does not depend on the database. The usage records are
    checked on both backends in test_structured_answers.py."""
    return make_settings()


class FakeClock:
    """Monotonic seconds that move only when someone sleeps: Shopify's cost-based waits take no real time."""

    def __init__(self) -> None:
        self.now = 1_000.0

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def shopify_clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def openai_sim() -> OpenAISimulator:
    return OpenAISimulator()


@pytest.fixture
def anthropic_sim() -> AnthropicSimulator:
    return AnthropicSimulator()


@pytest.fixture
def shopify_sim(shopify_clock: FakeClock) -> ShopifySimulator:
    return ShopifySimulator(clock=shopify_clock)


@pytest.fixture
def xero_clock() -> Clock:
    return Clock()


@pytest.fixture
def xero_sim(xero_clock: Clock) -> XeroSimulator:
    return XeroSimulator(today=TODAY, clock=xero_clock)


@pytest.fixture
def vendors(
    runtime: Any,
    openai_sim: OpenAISimulator,
    anthropic_sim: AnthropicSimulator,
    shopify_sim: ShopifySimulator,
    shopify_clock: FakeClock,
    xero_sim: XeroSimulator,
    xero_clock: Clock,
) -> Any:
    """Every vendor of the AI tools pointed at its simulator."""
    use_settings(
        runtime,
        openai=openai_settings(),
        anthropic=anthropic_settings(),
        shopify=ShopifySettings(shops={"uk": UK_SHOP, "usa": USA_SHOP}),
    )
    runtime.vendors.transports.update(
        openai=openai_sim.transport(), anthropic=anthropic_sim.transport(), shopify=shopify_sim.transport()
    )
    runtime.vendors.get("openai", openai_factory(retry=FAST))
    runtime.vendors.get("anthropic", anthropic_factory(retry=FAST))
    runtime.vendors.get(
        "shopify",
        lambda settings, transport, limiter: ShopifyClient(
            settings, transport, limiter, retry=FAST, sleep=shopify_clock.sleep, clock=shopify_clock
        ),
    )
    configure(runtime, xero_sim, xero_clock)
    return runtime


@pytest.fixture
def registry() -> ToolRegistry:
    return ToolRegistry([system.group, claude_tools.group, openai_tools.group, xero_tools.group])


Call = Callable[..., Awaitable[CallToolResult]]


@pytest.fixture
def call_unconfigured(connect: Any, principal: Any, registry: ToolRegistry) -> Call:
    """`await call_unconfigured(tool, arguments, role=...)`: one tool call, with the vendors as settings leave them."""

    async def run(tool: str, arguments: dict[str, Any], *, role: Role = Role.OPERATOR) -> CallToolResult:
        async with connect(principal(role), registry=registry) as client:
            try:
                return await client.call_tool(tool, arguments)
            except MCPError as error:  # raised again outside the session, which would wrap it in a group
                refused = error
        raise refused

    return run


@pytest.fixture
def call(call_unconfigured: Call, vendors: Any) -> Call:
    """`await call(tool, arguments, role=...)`: one tool call with every vendor pointed at its simulator."""
    return call_unconfigured


@pytest.fixture
def today(monkeypatch: pytest.MonkeyPatch) -> Callable[[date], None]:
    """`today(date)`: the day the tools count "the last N days" and "last month" from."""

    def set_today(day: date) -> None:
        monkeypatch.setattr(periods, "utc_today", lambda: day)

    return set_today


def text(result: CallToolResult) -> str:
    return "".join(getattr(item, "text", "") for item in result.content)


def structured(result: CallToolResult) -> dict[str, Any]:
    assert not result.is_error, text(result)
    content = result.structured_content
    assert isinstance(content, dict)
    return content
