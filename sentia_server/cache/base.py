"""The cache contract every backend fulfils, and the TTL tiers tools choose from."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Literal, Protocol


class CacheTier(StrEnum):
    """How long a tool's results stay fresh; `none` means the tool is never cached."""

    NONE = "none"
    SHORT = "short"
    MEDIUM = "medium"
    LONG = "long"


@dataclass(frozen=True, slots=True)
class CacheHealth:
    """`ok`: the configured backend answers; `degraded`: serving from memory because Redis does not."""

    status: Literal["ok", "degraded", "failed"]
    backend: str
    detail: str | None = None


class Cache(Protocol):
    """Bytes in, bytes out, with a TTL. Backends never raise for an unreachable store: they degrade or miss."""

    async def get(self, key: str) -> bytes | None: ...

    async def set(self, key: str, value: bytes, ttl_seconds: float) -> None: ...

    async def delete(self, key: str) -> None: ...

    async def health(self) -> CacheHealth: ...

    async def aclose(self) -> None: ...
