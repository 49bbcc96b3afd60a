"""Properties of the derived values, over generated examples: totals add up exactly, results follow the values."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from sentia_server.domain import (
    CostBreakdown,
    InspectionResult,
    InventoryLevel,
    ManufacturingOrder,
    Measurement,
    Money,
)

amounts = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("99999.99"), places=2)
quantities = st.integers(min_value=1, max_value=10_000)
readings = st.decimals(min_value=Decimal(-1000), max_value=Decimal(1000), places=3)
currencies = st.sampled_from(["GBP", "EUR", "USD"])
FAST = settings(max_examples=60, deadline=None)


@FAST
@given(lines=st.lists(st.tuples(quantities, amounts), min_size=1, max_size=8), currency=currencies)
def test_an_order_total_is_the_exact_sum_of_quantity_times_price(lines, currency):
    order = ManufacturingOrder(
        order_number="MO-1",
        customer="Selfridges",
        lines=[
            {"sku": "SEN-GIN-70", "quantity": quantity, "unit_price": {"amount": price, "currency": currency}}
            for quantity, price in lines
        ],
        created_date="2026-01-01",
        due_date="2026-02-01",
    )
    assert order.total == Money(amount=sum((q * p for q, p in lines), Decimal(0)), currency=currency)
    assert order.total_quantity == sum(quantity for quantity, _ in lines)


@FAST
@given(a=amounts, b=amounts, c=amounts)
def test_money_addition_is_exact_commutative_and_associative(a, b, c):
    x, y, z = (Money(amount=value, currency="GBP") for value in (a, b, c))
    assert x + y == y + x
    assert (x + y) + z == x + (y + z)
    assert (x + y - y) == x


@FAST
@given(material=amounts, labour=amounts, overhead=amounts)
def test_a_breakdown_whose_total_is_the_sum_is_always_accepted(material, labour, overhead):
    gbp = {
        name: {"amount": value, "currency": "GBP"} for name, value in [("m", material), ("l", labour), ("o", overhead)]
    }
    cost = CostBreakdown.model_validate(
        {
            "material": gbp["m"],
            "labour": gbp["l"],
            "overhead": gbp["o"],
            "total": {"amount": material + labour + overhead, "currency": "GBP"},
        }
    )
    assert cost.total.amount == material + labour + overhead


@FAST
@given(
    nominal=readings,
    tolerance=st.decimals(min_value=Decimal("0.001"), max_value=Decimal(50), places=3),
    values=st.lists(readings, min_size=1, max_size=20),
)
def test_a_measurement_passes_exactly_when_every_value_is_within_the_limits(nominal, tolerance, values):
    measurement = Measurement(characteristic="fill", nominal=nominal, tolerance=tolerance, unit="ml", values=values)
    within = all(nominal - tolerance <= value <= nominal + tolerance for value in values)
    assert (measurement.result is InspectionResult.PASSED) is within
    assert measurement.out_of_tolerance == sum(1 for value in values if abs(value - nominal) > tolerance)


@FAST
@given(
    on_hand=st.decimals(min_value=0, max_value=10_000, places=1),
    reorder_point=st.decimals(min_value=0, max_value=10_000, places=1),
)
def test_needs_reorder_is_on_hand_at_or_below_the_reorder_point(on_hand, reorder_point):
    level = InventoryLevel(
        sku="SEN-GIN-70", location="MAIN", on_hand=on_hand, reorder_point=reorder_point, unit="bottle"
    )
    assert level.needs_reorder is (on_hand <= reorder_point)
