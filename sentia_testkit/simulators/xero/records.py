"""How the simulator stores Xero records (Python values under Xero's field names) and writes them as Xero JSON.

Records keep dates as `date`/`datetime` and money as `Decimal` so that filters and reports compute exactly; on the
wire dates become Xero's `/Date(ms+0000)/` form with an ISO `...String` twin, as the real API sends them.
"""

from __future__ import annotations

import calendar
from datetime import UTC, date, datetime, time
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

Record = dict[str, Any]
CENT = Decimal("0.01")
ZERO = Decimal(0)
_WITH_STRING_TWIN = frozenset({"Date", "DueDate"})


def money(value: Decimal | float | int | str) -> Decimal:
    return Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)


def dotnet(moment: date | datetime) -> str:
    """`/Date(1539993600000+0000)/`: milliseconds since the epoch, UTC."""
    if not isinstance(moment, datetime):
        moment = datetime.combine(moment, time(), tzinfo=UTC)
    return f"/Date({int(moment.timestamp() * 1000)}+0000)/"


def to_json(value: Any) -> Any:
    """A stored record as Xero JSON."""
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for key, item in value.items():
            if key.startswith("_"):
                continue
            out[key] = to_json(item)
            if key in _WITH_STRING_TWIN and isinstance(item, date):
                out[f"{key}String"] = item.isoformat() + ("" if isinstance(item, datetime) else "T00:00:00")
        return out
    if isinstance(value, list):
        return [to_json(item) for item in value]
    if isinstance(value, date):
        return dotnet(value)
    if isinstance(value, Decimal):
        return float(value)
    return value


def parse_iso_datetime(text: str) -> datetime:
    parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


def add_months(day: date, months: int) -> date:
    """The same day `months` later (or earlier); month ends stay month ends."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    last = calendar.monthrange(year, month)[1]
    at_month_end = day.day == calendar.monthrange(day.year, day.month)[1]
    return date(year, month, last if at_month_end else min(day.day, last))


def long_date(day: date) -> str:
    """`30 Apr 2019`, the form of Xero's report column headings."""
    return f"{day.day} {day:%b %Y}"


def amount_text(value: Decimal) -> str:
    return f"{money(value):.2f}"
