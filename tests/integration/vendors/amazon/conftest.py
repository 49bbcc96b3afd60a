"""Amazon tools against the SP-API and Amazon Ads simulators, plugged into the runtime in process."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
from mcp import Client

from sentia_server.integrations.http import RetryPolicy
from sentia_server.integrations.settings import AmazonAdsSettings, AmazonSellingPartnerSettings
from sentia_server.runtime import Runtime
from sentia_server.tools import amazon, system
from sentia_server.tools.amazon import advertising, reports
from sentia_server.tools.registry import ToolRegistry
from sentia_testkit.simulators.amazon import AdsSimulator, SellingPartnerSimulator


@pytest.fixture(autouse=True)
def quick_waits(monkeypatch: pytest.MonkeyPatch) -> None:
    """Backoff between retries and report polls shortened so the suite stays fast; Retry-After still counts."""
    for module in (reports, advertising):  # the tools that poll reports
        monkeypatch.setattr(module, "REPORT_POLL_FIRST_DELAY", 0.01)
    monkeypatch.setattr(RetryPolicy, "delay", lambda _self, _attempt, after: 0.01 if after is None else min(after, 0.1))


@pytest.fixture
def sp_simulator() -> SellingPartnerSimulator:
    return SellingPartnerSimulator()


@pytest.fixture
def ads_simulator() -> AdsSimulator:
    return AdsSimulator()


@pytest.fixture
def registry() -> ToolRegistry:
    return ToolRegistry([system.group, amazon.group])


@pytest.fixture
def configure_amazon(
    runtime: Runtime, sp_simulator: SellingPartnerSimulator, ads_simulator: AdsSimulator
) -> Callable[..., None]:
    """`configure_amazon(region="eu")`: point both Amazon vendors of the runtime at the simulators."""

    def configure(region: str = "eu") -> None:
        runtime.vendors._settings = runtime.settings.model_copy(
            update={
                "amazon": AmazonSellingPartnerSettings(**sp_simulator.credentials, region=region),
                "amazon_ads": AmazonAdsSettings(**ads_simulator.credentials, region=region),
            }
        )
        runtime.vendors.transports["amazon"] = sp_simulator.transport()
        runtime.vendors.transports["amazon_ads"] = ads_simulator.transport()

    return configure


@pytest.fixture
async def mcp_client(
    connect: Callable[..., Any],
    principal: Callable[..., Any],
    registry: ToolRegistry,
    configure_amazon: Callable[..., None],
) -> AsyncIterator[Client]:
    """An MCP client of a server whose Amazon vendors answer from the simulators."""
    configure_amazon()
    async with connect(principal(), registry=registry) as client:
        yield client
