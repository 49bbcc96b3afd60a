"""The `sentia` pytest plugin (entry point `pytest11`). Thin: markers, options and fixture declarations only."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from sentia_testkit.services import ServiceHandle
    from sentia_testkit.simulators.amazon import AdsSimulator, SellingPartnerSimulator
    from sentia_testkit.simulators.anthropic import AnthropicSimulator
    from sentia_testkit.simulators.openai import OpenAISimulator
    from sentia_testkit.simulators.shopify import ShopifySimulator
    from sentia_testkit.simulators.unleashed import UnleashedSimulator
    from sentia_testkit.simulators.xero import XeroSimulator

MARKERS = {
    "unit": "fast tests of one module, no network and no services",
    "integration": "tests against real services (PostgreSQL, Redis) or several modules together",
    "e2e": "tests of the running server through its public interfaces (stdio, HTTP)",
    "security": "tests of authentication, authorization and hostile input",
    "performance": "benchmarks and load tests",
}


_SERVICES_USED = pytest.StashKey[dict[str, "ServiceHandle"]]()


def pytest_configure(config: pytest.Config) -> None:
    for name, help_text in MARKERS.items():
        config.addinivalue_line("markers", f"{name}: {help_text}")
    config.stash[_SERVICES_USED] = {}


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter, config: pytest.Config) -> None:
    """Say which servers the session's service fixtures used, so a CI log shows what the tests ran against."""
    used = config.stash.get(_SERVICES_USED, {})
    if used:
        terminalreporter.section("sentia services")
        for name, handle in sorted(used.items()):
            terminalreporter.line(f"{name}: {handle.source} ({_redact(handle.url)})")


def _redact(url: str) -> str:
    from sentia_testkit.services._core import redact

    return redact(url)


# Services: PostgreSQL and Redis from SENTIA_TEST_*_URL, Docker or local binaries (docs/testkit.md).


@pytest.fixture(scope="session")
def sentia_postgres_server(pytestconfig: pytest.Config) -> Iterator[ServiceHandle]:
    """The session's PostgreSQL server, chosen once; skips (or fails) the tests that need it when there is none."""
    from sentia_testkit import services

    handle = services.require(services.resolve_postgres())
    pytestconfig.stash[_SERVICES_USED]["PostgreSQL"] = handle
    try:
        yield handle
    finally:
        handle.stop()


@pytest.fixture
def postgres_url(sentia_postgres_server: ServiceHandle) -> Iterator[str]:
    """URL of a fresh, empty database for this test only, dropped (WITH FORCE) at teardown."""
    from sentia_testkit.services.postgres import temporary_database

    with temporary_database(sentia_postgres_server.url) as url:
        yield url


@pytest.fixture(scope="session")
def sentia_redis_server(pytestconfig: pytest.Config) -> Iterator[ServiceHandle]:
    """The session's Redis server, chosen once; skips (or fails) the tests that need it when there is none."""
    from sentia_testkit import services

    handle = services.require(services.resolve_redis())
    pytestconfig.stash[_SERVICES_USED]["Redis"] = handle
    try:
        yield handle
    finally:
        handle.stop()


@pytest.fixture(scope="session")
def redis_url(sentia_redis_server: ServiceHandle) -> str:
    """URL of the session's Redis server, shared by all tests: keep every key under `redis_key_prefix`."""
    return sentia_redis_server.url


@pytest.fixture
def redis_key_prefix(redis_url: str) -> Iterator[str]:
    """A unique prefix like `sentia-test:<hex>:` for this test; every key under it is deleted at teardown."""
    from sentia_testkit.services.redis import key_prefix

    with key_prefix(redis_url) as prefix:
        yield prefix


# Vendor simulators: a fresh, seeded simulator per test; plug `sim.transport()` into an httpx client and queue
# faults with `sim.faults` (docs/testkit.md, "Mock the vendor APIs in your tests").


@pytest.fixture
def xero_simulator() -> XeroSimulator:
    from sentia_testkit.simulators.xero import XeroSimulator

    return XeroSimulator()


@pytest.fixture
def shopify_simulator() -> ShopifySimulator:
    from sentia_testkit.simulators.shopify import ShopifySimulator

    return ShopifySimulator()


@pytest.fixture
def amazon_simulator() -> SellingPartnerSimulator:
    from sentia_testkit.simulators.amazon import SellingPartnerSimulator

    return SellingPartnerSimulator()


@pytest.fixture
def amazon_ads_simulator() -> AdsSimulator:
    from sentia_testkit.simulators.amazon import AdsSimulator

    return AdsSimulator()


@pytest.fixture
def unleashed_simulator() -> UnleashedSimulator:
    from sentia_testkit.simulators.unleashed import UnleashedSimulator

    return UnleashedSimulator()

@pytest.fixture
def openai_simulator() -> OpenAISimulator:
    """OpenAI (Chat Completions, Responses, Models, Embeddings); give the SDK `http_client=
    httpx2.AsyncClient(transport=openai_simulator.sdk_transport())` and queue answers with `queue_completion`."""
    from sentia_testkit.simulators.openai import OpenAISimulator

    return OpenAISimulator()


@pytest.fixture
def anthropic_simulator() -> AnthropicSimulator:
    """Anthropic Messages (tool use included); plug `anthropic_simulator.sdk_transport()` into the SDK's
    `http_client` and queue answers with `queue_completion`."""
    from sentia_testkit.simulators.anthropic import AnthropicSimulator

    return AnthropicSimulator()
