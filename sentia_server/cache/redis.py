"""The shared cache: Redis, so every replica sees the same entries. Errors propagate; `FallbackCache` handles them."""

from __future__ import annotations

from typing import cast

from redis.asyncio import Redis

from sentia_server.cache.base import CacheHealth

SOCKET_TIMEOUT_SECONDS = 1.0


class RedisCache:
    def __init__(self, url: str, *, key_prefix: str) -> None:
        self._redis = Redis.from_url(
            url,
            socket_timeout=SOCKET_TIMEOUT_SECONDS,
            socket_connect_timeout=SOCKET_TIMEOUT_SECONDS,
            health_check_interval=30,
        )
        self._prefix = key_prefix if key_prefix.endswith(":") else f"{key_prefix}:"

    def _key(self, key: str) -> str:
        return f"{self._prefix}{key}"

    async def get(self, key: str) -> bytes | None:
        # The client is created without decode_responses, so values come back as bytes.
        return cast("bytes | None", await self._redis.get(self._key(key)))

    async def set(self, key: str, value: bytes, ttl_seconds: float) -> None:
        await self._redis.set(self._key(key), value, px=max(1, int(ttl_seconds * 1000)))

    async def delete(self, key: str) -> None:
        await self._redis.delete(self._key(key))

    async def ping(self) -> None:
        await self._redis.ping()

    async def health(self) -> CacheHealth:
        """Raises when Redis does not answer; `FallbackCache` turns that into a degraded status."""
        await self.ping()
        return CacheHealth(status="ok", backend="redis")

    async def aclose(self) -> None:
        await self._redis.aclose()
