"""Order intake, checked with the testkit's matchers, fed by its strategies and factories, and leak-checked."""

from __future__ import annotations

from datetime import date

import pytest
from dirty_equals import HasLen
from hypothesis import given, settings
from hypothesis import strategies as st
from sentia_testkit.data import make_manufacturing_order
from sentia_testkit.data.strategies import order_lines
from sentia_testkit.matchers import IsManufacturingOrder, IsMoney
from sentia_testkit.memory import assert_no_leak

from acme_plant.orders import OrderRejected, take_order

GIN = {"sku": "SEN-GIN-70", "quantity": 12, "unit_price": {"amount": "21.50", "currency": "GBP"}}


def as_input(line):
    return {"sku": line.sku, "quantity": line.quantity, "unit_price": line.unit_price.model_dump(mode="json")}


def test_an_order_is_planned_priced_and_dated():
    order = take_order("Harvey Nichols", [GIN], placed=date(2026, 11, 2), lead_days=18)
    assert order == IsManufacturingOrder(
        customer="Harvey Nichols",
        status="planned",
        lines=HasLen(1),
        due_date=date(2026, 11, 20),
        total=IsMoney("258", currency="GBP"),
    )


@settings(max_examples=30, deadline=None)
@given(
    lines=st.lists(order_lines(currency="EUR"), min_size=1, max_size=5),
    placed=st.dates(date(2020, 1, 1), date(2030, 12, 31)),
    lead_days=st.integers(0, 90),
)
def test_any_valid_lines_make_a_valid_order(lines, placed, lead_days):
    order = take_order("Acme Retail", [as_input(line) for line in lines], placed=placed, lead_days=lead_days)
    assert order == IsManufacturingOrder(status="planned", lines=HasLen(len(lines)), total=IsMoney(currency="EUR"))


def test_a_factory_order_round_trips_through_intake():
    source = make_manufacturing_order(seed=42)
    order = take_order(source.customer, [as_input(line) for line in source.lines], placed=source.created_date)
    assert order == IsManufacturingOrder(customer=source.customer, total=source.total.model_dump(mode="json"))


@pytest.mark.parametrize(
    ("customer", "lines", "lead_days", "message"),
    [
        ("  ", [GIN], 14, "needs a customer"),
        ("Acme", [GIN], -1, "lead time must be 0 days or more, not -1"),
        ("Acme", [], 14, "at least one line"),
        ("Acme", [{"sku": "SEN-GIN-70"}], 14, "line 0: needs sku, quantity and unit_price"),
        ("Acme", [{**GIN, "quantity": 0}], 14, "line 0: quantity must be above 0, not 0"),
        ("Acme", [GIN, {**GIN, "unit_price": {"amount": "9", "currency": "USD"}}], 14, "not GBP, USD"),
    ],
)
def test_bad_orders_are_refused_with_the_reason(customer, lines, lead_days, message):
    with pytest.raises(OrderRejected, match=message):
        take_order(customer, lines, placed=date(2026, 11, 2), lead_days=lead_days)


def test_order_intake_keeps_nothing_per_call():
    report = assert_no_leak(take_order, "Harvey Nichols", [GIN], placed=date(2026, 11, 2))
    assert report.slope_bytes_per_iteration < 128
