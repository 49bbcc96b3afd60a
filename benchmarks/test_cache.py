"""The cache path of every cached tool call: the key of the arguments, and the embedded cache's get and set."""

from __future__ import annotations

import asyncio

from sentia_server.cache.keys import tool_cache_key
from sentia_server.cache.memory import MemoryCache

ARGUMENTS = {"sku": "WIDGET-42", "warehouse": "main", "include": ["on_hand", "allocated"], "limit": 50}
ROUND_TRIPS = 200


def test_tool_cache_key(benchmark):
    assert benchmark(tool_cache_key, "inventory-levels", "acme", ARGUMENTS).startswith("tool:v1:acme:")


def test_memory_cache_set_and_get(benchmark):
    """ROUND_TRIPS sets and gets in one coroutine, so the event loop's own cost is spread thin."""
    cache = MemoryCache(max_entries=1_000)
    keys = [f"tool:v1:acme:inventory-levels:{n}" for n in range(ROUND_TRIPS)]
    loop = asyncio.new_event_loop()

    async def round_trips() -> int:
        hits = 0
        for key in keys:
            await cache.set(key, b'{"on_hand": 12}', 300)
            hits += await cache.get(key) is not None
        return hits

    try:
        assert benchmark(lambda: loop.run_until_complete(round_trips())) == ROUND_TRIPS
    finally:
        loop.close()
