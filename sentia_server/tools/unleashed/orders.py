"""What the purchase and sales order tools share: the statuses that still await something, due-date checks, and
totals per currency and counts per status over a page of orders."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from pydantic import Field

from sentia_server.integrations.unleashed.models import Order
from sentia_server.tools.registry import ToolOutput
from sentia_server.tools.unleashed.common import day_of, money, number, warehouse_ref

ZERO = Decimal(0)


class CurrencyTotal(ToolOutput):
    currency: str
    orders: int
    sub_total: float
    tax_total: float
    total: float


class OrderSummary(ToolOutput):
    by_status: dict[str, int]
    totals_by_currency: list[CurrencyTotal] = Field(description="Totals in each order currency (not converted).")
    overdue: int


def overdue_days(required: datetime | None, open_order: bool, as_of: date) -> int | None:
    """Days an order still open is past its required date, else None."""
    due = day_of(required)
    if not open_order or due is None or as_of <= due:
        return None
    return (as_of - due).days


def order_fields(order: Order, *, open_order: bool, as_of: date) -> dict[str, Any]:
    """The fields a purchase order and a sales order report alike; `open_order` says whether it can be overdue."""
    return {
        "guid": order.guid,
        "number": order.order_number,
        "status": order.order_status,
        "custom_status": order.custom_order_status,
        "warehouse": warehouse_ref(order.warehouse),
        "order_date": day_of(order.order_date),
        "required_date": day_of(order.required_date),
        "completed_date": day_of(order.completed_date),
        "currency": order.currency.currency_code if order.currency else None,
        "exchange_rate": number(order.exchange_rate),
        "sub_total": money(order.sub_total) or 0.0,
        "tax_total": money(order.tax_total) or 0.0,
        "total": money(order.total) or 0.0,
        "days_overdue": overdue_days(order.required_date, open_order, as_of),
        "comments": order.comments,
    }


def summary(orders: Iterable[tuple[str, str, Decimal, Decimal, Decimal, bool]]) -> OrderSummary:
    """From (status, currency, sub total, tax, total, overdue) per order."""
    by_status: dict[str, int] = {}
    sums: dict[str, list[Decimal]] = {}
    count: dict[str, int] = {}
    overdue = 0
    for status, currency, sub_total, tax, total, late in orders:
        by_status[status] = by_status.get(status, 0) + 1
        running = sums.setdefault(currency, [ZERO, ZERO, ZERO])
        running[0] += sub_total
        running[1] += tax
        running[2] += total
        count[currency] = count.get(currency, 0) + 1
        overdue += late
    return OrderSummary(
        by_status=by_status,
        totals_by_currency=[
            CurrencyTotal(
                currency=currency,
                orders=count[currency],
                sub_total=money(values[0]) or 0.0,
                tax_total=money(values[1]) or 0.0,
                total=money(values[2]) or 0.0,
            )
            for currency, values in sorted(sums.items())
        ],
        overdue=overdue,
    )


def check_ranges(model: object, pairs: tuple[tuple[str, str], ...]) -> None:
    """Paired from/to arguments must be in order."""
    for low, high in pairs:
        first, second = getattr(model, low), getattr(model, high)
        if first is not None and second is not None and first > second:
            raise ValueError(f"{low} must not be after {high}")
