"""Single-flight: concurrent identical calls share one execution, its result or its error, and survive a cancelled
leader. Each test holds the work on an event until every caller has joined, so the interleaving is the same on
every run."""

from __future__ import annotations

import gc
import weakref

import anyio
import pytest

from sentia_server.cache.single_flight import SingleFlight, flights_of

pytestmark = pytest.mark.anyio
CALLERS = 10


class VendorDown(Exception):
    pass


class Work:
    """Counts its executions and answers only once `release` is set."""

    def __init__(self, answer: str = "result", *, error: Exception | None = None) -> None:
        self.answer = answer
        self.error = error
        self.runs = 0
        self.started = anyio.Event()
        self.release = anyio.Event()

    async def __call__(self) -> str:
        self.runs += 1
        self.started.set()
        await self.release.wait()
        if self.error is not None:
            raise self.error
        return f"{self.answer}-{self.runs}"


class Joins:
    """The `on_join` callback: counts joins and wakes whoever waits for a count to be reached."""

    def __init__(self) -> None:
        self.count = 0
        self._waiting: list[tuple[int, anyio.Event]] = []

    def __call__(self) -> None:
        self.count += 1
        for target, reached in self._waiting:
            if self.count >= target:
                reached.set()

    async def reach(self, count: int) -> None:
        reached = anyio.Event()
        self._waiting.append((count, reached))
        if self.count >= count:
            reached.set()
        with anyio.fail_after(5):
            await reached.wait()


async def test_concurrent_identical_calls_run_the_work_once_and_share_its_result():
    flights: SingleFlight[str] = SingleFlight()
    work, joins = Work(), Joins()
    outcomes: list[tuple[str, bool]] = []

    async def call() -> None:
        outcomes.append(await flights.run("k", work, on_join=joins))

    async with anyio.create_task_group() as group:
        for _ in range(CALLERS):
            group.start_soon(call)
        await joins.reach(CALLERS - 1)
        assert len(flights) == 1
        work.release.set()

    assert work.runs == 1
    assert [result for result, _ in outcomes] == ["result-1"] * CALLERS
    assert sorted(shared for _, shared in outcomes) == [False] + [True] * (CALLERS - 1)
    assert len(flights) == 0  # the flight ends with its work: nothing is remembered


async def test_different_keys_run_separately():
    flights: SingleFlight[str] = SingleFlight()
    first, second = Work("a"), Work("b")
    results: dict[str, tuple[str, bool]] = {}

    async def call(key: str, work: Work) -> None:
        results[key] = await flights.run(key, work)

    async with anyio.create_task_group() as group:
        group.start_soon(call, "a", first)
        group.start_soon(call, "b", second)
        with anyio.fail_after(5):
            await first.started.wait()
            await second.started.wait()
        assert len(flights) == 2
        first.release.set()
        second.release.set()

    assert results == {"a": ("a-1", False), "b": ("b-1", False)}


async def test_a_failure_reaches_every_waiter_and_the_next_call_runs_again():
    flights: SingleFlight[str] = SingleFlight()
    failing, joins = Work(error=VendorDown("unleashed answered 503")), Joins()
    errors: list[BaseException] = []

    async def call() -> None:
        try:
            await flights.run("k", failing, on_join=joins)
        except VendorDown as error:
            errors.append(error)

    async with anyio.create_task_group() as group:
        for _ in range(CALLERS):
            group.start_soon(call)
        await joins.reach(CALLERS - 1)
        failing.release.set()

    assert failing.runs == 1
    assert len(errors) == CALLERS
    assert {str(error) for error in errors} == {"unleashed answered 503"}

    retry = Work("fresh")
    retry.release.set()
    assert await flights.run("k", retry) == ("fresh-1", False)  # the failure was not kept


async def test_a_cancelled_leader_hands_the_work_to_a_waiter():
    flights: SingleFlight[str] = SingleFlight()
    work, joins = Work(), Joins()
    outcomes: list[tuple[str, bool]] = []
    leader_cancelled = False

    async def lead(scope_ready: anyio.Event, scopes: list[anyio.CancelScope]) -> None:
        nonlocal leader_cancelled
        with anyio.CancelScope() as scope:
            scopes.append(scope)
            scope_ready.set()
            await flights.run("k", work)
        leader_cancelled = scope.cancelled_caught

    async def wait() -> None:
        outcomes.append(await flights.run("k", work, on_join=joins))

    async with anyio.create_task_group() as group:
        ready, scopes = anyio.Event(), []
        group.start_soon(lead, ready, scopes)
        with anyio.fail_after(5):
            await work.started.wait()
        for _ in range(3):
            group.start_soon(wait)
        await joins.reach(3)
        scopes[0].cancel()
        await joins.reach(3 + 2)  # the waiters start over: one leads, the two others join it
        work.release.set()

    assert leader_cancelled
    assert work.runs == 2
    assert sorted(outcomes) == [("result-2", False), ("result-2", True), ("result-2", True)]
    assert len(flights) == 0


async def test_a_cancelled_waiter_does_not_disturb_the_flight():
    flights: SingleFlight[str] = SingleFlight()
    work, joins = Work(), Joins()
    outcomes: list[tuple[str, bool]] = []

    async def lead() -> None:
        outcomes.append(await flights.run("k", work))

    async with anyio.create_task_group() as group:
        group.start_soon(lead)
        with anyio.fail_after(5):
            await work.started.wait()
        with anyio.move_on_after(0.01) as waited:
            await flights.run("k", work, on_join=joins)
        assert waited.cancelled_caught and joins.count == 1
        work.release.set()

    assert outcomes == [("result-1", False)]
    assert work.runs == 1


def test_each_owner_has_its_own_flights_and_they_go_with_it():
    class Owner:
        pass

    first, second = Owner(), Owner()
    assert flights_of(first) is flights_of(first)
    assert flights_of(first) is not flights_of(second)
    gone = weakref.ref(flights_of(second))
    del second
    gc.collect()
    assert gone() is None
