"""The `sentia` pytest plugin (entry point `pytest11`). Thin: markers, options and fixture declarations only."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractAsyncContextManager
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from faker import Faker
    from mcp import Client

    from sentia_testkit.security import ProbeOptions
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
    "exclusive": "under pytest-xdist, run while no other worker runs a test (benchmarks, load and timing tests); "
    "the wait for the tests already running does not count against the test's timeout",
    "no_leak(iterations=200, warmup=20, threshold_bytes_per_iteration=128)": "run the test body warmup + "
    "iterations times with the same fixture values and fail when the memory it keeps (tracemalloc) grows per run; "
    "for native allocations use pytest-memray's limit_leaks",
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


# Security checks (docs/testkit.md, "Security checks"): the probe's sample size, from the option or the ini key.

SECURITY_SAMPLE_HELP = "payloads of each corpus the input probe sends into each string (0: the whole corpus; default 3)"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--sentia-security-sample", type=int, default=None, help=SECURITY_SAMPLE_HELP)
    parser.addini("sentia_security_sample", SECURITY_SAMPLE_HELP, default="3")
    parser.addoption("--sentia-seed", type=int, default=None, help="seed of the sentia_faker data (default: random)")


@pytest.fixture
def security_probe_options(pytestconfig: pytest.Config) -> ProbeOptions:
    """`ProbeOptions` with `per_category` from `--sentia-security-sample` or the `sentia_security_sample` ini key;
    change the rest with `dataclasses.replace(security_probe_options, simulators=[...])`."""
    from sentia_testkit.security import ProbeOptions

    chosen = pytestconfig.getoption("sentia_security_sample")
    if chosen is None:
        raw = str(pytestconfig.getini("sentia_security_sample"))
        if not raw.strip().isdigit():
            raise pytest.UsageError(f"sentia_security_sample must be a whole number of payloads, not {raw!r}")
        chosen = int(raw)
    return ProbeOptions(per_category=chosen)


# Matchers, data and leak checks (docs/testkit.md, "Check a manufacturing order", "Generate manufacturing data",
# "Catch a memory leak").

_SEED = pytest.StashKey[int]()


def pytest_assertrepr_compare(op: str, left: object, right: object) -> list[str] | None:
    """Under a failing `==` with a testkit matcher, every rule the value broke, with its field path."""
    matcher = right if getattr(type(right), "__sentia_explains__", False) else left
    if op != "==" or not getattr(type(matcher), "__sentia_explains__", False):
        return None
    from sentia_testkit.matchers._explained import assertion_lines

    return assertion_lines(matcher)


def _session_seed(config: pytest.Config) -> int:
    if _SEED not in config.stash:
        from sentia_testkit.data.seeding import session_seed

        config.stash[_SEED] = session_seed(config.getoption("sentia_seed"))
    return config.stash[_SEED]


def pytest_report_header(config: pytest.Config) -> str:
    return f"sentia: faker seed {_session_seed(config)} (reproduce with --sentia-seed={_session_seed(config)})"


@pytest.fixture
def sentia_seed(request: pytest.FixtureRequest) -> int:
    """This test's data seed: derived from the session seed and the test id, and shown when the test fails."""
    from sentia_testkit.data.seeding import SeedNote, seed_for_test

    session = _session_seed(request.config)
    seed = seed_for_test(session, request.node.nodeid)
    request.node.add_report_section("setup", "sentia seed", str(SeedNote(session, seed)))
    return seed


@pytest.fixture
def sentia_faker(sentia_seed: int) -> Faker:
    """A Faker with `ManufacturingProvider` (`fake.sku()`, `fake.lot_number()`...), seeded with `sentia_seed`."""
    from sentia_testkit.data.factories import seeded_faker

    return seeded_faker(sentia_seed)


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem: pytest.Function) -> bool | None:
    """Run a test marked `no_leak` through the leak check; every other test runs as usual."""
    marker = pyfuncitem.get_closest_marker("no_leak")
    if marker is None:
        return None
    from sentia_testkit.memory import LeakDetected, marker_options, run_test_for_leaks

    fixtures = {name: pyfuncitem.funcargs[name] for name in pyfuncitem._fixtureinfo.argnames}
    try:
        run_test_for_leaks(pyfuncitem.obj, fixtures, marker_options(marker.args, marker.kwargs))
    except (LeakDetected, ValueError) as failed:
        message = str(failed)
    else:
        return True
    pytest.fail(message, pytrace=False)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_protocol(item: pytest.Item) -> Iterator[None]:
    """Under pytest-xdist, run each test in a turn: shared, or alone for one marked `exclusive`. Outermost wrapper,
    so the wait comes before pytest-timeout starts the test's clock."""
    from sentia_testkit import exclusive

    if not exclusive.is_xdist_worker(item.config):
        return (yield)
    turnstile, lock = exclusive.lock_paths(item.config.rootpath)
    with exclusive.turn(turnstile, lock, exclusive=item.get_closest_marker("exclusive") is not None):
        return (yield)


# MCP clients (docs/testkit.md, "Scan your MCP server").


@pytest.fixture
def mcp_client_factory() -> Callable[..., AbstractAsyncContextManager[Client]]:
    """`async with mcp_client_factory(target, headers={...}) as client`: a connected `mcp.Client` of an `MCPServer`
    or low-level `Server` object (in memory), `pkg.module:server`, `stdio:COMMAND` or an http(s) URL."""
    from sentia_testkit.mcp import open_client

    return open_client
