"""Ratios and the cash conversion cycle on hand-checked figures."""

from __future__ import annotations

from decimal import Decimal

import pytest

from sentia_server.analytics.cash_cycle import cash_conversion_cycle
from sentia_server.analytics.ratios import current_ratio, margin, quick_ratio, ratio


def test_liquidity_ratios():
    assert current_ratio(Decimal(300_000), Decimal(150_000)) == Decimal(2)
    # (300 000 - 60 000) / 150 000 = 1.6
    assert quick_ratio(Decimal(300_000), Decimal(60_000), Decimal(150_000)) == Decimal("1.6")


def test_a_ratio_over_zero_is_undefined_not_infinite():
    assert ratio(Decimal(5), Decimal(0)) is None
    assert current_ratio(Decimal(5), Decimal(0)) is None


def test_margins_are_fractions_of_revenue_and_undefined_without_revenue():
    assert margin(Decimal(25), Decimal(100)) == Decimal("0.25")
    assert margin(Decimal(-10), Decimal(200)) == Decimal("-0.05")
    assert margin(Decimal(10), Decimal(0)) is None


def test_cash_conversion_cycle_on_a_365_day_year():
    cycle = cash_conversion_cycle(
        receivables=Decimal(30_000),
        inventory=Decimal(50_000),
        payables=Decimal(20_000),
        revenue=Decimal(365_000),
        cost_of_sales=Decimal(182_500),
        period_days=365,
    )
    # DSO 30 000 / 365 000 x 365 = 30; DIO 50 000 / 182 500 x 365 = 100; DPO 20 000 / 182 500 x 365 = 40
    assert cycle.days_sales_outstanding == 30
    assert cycle.days_inventory_outstanding == 100
    assert cycle.days_payables_outstanding == 40
    assert cycle.days == 90


@pytest.mark.parametrize(
    ("revenue", "cost", "days", "message"),
    [
        (Decimal(0), Decimal(10), 30, "revenue over the period is 0"),
        (Decimal(10), Decimal(0), 30, "cost of sales over the period is 0"),
        (Decimal(10), Decimal(10), 0, "at least one day"),
    ],
)
def test_the_cycle_is_refused_when_an_input_makes_it_undefined(revenue, cost, days, message):
    with pytest.raises(ValueError, match=message):
        cash_conversion_cycle(
            receivables=Decimal(1),
            inventory=Decimal(1),
            payables=Decimal(1),
            revenue=revenue,
            cost_of_sales=cost,
            period_days=days,
        )
