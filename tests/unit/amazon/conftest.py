"""Amazon clients wired to the simulators in process."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from sentia_server.integrations.amazon import AdsClient, SellingPartnerClient
from sentia_server.integrations.amazon.throttle import Throttle
from sentia_server.integrations.http import RetryPolicy
from sentia_server.integrations.settings import AmazonAdsSettings, AmazonSellingPartnerSettings
from sentia_testkit.simulators.amazon import AdsSimulator, SellingPartnerSimulator


@pytest.fixture
def sp_simulator() -> SellingPartnerSimulator:
    return SellingPartnerSimulator()


@pytest.fixture
def ads_simulator() -> AdsSimulator:
    return AdsSimulator()


@pytest.fixture
async def sp_client(sp_simulator: SellingPartnerSimulator) -> AsyncIterator[SellingPartnerClient]:
    settings = AmazonSellingPartnerSettings(**sp_simulator.credentials)
    client = SellingPartnerClient(
        settings,
        sp_simulator.transport(),
        throttle=Throttle(max_wait=5.0),
        retry=RetryPolicy(base_delay=0.01, statuses=frozenset({500, 502, 503, 504})),
    )
    yield client
    await client.aclose()


@pytest.fixture
async def ads_client(ads_simulator: AdsSimulator) -> AsyncIterator[AdsClient]:
    client = AdsClient(AmazonAdsSettings(**ads_simulator.credentials), ads_simulator.transport())
    yield client
    await client.aclose()
