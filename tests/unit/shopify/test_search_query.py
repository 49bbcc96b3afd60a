"""Building Shopify search queries: values are quoted so that caller text cannot become a filter, and dates are
whole days in the shop's time zone."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from sentia_server.integrations.shopify.ids import gid_pattern, to_gid
from sentia_server.integrations.shopify.search import SearchQuery, quote
from sentia_testkit.simulators.shopify.search import parse

LONDON = ZoneInfo("Europe/London")


@pytest.mark.parametrize(
    ("value", "quoted"),
    [
        ("paid", "paid"),
        ("SEN-RED-50", "SEN-RED-50"),
        ("a@b.co", "a@b.co"),
        ("Sentia Spirits", '"Sentia Spirits"'),
        ('say "hi"', r'"say \"hi\""'),
        ("back\\slash", r'"back\\slash"'),
        ("-negated", '"-negated"'),
        ("OR", '"OR"'),
        ("status:archived", '"status:archived"'),
    ],
)
def test_values_are_quoted_when_they_could_mean_something_else(value, quoted):
    assert quote(value) == quoted


def test_quoted_values_read_back_as_the_same_single_value():
    for value in ('Sentia "Red"', "a\\b", "x status:draft", "(nested)"):
        [term] = parse(SearchQuery().equals("title", value).value())
        assert (term.field, term.value, term.negated) == ("title", value, False)


def test_free_text_words_stay_words():
    query = SearchQuery().text("status:archived OR -vip  gin").value()
    assert query == '"status:archived" "OR" "-vip" gin'
    assert all(term.field is None for term in parse(query))


def test_dates_are_whole_days_in_the_shop_time_zone():
    query = SearchQuery().time_range("created_at", date(2026, 6, 1), date(2026, 6, 30), LONDON).value()
    assert query == 'created_at:>="2026-05-31T23:00:00Z" created_at:<"2026-06-30T23:00:00Z"'


def test_datetimes_are_exact_and_naive_ones_are_in_the_shop_time_zone():
    aware = datetime.fromisoformat("2026-06-01T12:00:00+02:00")
    naive = datetime(2026, 1, 1, 9, 30)
    query = SearchQuery().time_range("updated_at", aware, naive, LONDON).value()
    assert query == 'updated_at:>="2026-06-01T10:00:00Z" updated_at:<"2026-01-01T09:30:00Z"'


def test_empty_values_are_left_out_and_comparisons_are_checked():
    query = SearchQuery().equals("tag", None).equals("tag", "").compare("orders_count", ">=", None)
    assert query.value() is None and str(query) == ""
    assert str(SearchQuery().compare("total_spent", ">", Decimal("10.50"))) == "total_spent:>10.50"
    with pytest.raises(ValueError, match="unknown comparator '='"):
        SearchQuery().compare("x", "=", 1)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("123", "gid://shopify/Product/123"),
        (123, "gid://shopify/Product/123"),
        (" gid://shopify/Product/9 ", "gid://shopify/Product/9"),
    ],
)
def test_ids_accept_the_number_or_the_global_id(value, expected):
    assert to_gid("Product", value) == expected


@pytest.mark.parametrize("value", ["gid://shopify/ProductVariant/1", "abc", "gid://shopify/Product/x"])
def test_ids_of_another_type_are_refused(value):
    with pytest.raises(ValueError, match="is not a Shopify Product ID"):
        to_gid("Product", value)


def test_the_id_pattern_matches_what_to_gid_accepts():
    import re

    pattern = re.compile(gid_pattern("Location"))
    assert pattern.match("42") and pattern.match("gid://shopify/Location/42")
    assert not pattern.match("gid://shopify/Product/42")
