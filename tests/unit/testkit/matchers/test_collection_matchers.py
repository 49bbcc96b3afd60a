"""IsSortedBy and IsPaginated: values that must match and values that must not."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from pydantic import BaseModel
from unit.testkit.matchers.examples import ORDER

from sentia_testkit.matchers import IsManufacturingOrder, IsPaginated, IsSortedBy


def page(count: int, **info: Any) -> dict[str, Any]:
    items = [{"sku": f"SKU-{index}"} for index in range(count)]
    return {"products": items, "page": {"returned": count, "has_more": False, **info}, "notes": ["a note"]}


class Envelope(BaseModel):
    products: list[dict[str, str]]
    page: dict[str, Any]


SORTED_MATCHING: list[tuple[Any, Any]] = [
    ([], IsSortedBy("sku")),
    ([{"sku": "A"}, {"sku": "A"}, {"sku": "B"}], IsSortedBy("sku")),
    ([{"sku": "C"}, {"sku": "B"}, {"sku": "B"}], IsSortedBy("sku", reverse=True)),
    (({"p": {"a": 1}}, {"p": {"a": 2}}), IsSortedBy("p.a")),
    ([SimpleNamespace(due=1), SimpleNamespace(due=5)], IsSortedBy("due")),
    (["a", "bb", "ccc"], IsSortedBy(lambda text: -len(text), reverse=True)),
    ([3, 1, 2], IsSortedBy(lambda number: 0)),
]
SORTED_NOT_MATCHING: list[tuple[Any, Any, list[str]]] = [
    ("abc", IsSortedBy("sku"), ["expected a list, not str"]),
    (
        [{"sku": "B"}, {"sku": "A"}, {"sku": "C"}, {"sku": "A"}],
        IsSortedBy("sku"),
        [
            "1: 'A' comes after 'B', not in ascending order",
            "3: 'A' comes after 'C', not in ascending order",
        ],
    ),
    ([{"sku": "A"}, {"sku": "B"}], IsSortedBy("sku", reverse=True), ["1: 'B' comes after 'A', not in descending"]),
    ([{"sku": "A"}, {"code": "B"}], IsSortedBy("sku"), ["1: has no 'sku'"]),
    ([{"p": {"a": 1}}, {"p": {}}], IsSortedBy("p.a"), ["1: has no 'p.a'"]),
    ([{"sku": "A"}, {"sku": 1}], IsSortedBy("sku"), ["1: 1 cannot be compared with 'A'"]),
]

PAGE_MATCHING: list[tuple[Any, Any]] = [
    (page(2), IsPaginated()),
    (page(0), IsPaginated(items="products")),
    (page(2, has_more=True, next_cursor="abc"), IsPaginated(has_more=True)),
    (page(2, has_more=True, next_page=2, truncated=False), IsPaginated(page_size=2)),
    (page(2, has_more=True, truncated=True, truncated_reason="1 of 3 items left out"), IsPaginated()),
    ({**page(1), "total_matching": 40}, IsPaginated(has_more=False)),
    (Envelope.model_validate(page(1)), IsPaginated()),
    (
        {"orders": [ORDER], "page": {"returned": 1, "has_more": False}},
        IsPaginated(item=IsManufacturingOrder(status="released")),
    ),
]
PAGE_NOT_MATCHING: list[tuple[Any, Any, list[str]]] = [
    ([1, 2], IsPaginated(), ["expected a page object, not list"]),
    ({"products": []}, IsPaginated(), ["page: missing: a page object with returned and has_more is expected"]),
    ({"page": {}}, IsPaginated(), ["cannot tell which field holds the items (lists of objects: none)"]),
    (
        {**page(1), "more": [{}]},
        IsPaginated(),
        ["cannot tell which field holds the items (lists of objects: products, more)"],
    ),
    (page(1), IsPaginated(items="orders"), ["orders: missing: a list of items is expected"]),
    (
        {**page(2), "page": {"returned": 3, "has_more": False}},
        IsPaginated(),
        ["page.returned: says 3 but the page holds 2"],
    ),
    (
        {**page(2), "page": {"returned": "2", "has_more": "no"}},
        IsPaginated(),
        [
            "page.returned: must be a whole number, got '2'",
            "page.has_more: must be true or false, got 'no'",
        ],
    ),
    (
        page(1, has_more=True, next_cursor="a", next_page=2),
        IsPaginated(),
        ["page: gives both next_cursor and next_page"],
    ),
    (
        page(1, has_more=True, next_cursor=""),
        IsPaginated(),
        [
            "page.next_cursor: must be non-empty text, got ''",
        ],
    ),
    (page(1, has_more=True, next_page=1), IsPaginated(), ["page.next_page: must be a page number of 2 or more"]),
    (page(1, next_page=3), IsPaginated(), ["page.has_more: is false, yet a next page is given"]),
    (page(1, has_more=True), IsPaginated(), ["page.has_more: is true, but there is no next_cursor"]),
    (page(1, truncated=True), IsPaginated(), ["page.truncated: is True but truncated_reason is None"]),
    (page(1, truncated_reason="budget"), IsPaginated(), ["page.truncated: is False but truncated_reason is 'budget'"]),
    (page(3), IsPaginated(page_size=2), ["products: holds 3 items, more than the page size 2"]),
    (page(1), IsPaginated(has_more=True), ["page.has_more: expected True, got False"]),
    ({**page(2), "total_matching": 1}, IsPaginated(), ["total_matching: is 1, fewer than the 2 items on this page"]),
    (
        {"orders": [ORDER, {**ORDER, "status": "shipped"}], "page": {"returned": 2, "has_more": False}},
        IsPaginated(item=IsManufacturingOrder(status="released")),
        ["orders.1: status: expected 'released', got <OrderStatus.SHIPPED: 'shipped'>"],
    ),
    (page(1), IsPaginated(item={"sku": "other"}), ["products.0: does not match {'sku': 'other'}"]),
]


@pytest.mark.parametrize(("value", "matcher"), SORTED_MATCHING + PAGE_MATCHING)
def test_matches(value: Any, matcher: Any):
    assert value == matcher


@pytest.mark.parametrize(("value", "matcher", "problems"), SORTED_NOT_MATCHING + PAGE_NOT_MATCHING)
def test_does_not_match(value: Any, matcher: Any, problems: list[str]):
    assert value != matcher
    explained = matcher.explain()
    assert len(explained) == len(problems), explained
    for line, expected in zip(explained, problems, strict=True):
        assert line.startswith(expected), (line, expected)


def test_only_the_first_ten_breaks_in_order_are_listed():
    matcher = IsSortedBy("n")
    assert [{"n": -index} for index in range(30)] != matcher
    assert len(matcher.explain()) == 10


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: IsSortedBy(""), "key must be a field name or a function"),
        (lambda: IsSortedBy(3), "key must be a field name or a function"),
        (lambda: IsPaginated(page_size=0), "page_size must be 1 or more"),
    ],
)
def test_a_wrong_option_is_refused(make: Any, message: str):
    with pytest.raises(TypeError, match=message):
        make()


@pytest.mark.parametrize(
    ("next_cursor", "reason"),
    [(None, None), ("token-2", None), (None, "3 of 10 items left out to stay within the budget"), ("t", "r")],
)
def test_the_servers_own_cursor_pages_match(next_cursor: str | None, reason: str | None):
    from sentia_server.tools.amazon.common import page_info

    items = [{"sku": "SEN-GIN-70"}, {"sku": "SEN-TON-200"}]
    page = {"orders": items, "page": page_info(len(items), next_cursor, reason).model_dump(mode="json")}
    assert page == IsPaginated(has_more=next_cursor is not None or reason is not None)


@pytest.mark.parametrize(("has_more", "page_number"), [(False, 1), (True, 1), (True, 4)])
def test_the_servers_own_numbered_pages_match(has_more: bool, page_number: int):
    from sentia_server.tools.xero.common import page_info

    page = {"invoices": [{"number": "INV-1"}], "page": page_info(1, has_more, page_number, None).model_dump()}
    assert page == IsPaginated(items="invoices", has_more=has_more)
