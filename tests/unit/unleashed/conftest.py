"""Unleashed client and simulator unit tests: an in-process simulator and a client with quick retries."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from sentia_server.integrations.http import RateLimiter, RetryPolicy
from sentia_server.integrations.settings import UnleashedSettings
from sentia_server.integrations.unleashed import UnleashedClient, build_unleashed_client
from sentia_testkit.simulators.unleashed import API_ID, API_KEY, UnleashedSimulator

QUICK = RetryPolicy(base_delay=0.001, max_delay=0.005)


@pytest.fixture
def simulator() -> UnleashedSimulator:
    return UnleashedSimulator()


@pytest.fixture
def settings() -> UnleashedSettings:
    return UnleashedSettings(api_id=API_ID, api_key=API_KEY)


@pytest.fixture
async def client(simulator: UnleashedSimulator, settings: UnleashedSettings) -> AsyncIterator[UnleashedClient]:
    built = build_unleashed_client(settings, simulator.transport(), RateLimiter(), retry=QUICK)
    try:
        yield built
    finally:
        await built.aclose()
