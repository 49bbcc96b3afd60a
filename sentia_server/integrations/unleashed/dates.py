"""Unleashed's dates: JSON answers carry .NET dates, `/Date(1700000000000)/` (milliseconds since the epoch, UTC);
filters take ISO dates, `YYYY-MM-DD`, and `modifiedSince` also a UTC time, `YYYY-MM-DDTHH:MM:SS`."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from typing import Annotated, Any

from pydantic import BeforeValidator

_DOTNET = re.compile(r"^/Date\((-?\d+)([+-]\d{4})?\)/$")


def parse_date(value: Any) -> datetime | None:
    """A .NET date (or an ISO text, as some answers carry) as an aware UTC datetime; None stays None."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value if value.tzinfo is not None else value.replace(tzinfo=UTC)
    if not isinstance(value, str):
        raise ValueError(f"not an Unleashed date: {value!r}")
    found = _DOTNET.match(value)
    if found is not None:
        return datetime(1970, 1, 1, tzinfo=UTC) + timedelta(milliseconds=int(found.group(1)))
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


UnleashedDate = Annotated[datetime | None, BeforeValidator(parse_date)]
"""A model field holding an Unleashed date."""


def iso_date(day: date) -> str:
    """A date filter (`startDate`, `endDate`, `asAtDate`...)."""
    return day.isoformat()


def iso_moment(moment: datetime) -> str:
    """A `modifiedSince` filter: the time in UTC, to the second, without an offset as Unleashed expects."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    return moment.replace(tzinfo=None, microsecond=0).isoformat()
