"""A cached Unleashed tool under concurrent identical calls: one vendor request for all of them (single-flight), the
cache counters moved by exactly what happened, and a failure shared by every caller but never cached.

The simulator's answer is held until every other caller has joined the flight (the coalesced counter says so), so
the calls overlap on every run whatever the machine's speed.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import anyio
import httpx
import pytest
from integration.vendors.unleashed.helpers import configure, registry, structured, text
from mcp.types import CallToolResult

from sentia_server.runtime import Runtime
from sentia_testkit.simulators.unleashed import UnleashedSimulator

pytestmark = pytest.mark.anyio
CALLERS = 10
TOOL = "unleashed-get-suppliers"
ARGUMENTS = {"page_size": 5}


def counter(runtime: Runtime, name: str) -> float:
    return runtime.metrics.registry.get_sample_value(f"sentia_mcp_cache_{name}_total", {"tier": "long"}) or 0.0


def counters(runtime: Runtime) -> dict[str, float]:
    return {name: counter(runtime, name) for name in ("hits", "misses", "coalesced")}


class HeldVendor:
    """An httpx transport in front of the simulator that answers once the coalesced counter reaches a target.

    It reads the real counter: the runtime's `observe_cache_coalesced` is wrapped to check it after each join."""

    def __init__(self, runtime: Runtime, simulator: UnleashedSimulator, monkeypatch: pytest.MonkeyPatch) -> None:
        self.simulator = simulator
        self.release = anyio.Event()
        self._target = float("inf")
        observe = runtime.metrics.observe_cache_coalesced

        def observe_and_check(tier: str) -> None:
            observe(tier)
            if counter(runtime, "coalesced") >= self._target:
                self.release.set()

        monkeypatch.setattr(runtime.metrics, "observe_cache_coalesced", observe_and_check)

    def hold_until_coalesced(self, count: float) -> None:
        self._target = count

    async def handle(self, request: httpx.Request) -> httpx.Response:
        with anyio.fail_after(10):
            await self.release.wait()
        return self.simulator.handle(request)

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self.handle)


@pytest.fixture
def held(runtime: Runtime, monkeypatch: pytest.MonkeyPatch) -> tuple[UnleashedSimulator, HeldVendor]:
    simulator = UnleashedSimulator()
    vendor = HeldVendor(runtime, simulator, monkeypatch)
    configure(runtime, simulator, transport=vendor.transport())
    return simulator, vendor


@pytest.fixture
def call_concurrently(connect: Any, principal: Any) -> Callable[[int], Awaitable[list[CallToolResult]]]:
    """Each caller opens its own MCP session (its own server and executor), as separate clients of a replica do."""

    async def run(callers: int) -> list[CallToolResult]:
        results: list[CallToolResult] = []

        async def one() -> None:
            async with connect(principal(), registry=registry()) as client:
                results.append(await client.call_tool(TOOL, ARGUMENTS))

        async with anyio.create_task_group() as group:
            for _ in range(callers):
                group.start_soon(one)
        return results

    return run


async def test_concurrent_identical_calls_make_one_vendor_request(runtime, held, call_concurrently):
    simulator, vendor = held
    before = counters(runtime)

    vendor.hold_until_coalesced(before["coalesced"] + CALLERS - 1)
    results = await call_concurrently(CALLERS)

    answers = [structured(result) for result in results]
    assert len(answers) == CALLERS
    assert all(answer == answers[0] for answer in answers)
    assert answers[0]["suppliers"]
    assert len(list(simulator.requests_to("Suppliers"))) == 1
    after = counters(runtime)
    assert {name: after[name] - before[name] for name in after} == {"hits": 0, "misses": 1, "coalesced": CALLERS - 1}

    again = await call_concurrently(1)  # after the flight: from the cache
    assert structured(again[0]) == answers[0]
    assert len(list(simulator.requests_to("Suppliers"))) == 1
    assert counter(runtime, "hits") - before["hits"] == 1


async def test_a_vendor_failure_reaches_every_caller_and_is_not_cached(runtime, held, call_concurrently):
    simulator, vendor = held
    simulator.faults.server_error("Suppliers", status=503, times=3)  # every retry of the one execution fails
    before = counters(runtime)

    vendor.hold_until_coalesced(before["coalesced"] + CALLERS - 1)
    results = await call_concurrently(CALLERS)

    assert len(results) == CALLERS
    assert all(result.is_error for result in results)
    assert len({text(result) for result in results}) == 1  # the one execution's error, as each caller reads it
    assert len(list(simulator.requests_to("Suppliers"))) == 3  # one execution and its retries, for all callers

    [retry] = await call_concurrently(1)
    assert structured(retry)["suppliers"]
    assert len(list(simulator.requests_to("Suppliers"))) == 3 + 1
    after = counters(runtime)
    assert {name: after[name] - before[name] for name in after} == {"hits": 0, "misses": 2, "coalesced": CALLERS - 1}
