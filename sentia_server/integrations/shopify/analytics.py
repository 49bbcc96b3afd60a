"""Sales figures computed from the orders Shopify returns, in Decimal, per currency (never summed across
currencies). An order counts on the day it was created in its shop's time zone, as Shopify's own reports do.

- order_total: Σ `totalPriceSet.shopMoney` (what the customer was charged: after discounts, with shipping, and with
  tax, whether the shop's prices include it or add it);
- refunded: Σ `totalRefundedSet.shopMoney`; net_total = order_total - refunded;
- average_order_value = order_total / orders;
- by product: Σ of the line items' `discountedTotalSet.shopMoney` and quantities (refunds are per order and are
  not attributed to products).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal
from zoneinfo import ZoneInfo

from sentia_server.integrations.shopify.models import Order

GroupBy = Literal["day", "product", "shop"]
CENT = Decimal("0.01")
ZERO = Decimal("0")


def cents(amount: Decimal) -> Decimal:
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass
class SalesRow:
    key: str
    label: str
    currency: str
    shop: str | None = None
    orders: int = 0
    units: int = 0
    order_total: Decimal = ZERO
    refunded: Decimal = ZERO
    line_total: Decimal = ZERO
    _order_ids: set[str] = field(default_factory=set, repr=False)

    @property
    def net_total(self) -> Decimal:
        return self.order_total - self.refunded

    @property
    def average_order_value(self) -> Decimal | None:
        return cents(self.order_total / self.orders) if self.orders and self.order_total else None


@dataclass
class SalesReport:
    group_by: GroupBy
    rows: list[SalesRow]
    totals: list[SalesRow]
    orders_read: int
    orders_counted: int
    cancelled_excluded: int


class SalesAccumulator:
    """Add orders one at a time (as pages arrive); `report()` gives the rows sorted by key."""

    def __init__(self, group_by: GroupBy, timezones: dict[str, ZoneInfo], *, include_cancelled: bool = False) -> None:
        self.group_by = group_by
        self._timezones = timezones
        self._include_cancelled = include_cancelled
        self._rows: dict[tuple[str, str, str], SalesRow] = {}
        self._totals: dict[str, SalesRow] = {}
        self.orders_read = 0
        self.cancelled_excluded = 0

    def add(self, shop: str, order: Order) -> None:
        self.orders_read += 1
        if order.cancelled_at is not None and not self._include_cancelled:
            self.cancelled_excluded += 1
            return
        currency = order.total.currency
        total = self._totals.setdefault(
            currency, SalesRow(key="total", label=f"All orders in {currency}", currency=currency)
        )
        self._count_order(total, order)
        if self.group_by == "product":
            self._add_lines(shop, order)
            return
        if self.group_by == "day":
            day = order.created_at.astimezone(self._timezones[shop]).date().isoformat()
            row = self._row((day, currency, ""), day, day, currency, None)
        else:
            row = self._row((shop, currency, ""), shop, f"Shop {shop}", currency, shop)
        self._count_order(row, order)

    def _row(self, index: tuple[str, str, str], key: str, label: str, currency: str, shop: str | None) -> SalesRow:
        if index not in self._rows:
            self._rows[index] = SalesRow(key=key, label=label, currency=currency, shop=shop)
        return self._rows[index]

    @staticmethod
    def _count_order(row: SalesRow, order: Order) -> None:
        row.orders += 1
        row.units += order.units
        row.order_total += order.total.amount
        row.refunded += order.refunded.amount

    def _add_lines(self, shop: str, order: Order) -> None:
        for line in order.line_items or ():
            key = line.product_id or f"deleted-product:{line.title}"
            row = self._row((key, line.total.currency, shop), key, line.title, line.total.currency, shop)
            if order.id not in row._order_ids:
                row._order_ids.add(order.id)
                row.orders += 1
            row.units += line.quantity
            row.line_total += line.total.amount

    def report(self) -> SalesReport:
        rows = sorted(self._rows.values(), key=lambda row: (row.currency, row.key, row.shop or ""))
        if self.group_by == "product":
            rows.sort(key=lambda row: (row.currency, -row.line_total, row.key))
        totals = [self._totals[currency] for currency in sorted(self._totals)]
        counted = sum(total.orders for total in totals)
        return SalesReport(self.group_by, rows, totals, self.orders_read, counted, self.cancelled_excluded)
