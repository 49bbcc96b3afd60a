"""Redis with a memory fallback: when Redis stops answering, calls go on from memory and health says so."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

import structlog
from redis.exceptions import RedisError

from sentia_server.cache.base import CacheHealth
from sentia_server.cache.memory import MemoryCache
from sentia_server.cache.redis import RedisCache

log = structlog.get_logger(__name__)
T = TypeVar("T")
_UNREACHABLE = (RedisError, OSError)


class FallbackCache:
    """Uses `primary` while it answers; after an error serves from `fallback` and tries the primary again later."""

    def __init__(
        self,
        primary: RedisCache,
        fallback: MemoryCache,
        *,
        retry_after_seconds: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._primary = primary
        self._fallback = fallback
        self._retry_after = retry_after_seconds
        self._clock = clock
        self._retry_at: float | None = None

    @property
    def degraded(self) -> bool:
        return self._retry_at is not None

    def _mark_degraded(self, error: Exception) -> None:
        if self._retry_at is None:
            log.warning("cache degraded to memory: redis unreachable", error=type(error).__name__)
        self._retry_at = self._clock() + self._retry_after

    def _mark_recovered(self) -> None:
        if self._retry_at is not None:
            log.info("cache recovered: redis reachable again")
        self._retry_at = None

    async def _call(self, on_primary: Callable[[], Awaitable[T]], on_fallback: Callable[[], Awaitable[T]]) -> T:
        if self._retry_at is not None and self._clock() < self._retry_at:
            return await on_fallback()
        try:
            result = await on_primary()
        except _UNREACHABLE as error:
            self._mark_degraded(error)
            return await on_fallback()
        self._mark_recovered()
        return result

    async def get(self, key: str) -> bytes | None:
        return await self._call(lambda: self._primary.get(key), lambda: self._fallback.get(key))

    async def set(self, key: str, value: bytes, ttl_seconds: float) -> None:
        await self._call(
            lambda: self._primary.set(key, value, ttl_seconds), lambda: self._fallback.set(key, value, ttl_seconds)
        )

    async def delete(self, key: str) -> None:
        # Delete from both: an entry written while degraded must not outlive its invalidation.
        await self._fallback.delete(key)
        await self._call(lambda: self._primary.delete(key), lambda: self._fallback.delete(key))

    async def health(self) -> CacheHealth:
        """Always probes Redis, so a recovery is noticed without waiting for the next tool call."""
        try:
            await self._primary.ping()
        except _UNREACHABLE as error:
            self._mark_degraded(error)
            return CacheHealth(status="degraded", backend="memory", detail="redis unreachable; serving from memory")
        self._mark_recovered()
        return CacheHealth(status="ok", backend="redis")

    async def aclose(self) -> None:
        await self._primary.aclose()
        await self._fallback.aclose()
