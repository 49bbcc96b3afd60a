"""Chooses the cache backend from settings: memory by default, Redis (with a memory fallback) when configured."""

from __future__ import annotations

from sentia_server.cache.base import Cache
from sentia_server.cache.fallback import FallbackCache
from sentia_server.cache.memory import MemoryCache
from sentia_server.cache.redis import RedisCache
from sentia_server.config import Settings


def build_cache(settings: Settings) -> Cache:
    memory = MemoryCache(settings.cache_max_entries)
    if settings.redis_url is None:
        return memory
    return FallbackCache(
        RedisCache(settings.redis_url, key_prefix=settings.cache_key_prefix),
        memory,
        retry_after_seconds=settings.cache_redis_retry_seconds,
    )
