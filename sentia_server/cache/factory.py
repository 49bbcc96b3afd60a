"""Chooses the cache backend from settings: memory by default, Redis (with a memory fallback) when configured.
Either sits behind `CompressingCache`, which also reads compressed entries when `cache_compress_min_bytes` is 0
(compression turned off after entries were written), so switching it never strands an entry."""

from __future__ import annotations

from sentia_server.cache.base import Cache
from sentia_server.cache.compression import CompressingCache
from sentia_server.cache.fallback import FallbackCache
from sentia_server.cache.memory import MemoryCache
from sentia_server.cache.redis import RedisCache
from sentia_server.config import Settings


def build_cache(settings: Settings) -> Cache:
    return CompressingCache(_backend(settings), min_bytes=settings.cache_compress_min_bytes)


def _backend(settings: Settings) -> Cache:
    memory = MemoryCache(settings.cache_max_entries)
    if settings.redis_url is None:
        return memory
    return FallbackCache(
        RedisCache(settings.redis_url, key_prefix=settings.cache_key_prefix),
        memory,
        retry_after_seconds=settings.cache_redis_retry_seconds,
    )
