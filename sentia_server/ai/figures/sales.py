"""Sales figures from individual sales (Shopify orders or records a caller passes), per currency (amounts in
different currencies are never added up).

- revenue: Σ amount charged; refunded: Σ refunds; net revenue = revenue - refunded;
- average order value = revenue / orders; repeat customers: customers with two orders or more;
- trend: least-squares slope of revenue per day (per month for periods over 92 days);
- shares: a product's, channel's or region's revenue / the currency's revenue (product revenue is line revenue
  after line discounts, so product shares need not add up to the order revenue).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field

from sentia_server.ai.figures.rounding import change, money, share
from sentia_server.analytics.trend import linear_trend, monthly_totals
from sentia_server.tools.registry import ToolOutput

DAILY_LIMIT_DAYS = 92
TOP_ROWS = 10
ZERO = Decimal(0)


@dataclass(frozen=True)
class SaleLine:
    product: str
    units: int
    amount: Decimal


@dataclass(frozen=True)
class Sale:
    """One order (or one sale record): the day it counts on, in the shop's time zone."""

    order_id: str
    day: date
    currency: str
    amount: Decimal
    refunded: Decimal
    units: int
    customer: str | None
    channel: str | None
    region: str | None
    lines: tuple[SaleLine, ...]


class CurrencySales(ToolOutput):
    currency: str
    orders: int
    units: int
    revenue: float = Field(description="Σ amounts charged (after discounts, with shipping and tax).")
    refunded: float
    net_revenue: float = Field(description="revenue - refunded.")
    average_order_value: float | None = Field(description="revenue / orders.")
    customers: int | None = Field(description="Distinct customers; None when the sales name no customer.")
    repeat_customers: int | None = Field(description="Customers with two orders or more in the period.")
    repeat_customer_share: float | None = Field(description="repeat_customers / customers.")
    revenue_trend_per_period: float | None = Field(
        description="Least-squares slope of revenue per period of by_period (day or month)."
    )


class PeriodSales(ToolOutput):
    period: str = Field(description="YYYY-MM-DD (daily) or YYYY-MM (monthly).")
    currency: str
    orders: int
    revenue: float


class ShareRow(ToolOutput):
    name: str
    currency: str
    orders: int
    units: int
    revenue: float
    share_of_revenue: float | None = Field(description="revenue / the currency's revenue.")


class PeriodChange(ToolOutput):
    currency: str
    previous_revenue: float
    previous_orders: int
    revenue_change: float | None = Field(description="(revenue - previous) / previous; 0.1 is +10%.")
    orders_change: float | None
    average_order_value_change: float | None


class TargetAttainment(ToolOutput):
    currency: str
    target_revenue: float
    revenue: float
    attainment: float | None = Field(description="revenue / target.")
    gap: float = Field(description="target - revenue (negative when exceeded).")


class SalesFigures(ToolOutput):
    date_from: date
    date_to: date
    granularity: str = Field(description="day or month: the periods of by_period and of the trend.")
    currencies: list[CurrencySales]
    by_period: list[PeriodSales]
    top_products: list[ShareRow]
    channels: list[ShareRow]
    regions: list[ShareRow]
    previous_period: list[PeriodChange] | None = None
    targets: list[TargetAttainment] | None = None


def _granularity(start: date, end: date) -> str:
    return "day" if (end - start).days + 1 <= DAILY_LIMIT_DAYS else "month"


PeriodRow = tuple[str, int, Decimal]
Groups = dict[tuple[str, str], tuple[set[str], int, Decimal]]


