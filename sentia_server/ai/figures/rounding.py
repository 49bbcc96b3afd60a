"""How figures are rounded for a result: money to the cent, ratios to four places, and None for the undefined."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


def money(value: Decimal) -> float:
    return float(value.quantize(CENT, rounding=ROUND_HALF_UP))


def money_or_none(value: Decimal | None) -> float | None:
    return None if value is None else money(value)


def ratio(value: Decimal | float | None, places: int = 4) -> float | None:
    return None if value is None else round(float(value), places)


def share(part: Decimal, whole: Decimal) -> float | None:
    """`part` as a fraction of `whole`; undefined (None) when the whole is zero."""
    return None if whole == 0 else round(float(part / whole), 4)


def change(current: Decimal, previous: Decimal) -> float | None:
    """Relative change from `previous` to `current` (0.1 is +10%); undefined when `previous` is zero."""
    return None if previous == 0 else round(float((current - previous) / previous), 4)
