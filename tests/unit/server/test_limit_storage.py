"""The in-process limit storage: expired keys are swept on a schedule, not after every hit, and limits still hold."""

from __future__ import annotations

import time

import anyio
import anyio.lowlevel
import pytest
from limits import RateLimitItemPerMinute, RateLimitItemPerSecond
from limits.aio.storage import MemoryStorage
from limits.aio.strategies import MovingWindowRateLimiter, SlidingWindowCounterRateLimiter

from sentia_server.limit_storage import SweptMemoryStorage

pytestmark = pytest.mark.anyio


class Clock:
    """Stands in for both clocks involved: the library's `time.time` and the sweep's `time.monotonic`."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.now = 1_000_000.0
        monkeypatch.setattr(time, "time", lambda: self.now)
        monkeypatch.setattr(time, "monotonic", lambda: self.now)


async def settle() -> None:
    """Let a sweep task started by the last hit run to its end."""
    for _ in range(5):
        await anyio.lowlevel.checkpoint()


def test_the_library_still_has_the_hook_that_is_overridden():
    # If an upgrade of `limits` renames it, the override would silently stop applying.
    assert callable(getattr(MemoryStorage, "_MemoryStorage__schedule_expiry", None))
    assert "_MemoryStorage__schedule_expiry" in vars(SweptMemoryStorage)


async def test_hits_within_the_interval_start_one_sweep_where_the_library_starts_one_per_hit(monkeypatch):
    Clock(monkeypatch)
    swept, library = SweptMemoryStorage(sweep_seconds=1.0), MemoryStorage()
    sweeps: dict[str, list[object]] = {"swept": [], "library": []}  # the tasks themselves: ids are reused
    for _ in range(5):
        for name, storage in (("swept", swept), ("library", library)):
            await storage.incr("caller", 60)
            await settle()
            if not any(task is storage.timer for task in sweeps[name]):
                sweeps[name].append(storage.timer)
    assert (len(sweeps["swept"]), len(sweeps["library"])) == (1, 5)


async def test_expired_keys_read_as_zero_at_once_and_leave_memory_at_the_next_sweep(monkeypatch):
    clock = Clock(monkeypatch)
    storage = SweptMemoryStorage(sweep_seconds=5.0)
    await storage.incr("old", 1)
    await settle()
    clock.now += 2  # "old" has expired; the next sweep is not due
    await storage.incr("new", 1)
    await settle()
    assert "old" in storage.expirations
    assert await storage.get("old") == 0
    clock.now += 5  # the sweep is due, and "new" has expired too
    await storage.incr("newest", 60)
    await settle()
    assert set(storage.expirations) == {"newest"}


async def test_sliding_window_limits_are_enforced_and_end_with_their_window(monkeypatch):
    clock = Clock(monkeypatch)
    limiter = SlidingWindowCounterRateLimiter(SweptMemoryStorage())
    per_minute = RateLimitItemPerMinute(2)
    assert [await limiter.hit(per_minute, "caller") for _ in range(3)] == [True, True, False]
    clock.now += 121  # two windows later nothing of these calls counts
    assert await limiter.hit(per_minute, "caller")


async def test_moving_window_limits_ignore_entries_older_than_the_window_before_they_are_swept(monkeypatch):
    clock = Clock(monkeypatch)
    storage = SweptMemoryStorage(sweep_seconds=3600)
    limiter = MovingWindowRateLimiter(storage)
    per_ten_seconds = RateLimitItemPerSecond(2, 10)
    assert [await limiter.hit(per_ten_seconds, "address") for _ in range(3)] == [True, True, False]
    clock.now += 11
    assert await limiter.hit(per_ten_seconds, "address")
    assert len(storage.events[per_ten_seconds.key_for("address")]) == 3  # kept until the next sweep


@pytest.mark.parametrize(
    "method",
    ["incr", "get", "get_expiry", "check", "reset", "clear", "acquire_entry", "get_moving_window",
     "acquire_sliding_window_entry", "get_sliding_window", "clear_sliding_window"],
)  # fmt: skip
def test_the_storage_calls_its_parents_own_methods_without_the_error_translation_wrappers(method: str):
    own = getattr(SweptMemoryStorage, method)
    assert not hasattr(own, "__wrapped__")
    assert own.__qualname__ == f"MemoryStorage.{method}"
    wrapper = getattr(MemoryStorage, method)
    while hasattr(wrapper, "__wrapped__"):
        wrapper = wrapper.__wrapped__
    assert own is wrapper
