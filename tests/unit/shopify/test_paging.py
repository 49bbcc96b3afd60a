"""Cursors across shops: merging each shop's ordered page, resuming after the last item returned, and refusing a
cursor from another query."""

from __future__ import annotations

import pytest

from sentia_server.integrations.shopify.paging import (
    Cursored,
    InvalidCursor,
    Page,
    Position,
    advance,
    decode_cursor,
    encode_cursor,
    fingerprint,
    has_more,
    merge,
)


def page(shop: str, values: list[int], has_next: bool = False) -> Page[int]:
    return Page(shop, [Cursored(shop, f"{shop}-{value}", value) for value in values], has_next)


def test_merge_interleaves_shops_in_order_and_keeps_each_shops_order():
    pages = [page("uk", [9, 7, 3]), page("usa", [8, 7, 1])]
    merged = merge(pages, 4, key=lambda value: value, reverse=True)
    assert [(item.shop, item.node) for item in merged] == [("uk", 9), ("usa", 8), ("uk", 7), ("usa", 7)]
    ascending = merge([page("uk", [1, 4]), page("usa", [2, 3])], 10, key=lambda value: value, reverse=False)
    assert [item.node for item in ascending] == [1, 2, 3, 4]


def test_advance_resumes_after_what_was_returned():
    start = {"uk": Position(), "usa": Position("usa-x")}
    pages = [page("uk", [9, 7, 3]), page("usa", [8], has_next=True)]
    kept = merge(pages, 2, key=lambda value: value, reverse=True)
    after = advance(start, pages, kept)
    assert after == {"uk": Position("uk-9", False), "usa": Position("usa-8", False)}
    assert has_more(after)
    everything = advance(start, pages, merge(pages, 10, key=lambda value: value, reverse=True))
    assert everything == {"uk": Position("uk-3", True), "usa": Position("usa-8", False)}
    empty = advance(start, [page("usa", [])], [])
    assert empty["usa"] == Position("usa-x", True) and empty["uk"] == Position()
    assert not has_more({"uk": Position("a", True)})


def test_cursors_round_trip_and_bind_to_the_query():
    query = fingerprint({"status": "paid", "shops": ["uk", "usa"]})
    positions = {"uk": Position("abc", False), "usa": Position(None, True)}
    token = encode_cursor(query, positions)
    assert "=" not in token
    assert decode_cursor(token, query, ["uk", "usa"]) == positions
    assert decode_cursor(None, query, ["uk"]) == {"uk": Position()}
    with pytest.raises(InvalidCursor, match="belongs to a query with other filters"):
        decode_cursor(token, fingerprint({"status": "open"}), ["uk", "usa"])
    with pytest.raises(InvalidCursor, match="belongs to a query with other filters"):
        decode_cursor(token, query, ["uk"])
    for garbage in ("%%%", "e30", "eyJ2IjoxfQ"):
        with pytest.raises(InvalidCursor, match="not one this tool returned"):
            decode_cursor(garbage, query, ["uk"])


def test_fingerprints_ignore_key_order():
    assert fingerprint({"a": 1, "b": [2]}) == fingerprint({"b": [2], "a": 1}) != fingerprint({"a": 2, "b": [2]})
