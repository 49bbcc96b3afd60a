"""The same cache contract on both backends: memory (default) and Redis (shared by replicas)."""

from __future__ import annotations

import asyncio

import pytest
import redis

from sentia_server.cache import build_cache
from sentia_server.cache.fallback import FallbackCache
from sentia_server.cache.memory import MemoryCache

pytestmark = pytest.mark.anyio


@pytest.fixture
async def cache(backend_settings):
    built = build_cache(backend_settings)
    yield built
    await built.aclose()


async def test_backend_follows_the_settings(cache, backend_settings):
    expected = FallbackCache if backend_settings.redis_url else MemoryCache
    assert isinstance(cache, expected)
    assert (await cache.health()).status == "ok"


async def test_set_get_delete(cache):
    await cache.set("tool:v1:acme:list-tools:abc", b'{"total": 2}', 60)
    assert await cache.get("tool:v1:acme:list-tools:abc") == b'{"total": 2}'
    await cache.delete("tool:v1:acme:list-tools:abc")
    assert await cache.get("tool:v1:acme:list-tools:abc") is None
    assert await cache.get("never-set") is None


async def test_entries_expire(cache):
    await cache.set("short-lived", b"x", 0.2)
    assert await cache.get("short-lived") == b"x"
    await asyncio.sleep(0.4)
    assert await cache.get("short-lived") is None


async def test_redis_keys_carry_the_configured_prefix(make_settings, redis_url, redis_key_prefix):
    cache = build_cache(make_settings(redis_url=redis_url, cache_key_prefix=redis_key_prefix))
    try:
        await cache.set("k1", b"v", 60)
        assert await cache.get("k1") == b"v"
    finally:
        await cache.aclose()
    client = redis.Redis.from_url(redis_url)
    try:
        keys = client.keys(f"{redis_key_prefix}*")
    finally:
        client.close()
    assert keys == [f"{redis_key_prefix}k1".encode()]
