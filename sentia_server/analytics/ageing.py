"""Ageing of open items (unpaid invoices or bills) by how many days past their due date they are."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

BUCKETS: tuple[tuple[str, int, int | None], ...] = (
    ("current", 0, 0),
    ("1-30", 1, 30),
    ("31-60", 31, 60),
    ("61-90", 61, 90),
    ("over 90", 91, None),
)
"""(label, fewest days overdue, most days overdue or None for no limit); "current" is not yet overdue."""


@dataclass(frozen=True)
class OpenItem:
    due_date: date | None
    amount: Decimal


@dataclass(frozen=True)
class AgeingBucket:
    label: str
    min_days: int
    max_days: int | None
    amount: Decimal
    count: int


def days_overdue(due_date: date | None, as_of: date) -> int:
    """Whole days past the due date on `as_of`; 0 when not yet due or when there is no due date."""
    if due_date is None:
        return 0
    return max((as_of - due_date).days, 0)


def age(items: Iterable[OpenItem], as_of: date) -> list[AgeingBucket]:
    """The items' amounts and counts per bucket, every bucket present (zero when empty), in bucket order."""
    amounts = [Decimal(0)] * len(BUCKETS)
    counts = [0] * len(BUCKETS)
    for item in items:
        overdue = days_overdue(item.due_date, as_of)
        for index, (_label, low, high) in enumerate(BUCKETS):
            if overdue >= low and (high is None or overdue <= high):
                amounts[index] += item.amount
                counts[index] += 1
                break
    return [
        AgeingBucket(label, low, high, amounts[index], counts[index])
        for index, (label, low, high) in enumerate(BUCKETS)
    ]


def weighted_days_overdue(items: Iterable[OpenItem], as_of: date) -> Decimal | None:
    """Days overdue weighted by amount (how late the money is on average); None when nothing is owed."""
    total = Decimal(0)
    weighted = Decimal(0)
    for item in items:
        total += item.amount
        weighted += item.amount * days_overdue(item.due_date, as_of)
    if total <= 0:
        return None
    return weighted / total
