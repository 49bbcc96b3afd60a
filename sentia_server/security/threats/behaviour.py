"""Sliding-window counters for behavioural signals: failed authentications per client, distinct tools per
principal, requests per client. They live in the process (each replica sees its own traffic); the events they raise
are stored in the database, where the threat level is computed across replicas. Memory is bounded: at most
`max_keys` keys are tracked, the least recently seen dropped first."""

from __future__ import annotations

import time
from collections import OrderedDict, deque
from collections.abc import Callable
from typing import Generic, TypeVar

V = TypeVar("V")

Clock = Callable[[], float]


class _Keys(Generic[V]):
    """An LRU map of at most `max_keys` entries."""

    def __init__(self, max_keys: int, factory: Callable[[], V]) -> None:
        self._entries: OrderedDict[str, V] = OrderedDict()
        self._max_keys = max_keys
        self._factory = factory

    def get(self, key: str) -> V:
        entry = self._entries.get(key)
        if entry is None:
            entry = self._entries[key] = self._factory()
            if len(self._entries) > self._max_keys:
                self._entries.popitem(last=False)
        else:
            self._entries.move_to_end(key)
        return entry

    def pop(self, key: str) -> None:
        self._entries.pop(key, None)

    def __len__(self) -> int:
        return len(self._entries)


class WindowCounter:
    """Counts occurrences per key within the last `window` seconds."""

    def __init__(self, window: float, *, max_keys: int = 10_000, clock: Clock = time.monotonic) -> None:
        self.window = window
        self._clock = clock
        self._keys: _Keys[deque[float]] = _Keys(max_keys, deque)

    def add(self, key: str) -> int:
        """Record one occurrence for `key` now; the number within the window, this one included."""
        now = self._clock()
        times = self._keys.get(key)
        times.append(now)
        while times and times[0] <= now - self.window:
            times.popleft()
        return len(times)

    def reset(self, key: str) -> None:
        self._keys.pop(key)

    def __len__(self) -> int:
        return len(self._keys)


class DistinctCounter:
    """Counts distinct items per key seen within the last `window` seconds."""

    def __init__(self, window: float, *, max_keys: int = 10_000, clock: Clock = time.monotonic) -> None:
        self.window = window
        self._clock = clock
        self._keys: _Keys[dict[str, float]] = _Keys(max_keys, dict)

    def add(self, key: str, item: str) -> int:
        """Record `item` for `key` now; the number of distinct items within the window."""
        now = self._clock()
        seen = self._keys.get(key)
        seen[item] = now
        for stale in [name for name, at in seen.items() if at <= now - self.window]:
            del seen[stale]
        return len(seen)

    def reset(self, key: str) -> None:
        self._keys.pop(key)


class Cooldown:
    """Lets a key fire once per `seconds`, so that one burst raises one event rather than one per request."""

    def __init__(self, seconds: float, *, max_keys: int = 10_000, clock: Clock = time.monotonic) -> None:
        self.seconds = seconds
        self._clock = clock
        self._until: _Keys[list[float]] = _Keys(max_keys, lambda: [0.0])

    def ready(self, key: str) -> bool:
        """True (and the key starts cooling down) when the key has not fired within the last `seconds`."""
        now = self._clock()
        until = self._until.get(key)
        if now < until[0]:
            return False
        until[0] = now + self.seconds
        return True