def _periods(sales: list[Sale], currency: str, start: date, end: date, granularity: str) -> list[PeriodRow]:
    """(period, orders, revenue) for every period of the range, empty ones included."""
    mine = [sale for sale in sales if sale.currency == currency]
    if granularity == "month":
        revenue = monthly_totals([(sale.day, sale.amount) for sale in mine], start, end)
        orders = monthly_totals([(sale.day, Decimal(1)) for sale in mine], start, end)
        pairs = zip(revenue, orders, strict=True)
        return [(f"{month:%Y-%m}", int(count), amount) for (month, amount), (_, count) in pairs]
    by_day: dict[date, tuple[int, Decimal]] = {}
    for sale in mine:
        count, amount = by_day.get(sale.day, (0, ZERO))
        by_day[sale.day] = (count + 1, amount + sale.amount)
    rows = []
    for offset in range((end - start).days + 1):
        day = date.fromordinal(start.toordinal() + offset)
        count, amount = by_day.get(day, (0, ZERO))
        rows.append((day.isoformat(), count, amount))
    return rows


def _currency_sales(sales: list[Sale], currency: str, periods: list[PeriodRow]) -> CurrencySales:
    mine = [sale for sale in sales if sale.currency == currency]
    revenue = sum((sale.amount for sale in mine), ZERO)
    refunded = sum((sale.refunded for sale in mine), ZERO)
    orders_by_customer: dict[str, int] = defaultdict(int)
    for sale in mine:
        if sale.customer:
            orders_by_customer[sale.customer] += 1
    named = bool(orders_by_customer)
    repeat = sum(1 for count in orders_by_customer.values() if count > 1)
    trend = linear_trend([float(amount) for _, _, amount in periods])
    return CurrencySales(
        currency=currency,
        orders=len(mine),
        units=sum(sale.units for sale in mine),
        revenue=money(revenue),
        refunded=money(refunded),
        net_revenue=money(revenue - refunded),
        average_order_value=money(revenue / len(mine)) if mine else None,
        customers=len(orders_by_customer) if named else None,
        repeat_customers=repeat if named else None,
        repeat_customer_share=share(Decimal(repeat), Decimal(len(orders_by_customer))) if named else None,
        revenue_trend_per_period=None if trend is None else round(trend.slope, 2),
    )


def _share_rows(groups: Groups, totals: dict[str, Decimal]) -> list[ShareRow]:
    rows = [
        ShareRow(
            name=name,
            currency=currency,
            orders=len(orders),
            units=units,
            revenue=money(amount),
            share_of_revenue=share(amount, totals[currency]),
        )
        for (name, currency), (orders, units, amount) in groups.items()
    ]
    rows.sort(key=lambda row: (row.currency, -row.revenue, row.name))
    kept: list[ShareRow] = []
    per_currency: dict[str, int] = defaultdict(int)
    for row in rows:
        if per_currency[row.currency] < TOP_ROWS:
            kept.append(row)
            per_currency[row.currency] += 1
    return kept


def _grouped(sales: Iterable[Sale], key: str) -> Groups:
    groups: Groups = {}
    for sale in sales:
        entries: list[tuple[str, int, Decimal]]
        if key == "product":
            entries = [(line.product, line.units, line.amount) for line in sale.lines]
        else:
            name = sale.channel if key == "channel" else sale.region
            entries = [(name, sale.units, sale.amount)] if name else []
        for name, units, amount in entries:
            orders, total_units, total = groups.get((name, sale.currency), (set(), 0, ZERO))
            orders.add(sale.order_id)
            groups[(name, sale.currency)] = (orders, total_units + units, total + amount)
    return groups


