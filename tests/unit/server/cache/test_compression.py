"""Compression of large cache values: round trips, the threshold, entries written before it, broken entries, and the
decompressed values kept for repeated reads."""

from __future__ import annotations

import hashlib
import json
import zlib

import pytest

from sentia_server.cache import compression
from sentia_server.cache.compression import (
    HEADER_PLAIN,
    HEADER_ZLIB,
    HOT_MAX_BYTES,
    MAX_DECOMPRESSED_BYTES,
    CompressingCache,
    CorruptEntry,
    decode,
    encode,
)
from sentia_server.cache.memory import MemoryCache

pytestmark = pytest.mark.anyio
THRESHOLD = 1024
RESULT = json.dumps(
    {"suppliers": [{"code": f"SUP-{n:03d}", "name": f"Botanica {n}", "currency": "GBP"} for n in range(200)]}
).encode()


@pytest.fixture
def backend() -> MemoryCache:
    return MemoryCache(100)


@pytest.fixture
def cache(backend: MemoryCache) -> CompressingCache:
    return CompressingCache(backend, min_bytes=THRESHOLD)


async def test_a_large_value_is_stored_compressed_and_read_back_unchanged(cache, backend):
    await cache.set("k", RESULT, 60)
    stored = await backend.get("k")
    assert stored is not None and stored.startswith(HEADER_ZLIB)
    assert len(stored) < len(RESULT) // 3
    assert await cache.get("k") == RESULT


@pytest.mark.parametrize(("size", "compressed"), [(THRESHOLD - 1, False), (THRESHOLD, True), (THRESHOLD + 1, True)])
def test_the_threshold_is_inclusive(size: int, compressed: bool):
    value = b"a" * size
    stored = encode(value, THRESHOLD)
    assert stored.startswith(HEADER_ZLIB) is compressed
    assert stored == value or compressed
    assert decode(stored) == value


def test_zero_turns_compression_off():
    assert encode(RESULT, 0) == RESULT


def test_an_empty_value_stays_empty():
    assert encode(b"", THRESHOLD) == b"" == decode(b"")


def test_a_value_that_does_not_shrink_is_stored_plain():
    incompressible = b"\x00" + hashlib.shake_256(b"seed").digest(4096)  # starts with NUL, so it is escaped
    stored = encode(incompressible, 1)
    assert stored == HEADER_PLAIN + incompressible
    assert decode(stored) == incompressible


@pytest.mark.parametrize("value", [b"\x00z not compressed", b"\x00p", b"\x00"])
def test_plain_values_that_look_like_a_header_survive(value: bytes):
    stored = encode(value, THRESHOLD)
    assert stored == HEADER_PLAIN + value
    assert decode(stored) == value


async def test_entries_written_before_compression_still_read(cache, backend):
    await backend.set("legacy", RESULT, 60)
    await backend.set("generation", b"4f0c8d6a2b9e4f0c8d6a2b9e4f0c8d6a", 60)
    assert await cache.get("legacy") == RESULT
    assert await cache.get("generation") == b"4f0c8d6a2b9e4f0c8d6a2b9e4f0c8d6a"
    assert await cache.get("never-set") is None


@pytest.mark.parametrize(
    "stored",
    [
        HEADER_ZLIB + b"not a zlib stream",
        HEADER_ZLIB + zlib.compress(RESULT)[:-10],  # truncated
        HEADER_ZLIB + zlib.compress(RESULT) + b"trailing",
        HEADER_ZLIB,
    ],
    ids=["garbage", "truncated", "trailing-bytes", "header-only"],
)
async def test_a_corrupted_compressed_entry_is_a_miss(cache, backend, stored: bytes):
    await backend.set("k", stored, 60)
    assert await cache.get("k") is None
    await cache.set("k", RESULT, 60)  # what the caller does after a miss
    assert await cache.get("k") == RESULT


def test_an_entry_expanding_past_the_limit_is_corrupt():
    bomb = HEADER_ZLIB + zlib.compress(b"\x00" * (MAX_DECOMPRESSED_BYTES + 1), 9)
    with pytest.raises(CorruptEntry, match=f"expands past {MAX_DECOMPRESSED_BYTES} bytes"):
        decode(bomb)


def test_a_broken_stream_names_the_problem():
    with pytest.raises(CorruptEntry, match="compressed cache entry does not decompress: Error -3"):
        decode(HEADER_ZLIB + b"not a zlib stream")


async def test_delete_health_and_close_reach_the_backend(cache, backend):
    await cache.set("k", RESULT, 60)
    await cache.delete("k")
    assert await backend.get("k") is None
    assert (await cache.health()).backend == "memory"
    await backend.set("other", b"v", 60)
    await cache.aclose()
    assert len(backend) == 0


@pytest.fixture
def decompressions(monkeypatch: pytest.MonkeyPatch) -> list[bytes]:
    """The stored values the cache decompressed, in order."""
    seen: list[bytes] = []

    def counting_decode(stored: bytes) -> bytes:
        if stored.startswith(HEADER_ZLIB):
            seen.append(stored)
        return decode(stored)

    monkeypatch.setattr(compression, "decode", counting_decode)
    return seen


async def test_a_repeated_read_is_not_decompressed_again_and_returns_the_same_object(cache, decompressions):
    await cache.set("k", RESULT, 60)

    first, second = await cache.get("k"), await cache.get("k")

    assert first == RESULT
    assert second is first
    assert len(decompressions) == 1


async def test_other_stored_bytes_under_the_same_key_are_decompressed_anew(cache, backend, decompressions):
    await cache.set("k", RESULT, 60)
    assert await cache.get("k") == RESULT
    changed = RESULT.replace(b"Botanica", b"Herbarium")
    await backend.set("k", encode(changed, THRESHOLD), 60)  # as another replica writes to a shared Redis

    assert await cache.get("k") == changed
    assert len(decompressions) == 2


async def test_set_and_delete_forget_the_kept_value(cache, decompressions):
    await cache.set("k", RESULT, 60)
    await cache.get("k")
    await cache.set("k", RESULT[::-1], 60)
    assert await cache.get("k") == RESULT[::-1]
    await cache.delete("k")
    assert await cache.get("k") is None
    assert len(decompressions) == 2


async def test_only_the_values_read_most_recently_are_kept(backend, decompressions):
    cache = CompressingCache(backend, min_bytes=THRESHOLD, hot_bytes=2 * len(RESULT))
    for key in ("a", "b"):
        await cache.set(key, RESULT, 60)
        await cache.get(key)
    await cache.get("a")  # now read more recently than "b"
    await cache.set("c", RESULT, 60)
    await cache.get("c")  # room for two: "b" goes
    assert len(decompressions) == 3

    await cache.get("a")
    await cache.get("c")
    assert len(decompressions) == 3
    await cache.get("b")
    assert len(decompressions) == 4


async def test_a_value_above_the_size_limit_is_decompressed_on_every_read(cache, decompressions):
    large = b"[" + b"1," * (HOT_MAX_BYTES // 2) + b"1]"
    await cache.set("k", large, 60)

    assert await cache.get("k") == large
    assert await cache.get("k") == large
    assert len(decompressions) == 2
