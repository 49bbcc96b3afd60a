"""How the Unleashed simulator stores records (Python values under Unleashed's field names) and writes them as
Unleashed JSON: dates as `/Date(1700000000000)/`, decimals as numbers."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, time
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

Record = dict[str, Any]
ZERO = Decimal(0)
_NAMESPACE = uuid.UUID("6f1b9f5e-3c2d-4b8a-9e7f-5a4c3b2d1e0f")


def guid(*parts: str) -> str:
    """A GUID that is the same on every run for the same account and record."""
    return str(uuid.uuid5(_NAMESPACE, "/".join(parts)))


def decimal(value: Any, places: str = "0.0001") -> Decimal:
    return Decimal(str(value)).quantize(Decimal(places), rounding=ROUND_HALF_UP)


def money(value: Any) -> Decimal:
    return decimal(value, "0.01")


def moment(text: str | None) -> datetime | None:
    """A fixture date or time (`2026-11-04` or `2026-11-04T16:45:00`), in UTC."""
    if text is None:
        return None
    parsed = datetime.fromisoformat(text)
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


def dotnet(value: date | datetime) -> str:
    """`/Date(1700000000000)/`: milliseconds since the epoch, UTC, as Unleashed's JSON answers carry dates."""
    if not isinstance(value, datetime):
        value = datetime.combine(value, time(), tzinfo=UTC)
    return f"/Date({int(value.timestamp() * 1000)})/"


def to_json(value: Any) -> Any:
    """A stored record as Unleashed JSON; keys starting with `_` are the simulator's own and stay out."""
    if isinstance(value, dict):
        return {key: to_json(item) for key, item in value.items() if not key.startswith("_")}
    if isinstance(value, list):
        return [to_json(item) for item in value]
    if isinstance(value, date):
        return dotnet(value)
    if isinstance(value, Decimal):
        return float(value)
    return value
