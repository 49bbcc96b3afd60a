from __future__ import annotations

import pytest

from sentia_server.cache.memory import MemoryCache

pytestmark = pytest.mark.anyio


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def test_entry_lives_for_its_ttl_only():
    clock = FakeClock()
    cache = MemoryCache(10, timer=clock)
    await cache.set("a", b"1", ttl_seconds=300)
    clock.now += 299
    assert await cache.get("a") == b"1"
    clock.now += 2
    assert await cache.get("a") is None


async def test_entries_keep_their_own_ttl():
    clock = FakeClock()
    cache = MemoryCache(10, timer=clock)
    await cache.set("short", b"s", ttl_seconds=300)
    await cache.set("long", b"l", ttl_seconds=3600)
    clock.now += 1800
    assert (await cache.get("short"), await cache.get("long")) == (None, b"l")


async def test_least_recently_used_entry_is_evicted_first():
    cache = MemoryCache(2, timer=FakeClock())
    await cache.set("a", b"1", 60)
    await cache.set("b", b"2", 60)
    assert await cache.get("a") == b"1"  # a is now more recent than b
    await cache.set("c", b"3", 60)
    assert (await cache.get("a"), await cache.get("b"), await cache.get("c")) == (b"1", None, b"3")
    assert len(cache) == 2


async def test_delete_and_close():
    cache = MemoryCache(10)
    await cache.set("a", b"1", 60)
    await cache.delete("a")
    await cache.delete("missing")
    assert await cache.get("a") is None
    await cache.set("b", b"2", 60)
    assert (await cache.health()).status == "ok"
    await cache.aclose()
    assert len(cache) == 0
