"""Compression of large cache values, around any backend, so memory and Redis both hold tool results in fewer bytes.

Stored form: a value below the threshold is stored as it is; a larger one as `HEADER_ZLIB` + zlib stream when that
is smaller. A value that itself starts with the header's first byte (a NUL, which JSON results and generation
markers never start with) is stored behind `HEADER_PLAIN`, so a read never mistakes plain bytes for compressed
ones. Entries written before compression existed are plain and read unchanged. An entry that does not decompress
is a miss: the caller recomputes and overwrites it.

The decompressed values of the entries read most recently are kept (up to `HOT_BYTES` in all, none above
`HOT_MAX_BYTES`), beside the stored bytes they came from: a read whose stored bytes are the same skips the
decompression, and gets the same `bytes` object back, which lets the caller memoize what it builds from it.
"""

from __future__ import annotations

import zlib

import structlog
from cachetools import LRUCache

from sentia_server.cache.base import Cache, CacheHealth

log = structlog.get_logger(__name__)

HEADER_ZLIB = b"\x00z"
HEADER_PLAIN = b"\x00p"
COMPRESSION_LEVEL = 1
"""zlib's fastest level: on a 20 KB JSON tool result it saves ~70% of the bytes at ~2/3 of the default level's time."""
MAX_DECOMPRESSED_BYTES = 64 * 1024 * 1024
"""A stored entry that expands beyond this is treated as corrupt rather than filling memory."""
HOT_BYTES = 8 * 1024 * 1024
HOT_MAX_BYTES = 64 * 1024
"""Decompressed values kept for repeated reads: 8 MiB in all, of values up to 64 KiB (a tool result is a few KiB)."""


class CorruptEntry(ValueError):
    """A stored value carries the compressed header but is not a valid, bounded zlib stream."""


def encode(value: bytes, min_bytes: int) -> bytes:
    """The stored form of `value`: compressed from `min_bytes` bytes up (0 never compresses)."""
    if 0 < min_bytes <= len(value):
        packed = zlib.compress(value, COMPRESSION_LEVEL)
        if len(packed) + len(HEADER_ZLIB) < len(value):
            return HEADER_ZLIB + packed
    if value.startswith(HEADER_ZLIB[:1]):
        return HEADER_PLAIN + value
    return value


def decode(stored: bytes) -> bytes:
    """The value `encode` was given; raises `CorruptEntry` for a compressed entry that does not decompress."""
    if stored.startswith(HEADER_ZLIB):
        inflater = zlib.decompressobj()
        try:
            value = inflater.decompress(stored[len(HEADER_ZLIB) :], MAX_DECOMPRESSED_BYTES)
        except zlib.error as error:
            raise CorruptEntry(f"compressed cache entry does not decompress: {error}") from None
        if not inflater.eof or inflater.unconsumed_tail or inflater.unused_data:
            limit = MAX_DECOMPRESSED_BYTES
            raise CorruptEntry(f"compressed cache entry is truncated, has trailing bytes or expands past {limit} bytes")
        return value
    if stored.startswith(HEADER_PLAIN):
        return stored[len(HEADER_PLAIN) :]
    return stored


class CompressingCache:
    """Wraps a backend: values from `min_bytes` up are stored compressed; reads accept every stored form."""

    def __init__(self, inner: Cache, *, min_bytes: int, hot_bytes: int = HOT_BYTES) -> None:
        self.inner = inner
        self._min_bytes = min_bytes
        # Key -> (stored bytes, their decompressed value), bounded by the decompressed sizes.
        self._hot: LRUCache[str, tuple[bytes, bytes]] = LRUCache(maxsize=hot_bytes, getsizeof=_decompressed_size)

    async def get(self, key: str) -> bytes | None:
        stored = await self.inner.get(key)
        if stored is None:
            return None
        if not stored.startswith(HEADER_ZLIB):
            return decode(stored)
        hot = self._hot.get(key)
        if hot is not None and hot[0] == stored:  # the same object for a memory backend: no byte is compared
            return hot[1]
        try:
            value = decode(stored)
        except CorruptEntry as error:
            log.warning("cache entry ignored", reason=str(error))
            return None
        self._keep_hot(key, stored, value)
        return value

    async def set(self, key: str, value: bytes, ttl_seconds: float) -> None:
        self._hot.pop(key, None)
        await self.inner.set(key, encode(value, self._min_bytes), ttl_seconds)

    async def delete(self, key: str) -> None:
        self._hot.pop(key, None)
        await self.inner.delete(key)

    def _keep_hot(self, key: str, stored: bytes, value: bytes) -> None:
        if len(value) <= min(HOT_MAX_BYTES, self._hot.maxsize):
            self._hot[key] = (stored, value)

    async def health(self) -> CacheHealth:
        return await self.inner.health()

    async def aclose(self) -> None:
        self._hot.clear()
        await self.inner.aclose()


def _decompressed_size(entry: tuple[bytes, bytes]) -> int:
    return len(entry[1])