def sales_figures(
    sales: list[Sale],
    start: date,
    end: date,
    *,
    previous: list[Sale] | None = None,
    targets: dict[str, Decimal] | None = None,
) -> SalesFigures:
    """The figures of the sales dated from `start` to `end`; `previous` (the period before, as long) adds the
    change per currency, `targets` (revenue per currency) the attainment."""
    in_range = [sale for sale in sales if start <= sale.day <= end]
    currencies = sorted({sale.currency for sale in in_range} | set(targets or {}))
    granularity = _granularity(start, end)
    periods = {currency: _periods(in_range, currency, start, end, granularity) for currency in currencies}
    totals = {currency: sum((s.amount for s in in_range if s.currency == currency), ZERO) for currency in currencies}
    figures = SalesFigures(
        date_from=start,
        date_to=end,
        granularity=granularity,
        currencies=[_currency_sales(in_range, currency, periods[currency]) for currency in currencies],
        by_period=[
            PeriodSales(period=period, currency=currency, orders=count, revenue=money(amount))
            for currency in currencies
            for period, count, amount in periods[currency]
        ],
        top_products=_share_rows(_grouped(in_range, "product"), totals),
        channels=_share_rows(_grouped(in_range, "channel"), totals),
        regions=_share_rows(_grouped(in_range, "region"), totals),
    )
    if previous is not None:
        figures.previous_period = [_change(in_range, previous, currency) for currency in currencies]
    if targets:
        figures.targets = [
            TargetAttainment(
                currency=currency,
                target_revenue=money(target),
                revenue=money(totals.get(currency, ZERO)),
                attainment=share(totals.get(currency, ZERO), target),
                gap=money(target - totals.get(currency, ZERO)),
            )
            for currency, target in sorted(targets.items())
        ]
    return figures


def _change(current: list[Sale], previous: list[Sale], currency: str) -> PeriodChange:
    now = [sale.amount for sale in current if sale.currency == currency]
    before = [sale.amount for sale in previous if sale.currency == currency]
    revenue_now, revenue_before = sum(now, ZERO), sum(before, ZERO)
    aov_now = revenue_now / len(now) if now else ZERO
    aov_before = revenue_before / len(before) if before else ZERO
    return PeriodChange(
        currency=currency,
        previous_revenue=money(revenue_before),
        previous_orders=len(before),
        revenue_change=change(revenue_now, revenue_before),
        orders_change=change(Decimal(len(now)), Decimal(len(before))),
        average_order_value_change=change(aov_now, aov_before),
    )


class SaleRecord(BaseModel):
    """One sale a caller passes: an order, or one line of an order (lines with the same order_id are one order)."""

    model_config = ConfigDict(extra="forbid")

    order_id: str | None = Field(default=None, max_length=64, description="Groups lines into one order.")
    sold_on: date = Field(description="The day of the sale (YYYY-MM-DD).")
    currency: str = Field(pattern=r"^[A-Z]{3}$", description="ISO 4217, e.g. GBP, EUR, USD.")
    amount: Decimal = Field(ge=0, le=1_000_000_000, description="What the customer paid for this sale or line.")
    refunded: Decimal = Field(description="What was refunded of it.", default=Decimal(0), ge=0, le=1_000_000_000)
    units: int = Field(description="Units sold.", default=1, ge=0, le=1_000_000)
    product: str | None = Field(default=None, max_length=200, description="Product name or SKU.")
    channel: str | None = Field(default=None, max_length=60, description="e.g. shopify-uk, amazon-de, trade.")
    customer: str | None = Field(default=None, max_length=64, description="An opaque customer id (not a name).")
    region: str | None = Field(default=None, max_length=60, description="Country or region sold to.")


def sales_from_records(records: list[SaleRecord]) -> list[Sale]:
    """Records as sales: records sharing an order_id (and currency) make one order; others are one order each."""
    grouped: dict[tuple[str, str], list[SaleRecord]] = {}
    for index, record in enumerate(records):
        key = (record.order_id or f"record-{index + 1}", record.currency)
        grouped.setdefault(key, []).append(record)
    sales = []
    for (order_id, currency), parts in grouped.items():
        first = parts[0]
        sales.append(
            Sale(
                order_id=order_id,
                day=min(part.sold_on for part in parts),
                currency=currency,
                amount=sum((part.amount for part in parts), ZERO),
                refunded=sum((part.refunded for part in parts), ZERO),
                units=sum(part.units for part in parts),
                customer=first.customer,
                channel=first.channel,
                region=first.region,
                lines=tuple(SaleLine(part.product, part.units, part.amount) for part in parts if part.product),
            )
        )
    return sales
