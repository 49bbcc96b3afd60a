"""In-process counting for the rate limits, lockout and vendor limits when no Redis is configured.

The `limits` library's in-memory storage starts a sweep of every key it holds after each counted hit, as a new task
once the previous sweep has finished. Under load that is a task per request and work that grows with the number of
callers and limits tracked: 18 to 35 µs a hit with one key and about 170 µs with a thousand, against 12 to 13 µs
with the sweep at most once a second (the event loop turning between hits, as it does under load).
The sweep only frees memory; counters and windows are checked against the clock when read, so here it runs at most
once per `sweep_seconds`.

`limits` wraps a storage's methods in its exception translation in `__init_subclass__`, for every subclass (the
window methods twice): a subclass of `MemoryStorage` would add its own wrappers around the parent's, one or two more
coroutines per storage call, six storage calls a tool call. The subclass keeps its parent's methods as they are.
"""

from __future__ import annotations

import time

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


def _drop_rewrapped(cls: type, parent: type) -> None:
    """Remove from `cls` what only wraps `parent`'s own method of the same name (what `__init_subclass__` added)."""
    for name, value in list(vars(cls).items()):
        inherited = vars(parent).get(name)
        inner = getattr(value, "__wrapped__", None)
        while inherited is not None and inner is not None and inner is not inherited:
            inner = getattr(inner, "__wrapped__", None)
        if inherited is not None and inner is inherited:
            delattr(cls, name)


_drop_rewrapped(SweptMemoryStorage, MemoryStorage)
