"""The cache path of every cached tool call: the key of the arguments, get and set on the embedded cache and on
Redis, and the compression of a large tool result."""

from __future__ import annotations

import asyncio
import json
import os
import uuid

import pytest

from sentia_server.cache.base import Cache
from sentia_server.cache.compression import HEADER_ZLIB, decode, encode
from sentia_server.cache.keys import tool_cache_key
from sentia_server.cache.memory import MemoryCache
from sentia_server.cache.redis import RedisCache

ARGUMENTS = {"sku": "WIDGET-42", "warehouse": "main", "include": ["on_hand", "allocated"], "limit": 50}
ROUND_TRIPS = 200


def test_tool_cache_key(benchmark):
    assert benchmark(tool_cache_key, "inventory-levels", "acme", ARGUMENTS).startswith("tool:v2:acme:")


async def round_trips(cache: Cache, keys: list[str]) -> int:
    """A set then a get of every key, in one coroutine so the event loop's own cost is spread thin; the hits."""
    hits = 0
    for key in keys:
        await cache.set(key, b'{"on_hand": 12}', 300)
        hits += await cache.get(key) is not None
    return hits


def test_memory_cache_set_and_get(benchmark):
    """ROUND_TRIPS sets and gets in one coroutine, so the event loop's own cost is spread thin."""
    cache = MemoryCache(max_entries=1_000)
    keys = [f"tool:v1:acme:inventory-levels:{n}" for n in range(ROUND_TRIPS)]
    loop = asyncio.new_event_loop()

    try:
        assert benchmark(lambda: loop.run_until_complete(round_trips(cache, keys))) == ROUND_TRIPS
    finally:
        loop.close()


def test_redis_cache_set_and_get(benchmark):
    """ROUND_TRIPS sets and gets against the shared backend; each is a network round trip to a local Redis."""
    url = os.environ.get("SENTIA_TEST_REDIS_URL")
    if not url:
        pytest.skip("SENTIA_TEST_REDIS_URL is unset: set it to a Redis URL (redis://127.0.0.1:6379/0) to measure Redis")
    prefix = f"sentia-bench:{uuid.uuid4().hex}:"
    cache = RedisCache(url, key_prefix=prefix)
    keys = [f"tool:v1:acme:inventory-levels:{n}" for n in range(ROUND_TRIPS)]
    loop = asyncio.new_event_loop()

    async def clean_up() -> None:
        for key in keys:
            await cache.delete(key)
        await cache.aclose()

    try:
        assert benchmark(lambda: loop.run_until_complete(round_trips(cache, keys))) == ROUND_TRIPS
    finally:
        loop.run_until_complete(clean_up())
        loop.close()


def tool_result_json() -> bytes:
    """A ~20 KB inventory tool result: the size at which compression pays off in Redis memory and network."""
    levels = [
        {
            "sku": f"SEN-{n:04d}",
            "description": f"Sentia botanical spirit {n}, 70 cl",
            "warehouse": "main" if n % 3 else "bonded",
            "on_hand": n * 7 % 900,
            "allocated": n * 3 % 120,
            "unit_cost": {"amount": f"{2 + n % 9}.{n % 100:02d}", "currency": "GBP"},
        }
        for n in range(110)
    ]
    return json.dumps({"inventory": levels, "page": {"returned": len(levels), "has_more": False}}).encode()


def test_compress_a_tool_result(benchmark):
    value = tool_result_json()
    assert 18_000 < len(value) < 22_000
    stored = benchmark(encode, value, 1024)
    assert stored.startswith(HEADER_ZLIB)
    assert len(stored) < len(value) // 3


def test_decompress_a_tool_result(benchmark):
    value = tool_result_json()
    stored = encode(value, 1024)
    assert benchmark(decode, stored) == value
