"""The embedded cache: least-recently-used eviction plus a per-entry TTL, in this process only."""

from __future__ import annotations

import time
from collections.abc import Callable

from cachetools import TLRUCache

from sentia_server.cache.base import CacheHealth


def _expires_at(_key: str, entry: tuple[bytes, float], now: float) -> float:
    return now + entry[1]


class MemoryCache:
    def __init__(self, max_entries: int, *, timer: Callable[[], float] = time.monotonic) -> None:
        self._entries: TLRUCache[str, tuple[bytes, float]] = TLRUCache(
            maxsize=max_entries, ttu=_expires_at, timer=timer
        )

    def __len__(self) -> int:
        return len(self._entries)

    async def get(self, key: str) -> bytes | None:
        entry = self._entries.get(key)
        return entry[0] if entry is not None else None

    async def set(self, key: str, value: bytes, ttl_seconds: float) -> None:
        self._entries[key] = (value, ttl_seconds)

    async def delete(self, key: str) -> None:
        self._entries.pop(key, None)

    async def health(self) -> CacheHealth:
        return CacheHealth(status="ok", backend="memory")

    async def aclose(self) -> None:
        self._entries.clear()
