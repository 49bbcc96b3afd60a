"""The periods AI tools analyse: the last N whole days, explicit dates, or a named reporting period."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Literal

from sentia_server.analytics.trend import shift_months

Timeframe = Literal["current_month", "last_month", "current_quarter", "last_quarter", "ytd", "last_year", "custom"]


def last_days(days: int, today: date) -> tuple[date, date]:
    """The `days` whole days that ended yesterday (today is not over yet)."""
    end = today - timedelta(days=1)
    return end - timedelta(days=days - 1), end


def previous_period(start: date, end: date) -> tuple[date, date]:
    """The period of the same length just before `start`..`end`."""
    length = (end - start).days + 1
    return start - timedelta(days=length), start - timedelta(days=1)


def named_period(timeframe: Timeframe, today: date) -> tuple[date, date]:
    """A reporting period by name; the current month, quarter and year run to yesterday. ValueError for custom."""
    yesterday = today - timedelta(days=1)
    month = today.replace(day=1)
    quarter = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    if timeframe == "current_month":
        return month, max(yesterday, month)
    if timeframe == "last_month":
        return shift_months(month, -1), month - timedelta(days=1)
    if timeframe == "current_quarter":
        return quarter, max(yesterday, quarter)
    if timeframe == "last_quarter":
        return shift_months(quarter, -3), quarter - timedelta(days=1)
    if timeframe == "ytd":
        return date(today.year, 1, 1), max(yesterday, date(today.year, 1, 1))
    if timeframe == "last_year":
        return date(today.year - 1, 1, 1), date(today.year - 1, 12, 31)
    raise ValueError("a custom period needs date_from and date_to")


def full_months_before(today: date, months: int) -> tuple[date, date]:
    """The `months` whole calendar months before the current one."""
    end = today.replace(day=1) - timedelta(days=1)
    return shift_months(end, -(months - 1)), end


def utc_today() -> date:
    """Today in UTC: what "the last N days" count back from."""
    return datetime.now(UTC).date()
