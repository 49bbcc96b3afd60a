"""Unleashed's date forms, and the stock judgements computed from Unleashed's figures."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from sentia_server.integrations.unleashed.dates import iso_date, iso_moment, parse_date
from sentia_server.tools.unleashed.stock import Levels, abc_classes, flags, reorder_quantity

D = Decimal


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("/Date(1700000000000)/", datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC)),
        ("/Date(1700000000000+1300)/", datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC)),
        ("/Date(-86400000)/", datetime(1969, 12, 31, tzinfo=UTC)),
        ("2016-10-08T20:31:25.963", datetime(2016, 10, 8, 20, 31, 25, 963000, tzinfo=UTC)),
        ("2016-10-08T20:31:25Z", datetime(2016, 10, 8, 20, 31, 25, tzinfo=UTC)),
        (datetime(2026, 1, 1), datetime(2026, 1, 1, tzinfo=UTC)),
        (None, None),
        ("", None),
    ],
)
def test_unleashed_dates_are_read_as_utc(value, expected):
    assert parse_date(value) == expected


def test_something_that_is_not_a_date_is_refused():
    with pytest.raises(ValueError, match="not an Unleashed date: 12"):
        parse_date(12)


def test_filters_carry_iso_dates_and_utc_times_without_an_offset():
    assert iso_date(date(2026, 11, 27)) == "2026-11-27"
    plus_two = timezone(timedelta(hours=2))
    assert iso_moment(datetime(2026, 11, 27, 12, 0, 0, 500, tzinfo=plus_two)) == "2026-11-27T10:00:00"
    assert iso_moment(datetime(2026, 11, 27, 12, 0)) == "2026-11-27T12:00:00"


LEVELS = Levels(min_stock=D(100), max_stock=D(600), reorder_point=D(150), minimum_order_quantity=D(50))


@pytest.mark.parametrize(
    ("on_hand", "available", "on_order", "threshold", "expected"),
    [
        (D(64), D(16), D(0), None, (True, False, False, True, D(100))),
        (D(700), D(700), D(0), None, (False, False, True, False, D(100))),
        (D(-5), D(-5), D(200), None, (True, True, False, False, D(100))),
        (D(64), D(16), D(0), D(10), (False, False, False, True, D(10))),
    ],
)
def test_flags_judge_stock_against_the_product_levels_or_a_threshold(on_hand, available, on_order, threshold, expected):
    judged = flags(on_hand, available, on_order, LEVELS, threshold)
    assert (judged.low, judged.negative, judged.over, judged.below_reorder_point, judged.low_threshold) == expected


def test_without_levels_nothing_is_low_over_or_below_a_reorder_point():
    judged = flags(D(1), D(1), D(0), Levels(), None)
    assert (judged.low, judged.over, judged.below_reorder_point, judged.low_threshold) == (False, False, False, None)


def test_abc_classes_split_value_80_15_5():
    assert abc_classes([D(800), D(100), D(50), D(30), D(20), D(0)]) == ["A", "B", "B", "C", "C", "C"]
    assert abc_classes([D(0), D(0)]) == ["C", "C"]
    assert abc_classes([]) == []


@pytest.mark.parametrize(
    ("available", "on_order", "levels", "expected"),
    [
        (D(16), D(0), LEVELS, D(600)),  # up to the maximum, 584 rounded up to 50s
        (D(140), D(5), LEVELS, D(500)),
        (D(140), D(20), LEVELS, None),  # on order lifts it above the reorder point
        (D(10), D(0), Levels(reorder_point=D(30)), D(20)),  # no maximum: up to the reorder point
        (D(30), D(0), Levels(reorder_point=D(30)), None),  # at the reorder point with nothing to add
        (D(0), D(0), Levels(min_stock=D(5)), None),  # no reorder point
    ],
)
def test_the_reorder_quantity_fills_to_the_maximum_in_order_multiples(available, on_order, levels, expected):
    assert reorder_quantity(available, on_order, levels) == expected
