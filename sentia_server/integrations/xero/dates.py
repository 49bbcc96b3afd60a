"""Xero's two date forms: the .NET JSON `/Date(1539993600000+0000)/` and ISO 8601 strings such as
`2018-10-20T00:00:00` (the `DateString` fields), and the `DateTime(y, m, d)` literal of `where` filters.

See https://developer.xero.com/documentation/api/accounting/requests-and-responses (JSON dates).
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta, timezone

_DOTNET_DATE = re.compile(r"^/Date\((?P<millis>-?\d+)(?P<offset>[+-]\d{4})?\)/$")


def parse_datetime(value: str) -> datetime:
    """A Xero date or timestamp in either form, as an aware datetime (UTC when Xero gives no offset).

    In the .NET form the milliseconds count from the epoch in UTC; the offset only says which zone the value was
    recorded in, so it sets the zone of the result without moving the instant."""
    text = value.strip()
    found = _DOTNET_DATE.match(text)
    if found:
        instant = datetime.fromtimestamp(int(found["millis"]) / 1000, tz=UTC)
        offset = found["offset"]
        if offset:
            sign = 1 if offset[0] == "+" else -1
            zone = timezone(sign * timedelta(hours=int(offset[1:3]), minutes=int(offset[3:5])))
            return instant.astimezone(zone)
        return instant
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(f"not a Xero date: {value!r}") from None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


def parse_date(value: str) -> date:
    """The calendar date of a Xero date field. Dates such as an invoice's `Date` are midnight UTC in .NET form."""
    return parse_datetime(value).date()


def where_date(day: date) -> str:
    """`DateTime(2026, 01, 31)`, the date literal of Xero `where` filters."""
    return f"DateTime({day.year}, {day.month:02d}, {day.day:02d})"


def http_date(moment: datetime) -> str:
    """An `If-Modified-Since` value: Xero accepts an ISO 8601 UTC timestamp there."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S")
