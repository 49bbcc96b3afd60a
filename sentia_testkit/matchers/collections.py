"""Matchers for lists: sorted by a key, and pages as the server's list tools return them."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from sentia_testkit.matchers._explained import ExplainedMatcher, Problem, join_path, matches

MAX_REPORTED = 10
_MISSING = object()


def _lookup(item: Any, key: str) -> Any:
    """`item`'s value at a dotted `key`, from mapping keys or attributes; `_MISSING` when absent."""
    value = item
    for part in key.split("."):
        value = value.get(part, _MISSING) if isinstance(value, Mapping) else getattr(value, part, _MISSING)
        if value is _MISSING:
            return _MISSING
    return value


class IsSortedBy(ExplainedMatcher[Sequence[Any]]):
    """A list (or tuple) whose items are in order of `key`: a dict key or attribute name (dotted for nested
    values, e.g. "unit_price.amount") or a function of the item. Equal keys may come in any order."""

    def __init__(self, key: str | Callable[[Any], Any], *, reverse: bool = False) -> None:
        if not (isinstance(key, str) and key) and not callable(key):
            raise TypeError(f"IsSortedBy: key must be a field name or a function, not {key!r}")
        self.key = key
        self.reverse = reverse
        super().__init__(getattr(key, "__name__", key), reverse=reverse)

    def check(self, other: Any) -> list[Problem]:
        if not isinstance(other, list | tuple):
            return [Problem("", f"expected a list, not {type(other).__name__}")]
        keys = []
        problems = []
        for index, item in enumerate(other):
            value = self.key(item) if callable(self.key) else _lookup(item, self.key)
            if value is _MISSING:
                problems.append(Problem(str(index), f"has no {self.key!r}"))
            keys.append(value)
        if problems:
            return problems[:MAX_REPORTED]
        order = "descending" if self.reverse else "ascending"
        for index in range(1, len(keys)):
            before, after = keys[index - 1], keys[index]
            try:
                wrong = before < after if self.reverse else after < before
            except TypeError:
                problems.append(Problem(str(index), f"{after!r} cannot be compared with {before!r}"))
                continue
            if wrong:
                problems.append(Problem(str(index), f"{after!r} comes after {before!r}, not in {order} order"))
        return problems[:MAX_REPORTED]


class IsPaginated(ExplainedMatcher[Mapping[str, Any]]):
    """A page as the server's list tools return it: a list of items and a `page` object
    (`returned`, `has_more`, `next_cursor` or `next_page`, `truncated`, `truncated_reason`), consistent with
    each other.

    `items` names the list field (by default the one list field whose items are objects); `page_size` caps
    how many items a page may hold; `has_more` asks for a first/last page; `item` is a matcher every item must
    meet, e.g. `IsPaginated(items="orders", item=IsManufacturingOrder())`."""

    def __init__(
        self,
        *,
        items: str | None = None,
        page_size: int | None = None,
        has_more: bool | None = None,
        item: Any = None,
    ) -> None:
        if page_size is not None and page_size < 1:
            raise TypeError(f"IsPaginated: page_size must be 1 or more, not {page_size}")
        self.items_key = items
        self.page_size = page_size
        self.has_more = has_more
        self.item = item
        given = {"items": items, "page_size": page_size, "has_more": has_more, "item": item}
        super().__init__(**{name: value for name, value in given.items() if value is not None})

    def check(self, other: Any) -> list[Problem]:
        if hasattr(other, "model_dump"):
            other = other.model_dump(mode="json")
        if not isinstance(other, Mapping):
            return [Problem("", f"expected a page object, not {type(other).__name__}")]
        key, problems = self._items_key(other)
        page = other.get("page")
        if not isinstance(page, Mapping):
            problems.append(Problem("page", "missing: a page object with returned and has_more is expected"))
        if key is None or problems or not isinstance(page, Mapping):
            return problems
        items = other[key]
        problems += _page_problems(page, len(items))
        if self.page_size is not None and len(items) > self.page_size:
            problems.append(Problem(key, f"holds {len(items)} items, more than the page size {self.page_size}"))
        if self.has_more is not None and page.get("has_more") is not self.has_more:
            problems.append(Problem("page.has_more", f"expected {self.has_more}, got {page.get('has_more')!r}"))
        total = other.get("total_matching")
        if isinstance(total, int) and total < len(items):
            problems.append(Problem("total_matching", f"is {total}, fewer than the {len(items)} items on this page"))
        if self.item is not None:
            for index, value in enumerate(items):
                if not matches(self.item, value):
                    detail: list[str] = getattr(self.item, "explain", list)()
                    problems.append(
                        Problem(join_path(key, index), "; ".join(detail) or f"does not match {self.item!r}")
                    )
        return problems

    def _items_key(self, page: Mapping[str, Any]) -> tuple[str | None, list[Problem]]:
        if self.items_key is not None:
            if not isinstance(page.get(self.items_key), list):
                return None, [Problem(self.items_key, "missing: a list of items is expected")]
            return self.items_key, []
        lists = [
            key
            for key, value in page.items()
            if isinstance(value, list) and all(isinstance(entry, Mapping) for entry in value)
        ]
        if len(lists) != 1:
            found = ", ".join(lists) or "none"
            return None, [
                Problem(
                    "",
                    f"cannot tell which field holds the items (lists of objects: {found}); "
                    "name it with IsPaginated(items=...)",
                )
            ]
        return lists[0], []


def _page_problems(page: Mapping[str, Any], count: int) -> list[Problem]:
    problems = []
    returned = page.get("returned")
    if isinstance(returned, bool) or not isinstance(returned, int):
        problems.append(Problem("page.returned", f"must be a whole number, got {returned!r}"))
    elif returned != count:
        problems.append(Problem("page.returned", f"says {returned} but the page holds {count} items"))
    has_more = page.get("has_more")
    if not isinstance(has_more, bool):
        problems.append(Problem("page.has_more", f"must be true or false, got {has_more!r}"))
    cursor, number = page.get("next_cursor"), page.get("next_page")
    truncated, reason = page.get("truncated", False), page.get("truncated_reason")
    if cursor is not None and number is not None:
        problems.append(Problem("page", "gives both next_cursor and next_page; a vendor pages one way"))
    if cursor is not None and (not isinstance(cursor, str) or not cursor):
        problems.append(Problem("page.next_cursor", f"must be non-empty text, got {cursor!r}"))
    if number is not None and (isinstance(number, bool) or not isinstance(number, int) or number < 2):
        problems.append(Problem("page.next_page", f"must be a page number of 2 or more, got {number!r}"))
    if has_more is False and (cursor is not None or number is not None):
        problems.append(Problem("page.has_more", "is false, yet a next page is given"))
    if has_more is True and cursor is None and number is None and not truncated:
        problems.append(Problem("page.has_more", "is true, but there is no next_cursor or next_page to fetch it"))
    if bool(truncated) != (reason is not None):
        problems.append(
            Problem("page.truncated", f"is {truncated!r} but truncated_reason is {reason!r}; they go together")
        )
    return problems
