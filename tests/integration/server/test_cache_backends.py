"""The same cache contract on both backends: memory (default) and Redis (shared by replicas)."""

from __future__ import annotations

import asyncio
import json

import pytest
import redis

from sentia_server.cache import build_cache
from sentia_server.cache.compression import HEADER_ZLIB, CompressingCache
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
    assert isinstance(cache, CompressingCache)
    assert isinstance(cache.inner, expected)
    assert (await cache.health()).status == "ok"


async def test_with_compression_off_values_are_stored_plain_and_compressed_ones_still_read(make_settings):
    compressing = build_cache(make_settings())
    plain = build_cache(make_settings(cache_compress_min_bytes=0))
    value = b'{"on_hand": 12}' * 200
    await compressing.set("k", value, 60)
    await plain.inner.set("k", await compressing.inner.get("k"), 60)  # as if written before the switch
    assert await plain.get("k") == value
    await plain.set("k", value, 60)
    assert await plain.inner.get("k") == value


async def test_large_values_are_stored_compressed_on_either_backend(cache):
    result = json.dumps([{"sku": f"SEN-{n:04d}", "on_hand": n, "warehouse": "main"} for n in range(400)]).encode()
    await cache.set("tool:v1:acme:unleashed-get-inventory:big", result, 60)
    stored = await cache.inner.get("tool:v1:acme:unleashed-get-inventory:big")
    assert stored.startswith(HEADER_ZLIB)
    assert len(stored) < len(result) // 4
    assert await cache.get("tool:v1:acme:unleashed-get-inventory:big") == result


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
