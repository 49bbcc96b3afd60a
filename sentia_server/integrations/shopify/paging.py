"""Pages that span several shops: one opaque cursor holds where each shop's list stands, so `shop=all` pages
through every shop's results merged in one order, and a page trimmed to fit the response budget resumes exactly
after the last item returned.

The cursor is base64url JSON: `{"v": 1, "q": <fingerprint of the filters>, "s": {shop: [after, done]}}`. A cursor
from another query (other filters or shops) is refused instead of silently paging the wrong list.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import heapq
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

T = TypeVar("T")


class InvalidCursor(ValueError):
    """A cursor that is not one of ours, or that belongs to a different query."""


@dataclass(frozen=True)
class Cursored(Generic[T]):
    shop: str
    cursor: str
    node: T


@dataclass
class Page(Generic[T]):
    """Items of one shop after a position, and whether the shop has more after the last of them."""

    shop: str
    items: list[Cursored[T]] = field(default_factory=list)
    has_next: bool = False


@dataclass(frozen=True)
class Position:
    after: str | None = None
    done: bool = False


def fingerprint(filters: Mapping[str, Any]) -> str:
    canonical = json.dumps(filters, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()[:16]


def encode_cursor(query: str, positions: Mapping[str, Position]) -> str:
    payload = {"v": 1, "q": query, "s": {shop: [p.after, p.done] for shop, p in sorted(positions.items())}}
    return base64.urlsafe_b64encode(json.dumps(payload, separators=(",", ":")).encode()).decode().rstrip("=")


def decode_cursor(token: str | None, query: str, shops: Iterable[str]) -> dict[str, Position]:
    """Each shop's position; every shop at its start when there is no cursor."""
    wanted = list(shops)
    if not token:
        return {shop: Position() for shop in wanted}
    try:
        payload = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
        stored = payload["s"]
        positions = {shop: Position(stored[shop][0], bool(stored[shop][1])) for shop in stored}
        matches = payload["v"] == 1 and payload["q"] == query
    except (binascii.Error, ValueError, KeyError, TypeError, IndexError):
        raise InvalidCursor("the cursor is not one this tool returned; start again without a cursor") from None
    if not matches or set(positions) != set(wanted):
        raise InvalidCursor(
            "the cursor belongs to a query with other filters or shops; repeat the same filters or start again "
            "without a cursor"
        )
    return positions


def merge(pages: list[Page[T]], first: int, key: Callable[[T], Any], reverse: bool) -> list[Cursored[T]]:
    """The first `first` items of the shops' pages in one order (each page is already in that order)."""
    streams = [
        [
            ((_Reversed(key(item.node)) if reverse else key(item.node)), index, position, item)
            for position, item in enumerate(page.items)
        ]
        for index, page in enumerate(pages)
    ]
    merged = heapq.merge(*streams, key=lambda entry: (entry[0], entry[1], entry[2]))
    return [entry[3] for _, entry in zip(range(first), merged, strict=False)]


def advance(positions: Mapping[str, Position], pages: list[Page[T]], kept: list[Cursored[T]]) -> dict[str, Position]:
    """Where each shop stands after `kept` (a prefix of the merged items) was returned."""
    updated = dict(positions)
    for page in pages:
        consumed = [item for item in kept if item.shop == page.shop]
        if consumed:
            exhausted = len(consumed) == len(page.items) and not page.has_next
            updated[page.shop] = Position(consumed[-1].cursor, exhausted)
        elif not page.items and not page.has_next:
            updated[page.shop] = Position(positions[page.shop].after, True)
    return updated


def has_more(positions: Mapping[str, Position]) -> bool:
    return any(not position.done for position in positions.values())


class _Reversed:
    """Inverts the order of a sort key, for merging lists sorted newest (or largest) first (never hashed)."""

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value

    def __lt__(self, other: _Reversed) -> bool:
        return bool(other.value < self.value)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Reversed) and bool(self.value == other.value)
