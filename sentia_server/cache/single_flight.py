"""Single-flight: concurrent identical cache misses share one execution, so N callers cost one vendor call.

A flight is keyed by the cache key and lives only while its work runs; nothing is remembered afterwards (the cache
does that). The first caller of a key leads: it runs the work in its own task, so its context (request id, metrics
observer) and its cancellation apply as for any call. Later callers of the same key wait for the leader's outcome:
its result, or its exception (a failure is shared, never cached: the next call after the flight tries again). If
the leader is cancelled, its waiters are not left hanging on a result that will never come: they start over, and
the first of them leads a new flight.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, Generic, TypeVar, cast
from weakref import WeakKeyDictionary

import anyio

T = TypeVar("T")


class _Flight(Generic[T]):
    """One running execution: its waiters wait on `done`, then read the outcome the leader left."""

    __slots__ = ("abandoned", "done", "error", "result")

    def __init__(self) -> None:
        self.done = anyio.Event()
        self.result: T | None = None
        self.error: Exception | None = None
        self.abandoned = False


class SingleFlight(Generic[T]):
    """Runs `work` once per key at a time; callers arriving while it runs share its outcome."""

    def __init__(self) -> None:
        self._flights: dict[str, _Flight[T]] = {}

    def __len__(self) -> int:
        """Flights running now."""
        return len(self._flights)

    async def run(
        self, key: str, work: Callable[[], Awaitable[T]], *, on_join: Callable[[], None] | None = None
    ) -> tuple[T, bool]:
        """`(result, shared)`: `shared` is true when another caller's execution produced the result. `on_join` is
        called each time this caller starts waiting on another's flight (before the outcome is known)."""
        while (flight := self._flights.get(key)) is not None:
            if on_join is not None:
                on_join()
            await flight.done.wait()
            if flight.abandoned:
                continue
            if flight.error is not None:
                raise flight.error
            return cast("T", flight.result), True
        return await self._lead(key, work), False

    async def _lead(self, key: str, work: Callable[[], Awaitable[T]]) -> T:
        flight: _Flight[T] = _Flight()
        self._flights[key] = flight
        try:
            flight.result = await work()
            return flight.result
        except Exception as error:
            flight.error = error
            raise
        except BaseException:  # cancelled (or the process is stopping): the waiters must run the work themselves
            flight.abandoned = True
            raise
        finally:
            del self._flights[key]
            flight.done.set()


_PER_OWNER: WeakKeyDictionary[object, SingleFlight[Any]] = WeakKeyDictionary()


def flights_of(owner: object) -> SingleFlight[Any]:
    """The flights of one owner, the cache whose entries they fill: shared by every executor of a runtime, never by
    two runtimes in one process. `owner` must be hashable by identity and weakly referenceable."""
    flights = _PER_OWNER.get(owner)
    if flights is None:
        flights = _PER_OWNER[owner] = SingleFlight()
    return flights
