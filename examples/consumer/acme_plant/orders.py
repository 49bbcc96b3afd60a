"""Order intake: a customer's lines become a planned manufacturing order, priced and dated."""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

_numbers = itertools.count(1)


class OrderRejected(ValueError):
    """The order cannot be taken; the message says which line and why."""


def take_order(
    customer: str, lines: Iterable[Mapping[str, Any]], *, placed: date, lead_days: int = 14
) -> dict[str, Any]:
    """A planned order for `lines` ({"sku", "quantity", "unit_price": {"amount", "currency"}}), due `lead_days`
    after `placed`, with its total, as the order API returns it."""
    if not customer.strip():
        raise OrderRejected("an order needs a customer")
    if lead_days < 0:
        raise OrderRejected(f"lead time must be 0 days or more, not {lead_days}")
    taken = [_line(index, line) for index, line in enumerate(lines)]
    if not taken:
        raise OrderRejected("an order needs at least one line")
    currencies = sorted({line["unit_price"]["currency"] for line in taken})
    if len(currencies) > 1:
        raise OrderRejected(f"all lines must be priced in one currency, not {', '.join(currencies)}")
    total = sum((Decimal(line["unit_price"]["amount"]) * line["quantity"] for line in taken), Decimal(0))
    return {
        "order_number": f"MO-{placed.year}-{next(_numbers):04d}",
        "customer": customer.strip(),
        "status": "planned",
        "lines": taken,
        "created_date": placed.isoformat(),
        "due_date": (placed + timedelta(days=lead_days)).isoformat(),
        "total": {"amount": str(total), "currency": currencies[0]},
    }


def _line(index: int, line: Mapping[str, Any]) -> dict[str, Any]:
    try:
        sku = str(line["sku"])
        quantity = int(line["quantity"])
        amount = Decimal(str(line["unit_price"]["amount"]))
        currency = str(line["unit_price"]["currency"])
    except (KeyError, TypeError, ValueError, InvalidOperation) as error:
        raise OrderRejected(
            f"line {index}: needs sku, quantity and unit_price {{amount, currency}} ({error})"
        ) from None
    if quantity <= 0:
        raise OrderRejected(f"line {index}: quantity must be above 0, not {quantity}")
    return {"sku": sku, "quantity": quantity, "unit_price": {"amount": str(amount), "currency": currency}}
