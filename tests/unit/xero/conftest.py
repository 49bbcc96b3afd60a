"""Xero client and simulator unit tests: an in-process simulator with a clock the tests move."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date

import pytest

from sentia_server.integrations.http import RateLimiter, RetryPolicy, VendorHttpClient
from sentia_server.integrations.settings import XeroSettings
from sentia_server.integrations.xero import XeroClient, build_xero_client
from sentia_testkit.simulators.xero import CLIENT_ID, CLIENT_SECRET, XeroSimulator

SCOPES = "accounting.transactions accounting.reports.read accounting.contacts.read accounting.settings.read"


class Clock:
    """A clock that only moves when told to, shared by the simulator and the client."""

    def __init__(self, start: float = 1_795_000_000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


class Sleeps:
    """An asyncio.sleep stand-in that records the waits and moves the clock instead of waiting."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self.waits: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)
        self.clock.advance(seconds)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def sleeps(clock: Clock) -> Sleeps:
    return Sleeps(clock)


@pytest.fixture
def simulator(clock: Clock) -> XeroSimulator:
    return XeroSimulator(clock=clock, today=date(2026, 11, 27))


@pytest.fixture
def settings() -> XeroSettings:
    return XeroSettings(client_id=CLIENT_ID, client_secret=CLIENT_SECRET, scopes=SCOPES)


@pytest.fixture
async def client(simulator: XeroSimulator, settings: XeroSettings, sleeps: Sleeps) -> AsyncIterator[XeroClient]:
    built = build_xero_client(
        settings,
        simulator.transport(),
        RateLimiter(),
        retry=RetryPolicy(base_delay=0.001, statuses=frozenset({500, 502, 503, 504})),
        sleep=sleeps,
        max_rate_limit_wait=30,
        clock=sleeps.clock,
    )
    try:
        yield built
    finally:
        await built.aclose()


@pytest.fixture
async def identity(simulator: XeroSimulator) -> AsyncIterator[VendorHttpClient]:
    http = VendorHttpClient("xero", "https://identity.xero.com", transport=simulator.transport())
    try:
        yield http
    finally:
        await http.aclose()
