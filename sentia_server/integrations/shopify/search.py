"""Shopify search syntax (the `query:` argument), built so that a caller's text can never become a filter.

Terms are joined by spaces (AND). Values that contain anything but letters, digits and `_ . @ + -` are quoted with
double quotes, with `\\` and `"` escaped, so `text="x status:archived"` searches for that phrase instead of adding a
status filter. https://shopify.dev/docs/api/usage/search-syntax
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

_PLAIN = re.compile(r"^[A-Za-z0-9_.@+-]+$")


_CONNECTIVES = frozenset({"AND", "OR", "NOT"})


def quote(value: str) -> str:
    if _PLAIN.match(value) and not value.startswith("-") and value.upper() not in _CONNECTIVES:
        return value
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


def instant(moment: datetime) -> str:
    """An aware datetime as the quoted UTC timestamp the search syntax compares with."""
    return quote(moment.astimezone(ZoneInfo("UTC")).strftime("%Y-%m-%dT%H:%M:%SZ"))


def day_start(day: date, timezone: ZoneInfo) -> datetime:
    """Midnight at the start of `day` in the shop's time zone (Shopify's reports bucket days that way)."""
    return datetime.combine(day, time(), tzinfo=timezone)


class SearchQuery:
    """Collects terms; `str(query)` is the value for the `query:` argument (None when there are no terms)."""

    def __init__(self) -> None:
        self._terms: list[str] = []

    def equals(self, field: str, value: str | None) -> SearchQuery:
        if value is not None and value != "":
            self._terms.append(f"{field}:{quote(value)}")
        return self

    def compare(self, field: str, comparator: str, value: str | Decimal | int | None) -> SearchQuery:
        if comparator not in (">", ">=", "<", "<="):
            raise ValueError(f"unknown comparator {comparator!r}")
        if value is not None:
            self._terms.append(f"{field}:{comparator}{quote(str(value))}")
        return self

    def time_range(
        self, field: str, start: datetime | date | None, end: datetime | date | None, timezone: ZoneInfo
    ) -> SearchQuery:
        """`start` inclusive; `end` inclusive for a date (the whole day), exclusive for a datetime."""
        if start is not None:
            moment = start if isinstance(start, datetime) else day_start(start, timezone)
            self._terms.append(f"{field}:>={instant(_aware(moment, timezone))}")
        if end is not None:
            moment = end if isinstance(end, datetime) else day_start(end + timedelta(days=1), timezone)
            self._terms.append(f"{field}:<{instant(_aware(moment, timezone))}")
        return self

    def text(self, words: str | None) -> SearchQuery:
        """Free text: each word searches the resource's default fields; quoted so it cannot act as a filter."""
        self._terms.extend(quote(word) for word in (words or "").split())
        return self

    def value(self) -> str | None:
        return " ".join(self._terms) or None

    def __str__(self) -> str:
        return self.value() or ""


def _aware(moment: datetime, timezone: ZoneInfo) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=timezone)
