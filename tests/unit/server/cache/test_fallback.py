"""The fallback against a Redis URL that refuses connections: a real network error, no mocks."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator

import pytest

from sentia_server.cache.fallback import FallbackCache
from sentia_server.cache.memory import MemoryCache
from sentia_server.cache.redis import RedisCache

pytestmark = pytest.mark.anyio


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
async def unreachable(clock: FakeClock) -> AsyncIterator[FallbackCache]:
    cache = FallbackCache(
        RedisCache(f"redis://127.0.0.1:{closed_port()}/0", key_prefix="t"),
        MemoryCache(100),
        retry_after_seconds=5,
        clock=clock,
    )
    yield cache
    await cache.aclose()


async def test_calls_keep_working_from_memory_when_redis_is_down(unreachable: FallbackCache):
    await unreachable.set("k", b"v", 60)
    assert unreachable.degraded
    assert await unreachable.get("k") == b"v"
    await unreachable.delete("k")
    assert await unreachable.get("k") is None


async def test_health_reports_degraded_with_the_reason(unreachable: FallbackCache):
    health = await unreachable.health()
    assert (health.status, health.backend) == ("degraded", "memory")
    assert health.detail == "redis unreachable; serving from memory"


async def test_degraded_cache_retries_redis_only_after_the_pause(
    unreachable: FallbackCache, clock: FakeClock, monkeypatch
):
    await unreachable.get("k")
    attempts = 0
    original = RedisCache.get

    async def counting_get(self: RedisCache, key: str) -> bytes | None:
        nonlocal attempts
        attempts += 1
        return await original(self, key)

    monkeypatch.setattr(RedisCache, "get", counting_get)
    await unreachable.get("k")
    assert attempts == 0
    clock.now += 6
    await unreachable.get("k")
    assert attempts == 1
