"""Ageing buckets and days overdue, on invoices due on known dates."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from sentia_server.analytics.ageing import OpenItem, age, days_overdue, weighted_days_overdue

AS_OF = date(2026, 11, 27)


@pytest.mark.parametrize(
    ("due", "expected"),
    [
        (date(2026, 12, 15), 0),  # not yet due
        (date(2026, 11, 27), 0),  # due today is not overdue
        (date(2026, 11, 26), 1),
        (date(2026, 10, 28), 30),
        (date(2026, 10, 27), 31),
        (None, 0),
    ],
)
def test_days_overdue_counts_whole_days_past_the_due_date(due, expected):
    assert days_overdue(due, AS_OF) == expected


def test_invoices_fall_in_the_bucket_of_their_days_overdue_with_amounts_and_counts():
    items = [
        OpenItem(date(2026, 12, 10), Decimal("100.00")),  # current
        OpenItem(date(2026, 11, 27), Decimal("50.00")),  # current (due today)
        OpenItem(date(2026, 11, 20), Decimal("200.00")),  # 7 days: 1-30
        OpenItem(date(2026, 10, 28), Decimal("25.50")),  # 30 days: 1-30
        OpenItem(date(2026, 10, 27), Decimal("300.00")),  # 31 days: 31-60
        OpenItem(date(2026, 8, 29), Decimal("400.00")),  # 90 days: 61-90
        OpenItem(date(2026, 8, 28), Decimal("500.00")),  # 91 days: over 90
    ]
    buckets = {bucket.label: (bucket.amount, bucket.count) for bucket in age(items, AS_OF)}
    assert buckets == {
        "current": (Decimal("150.00"), 2),
        "1-30": (Decimal("225.50"), 2),
        "31-60": (Decimal("300.00"), 1),
        "61-90": (Decimal("400.00"), 1),
        "over 90": (Decimal("500.00"), 1),
    }


def test_every_bucket_is_present_even_when_nothing_is_owed():
    buckets = age([], AS_OF)
    assert [b.label for b in buckets] == ["current", "1-30", "31-60", "61-90", "over 90"]
    assert all(b.amount == 0 and b.count == 0 for b in buckets)
    assert (buckets[-1].min_days, buckets[-1].max_days) == (91, None)


def test_weighted_days_overdue_weights_lateness_by_amount():
    items = [OpenItem(date(2026, 11, 17), Decimal(300)), OpenItem(date(2026, 12, 1), Decimal(100))]
    # 300 owed 10 days late and 100 not yet due: (300 x 10 + 100 x 0) / 400 = 7.5
    assert weighted_days_overdue(items, AS_OF) == Decimal("7.5")
    assert weighted_days_overdue([], AS_OF) is None
