"""In-process counting for the rate limits, lockout and vendor limits when no Redis is configured.

The `limits` library's in-memory storage starts a sweep of every key it holds after each counted hit, as a new task
once the previous sweep has finished. Under load that is a task per request and work that grows with the number of
callers and limits tracked: 18 to 35 µs a hit with one key and about 170 µs with a thousand, against 12 to 13 µs
with the sweep at most once a second (the event loop turning between hits, as it does under load).
The sweep only frees memory; counters and windows are checked against the clock when read, so here it runs at most
once per `sweep_seconds`.

`limits` wraps a storage's methods in its exception translation in `__init_subclass__`, for every subclass (the
window methods twice), so that a remote storage's driver errors can surface as `limits.errors.StorageError`. Memory
has no driver and translates nothing (`wrap_exceptions` stays off), yet each wrapper is one more coroutine per
storage call, and a tool call makes six nested ones. The subclass calls `MemoryStorage`'s own methods directly.
"""

from __future__ import annotations

import time
from typing import Any

from limits.aio.storage import MemoryStorage

DEFAULT_SWEEP_SECONDS = 1.0


class SweptMemoryStorage(MemoryStorage):
    """`limits`' `memory://` storage whose sweep of expired keys runs at most once per `sweep_seconds`."""

    def __init__(self, *, sweep_seconds: float = DEFAULT_SWEEP_SECONDS) -> None:
        self.sweep_seconds = sweep_seconds
        self._next_sweep = 0.0
        super().__init__()

    async def _MemoryStorage__schedule_expiry(self) -> None:  # the hook's name in `MemoryStorage`
        now = time.monotonic()
        if now < self._next_sweep:
            return
        self._next_sweep = now + self.sweep_seconds
        await super()._MemoryStorage__schedule_expiry()  # type: ignore[misc]  # mypy does not model name mangling


def _unwrapped(function: Any) -> Any:
    """The function under every `functools.wraps` layer of `function`."""
    while hasattr(function, "__wrapped__"):
        function = function.__wrapped__
    return function


def _call_unwrapped(cls: type, parent: type) -> None:
    """Give `cls` `parent`'s own methods in place of the wrappers `__init_subclass__` put around them (in both
    classes); a method `cls` defines itself stays as it is."""
    for name, value in list(vars(parent).items()):
        if not hasattr(value, "__wrapped__"):
            continue
        own = vars(cls).get(name)
        if own is None or _unwrapped(own) is _unwrapped(value):
            setattr(cls, name, _unwrapped(value))


_call_unwrapped(SweptMemoryStorage, MemoryStorage)
