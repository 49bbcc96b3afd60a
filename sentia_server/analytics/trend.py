"""Monthly series from dated amounts, and the straight-line trend through a series."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal


def month_of(day: date) -> date:
    return day.replace(day=1)


def months_between(start: date, end: date) -> list[date]:
    """The first day of every month from `start`'s month to `end`'s month, inclusive."""
    months = []
    current = month_of(start)
    while current <= end:
        months.append(current)
        current = shift_months(current, 1)
    return months


def monthly_totals(entries: Iterable[tuple[date, Decimal]], start: date, end: date) -> list[tuple[date, Decimal]]:
    """The sum of the amounts dated in each month from `start` to `end` (months with nothing are 0); entries
    outside the range are ignored."""
    totals = {month: Decimal(0) for month in months_between(start, end)}
    for day, amount in entries:
        if start <= day <= end:
            totals[month_of(day)] += amount
    return sorted(totals.items())


@dataclass(frozen=True)
class LinearTrend:
    slope: float
    """Change per step (per month for a monthly series)."""
    intercept: float


def linear_trend(values: Sequence[float]) -> LinearTrend | None:
    """Least-squares line through (0, v0), (1, v1), ...; None for fewer than two points."""
    count = len(values)
    if count < 2:
        return None
    mean_x = (count - 1) / 2
    mean_y = sum(values) / count
    spread = sum((x - mean_x) ** 2 for x in range(count))
    slope = sum((x - mean_x) * (y - mean_y) for x, y in enumerate(values)) / spread
    return LinearTrend(slope=slope, intercept=mean_y - slope * mean_x)


def shift_months(month: date, count: int) -> date:
    """The first day of the month `count` months after (or, negative, before) `month`'s month."""
    index = month.year * 12 + month.month - 1 + count
    return date(index // 12, index % 12 + 1, 1)
