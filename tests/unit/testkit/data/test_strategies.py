"""The hypothesis strategies: every value drawn is a valid model, overrides hold, and st.from_type works."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument
from pydantic import BaseModel

from sentia_server.domain import (
    CostBreakdown,
    InspectionResult,
    InventoryLevel,
    ManufacturingOrder,
    Measurement,
    Money,
    OrderLine,
    OrderStatus,
    ProductSpecification,
    QualityRecord,
)
from sentia_server.domain.currencies import ISO_4217_CODES
from sentia_testkit import data
from sentia_testkit.data import strategies
from sentia_testkit.data.strategies import (
    cost_breakdowns,
    currencies,
    inventory_levels,
    manufacturing_orders,
    measurements,
    money,
    order_lines,
    product_specifications,
    quality_records,
    skus,
)
from sentia_testkit.matchers import (
    IsInventoryLevel,
    IsManufacturingOrder,
    IsMoney,
    IsProductSpecification,
    IsQualityRecord,
)
from sentia_testkit.matchers.domain import split_derived

FAST = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def revalidates(value: BaseModel) -> bool:
    """The model's fields, without the derived values, read back as an equal model: valid through and through."""
    recorded, _ = split_derived(type(value), value.model_dump())
    return type(value).model_validate(recorded) == value


def draw_one(strategy: st.SearchStrategy[Any]) -> Any:
    """One value of `strategy`, drawn the way a test draws it (no shrinking, no example database)."""
    drawn: list[Any] = []

    @settings(max_examples=1, database=None, phases=[Phase.generate])
    @given(strategy)
    def take(value: Any) -> None:
        drawn.append(value)

    take()
    return drawn[0]


@FAST
@given(order=manufacturing_orders())
def test_every_order_is_valid(order: ManufacturingOrder):
    assert revalidates(order)
    assert order.model_dump(mode="json") == IsManufacturingOrder()
    assert order.due_date >= order.created_date


@FAST
@given(spec=product_specifications())
def test_every_specification_is_valid(spec: ProductSpecification):
    assert revalidates(spec)
    assert spec.model_dump(mode="json") == IsProductSpecification()


@FAST
@given(record=quality_records())
def test_every_quality_record_is_valid(record: QualityRecord):
    assert revalidates(record)
    assert record.model_dump(mode="json") == IsQualityRecord()


@FAST
@given(level=inventory_levels())
def test_every_inventory_level_is_valid(level: InventoryLevel):
    assert revalidates(level)
    assert level.model_dump(mode="json") == IsInventoryLevel()


@FAST
@given(amount=money(), code=currencies(), line=order_lines(), cost=cost_breakdowns(), sku=skus())
def test_every_value_of_the_smaller_strategies_is_valid(amount, code, line, cost, sku):
    assert amount.model_dump(mode="json") == IsMoney(places=2)
    assert code in ISO_4217_CODES
    assert revalidates(line)
    assert cost.total.amount == cost.material.amount + cost.labour.amount + cost.overhead.amount
    assert InventoryLevel(sku=sku, location="MAIN", on_hand=0, reorder_point=0, unit="bottle").sku == sku


@FAST
@given(
    order=manufacturing_orders(status="released", currency="EUR", min_lines=2, max_lines=3, customer=st.just("Harrods"))
)
def test_order_overrides_hold(order: ManufacturingOrder):
    assert order.status is OrderStatus.RELEASED
    assert order.currency == "EUR"
    assert 2 <= len(order.lines) <= 3
    assert order.customer == "Harrods"


@FAST
@given(order=manufacturing_orders(created_date=date(2026, 3, 1)))
def test_the_due_date_follows_an_overridden_created_date(order: ManufacturingOrder):
    assert order.due_date >= date(2026, 3, 1)


@FAST
@given(
    passed=quality_records(result="pass"),
    failed=quality_records(result="fail"),
    sku_fixed=quality_records(product_sku="SEN-GIN-70"),
)
def test_quality_record_results_can_be_chosen(passed: QualityRecord, failed: QualityRecord, sku_fixed: QualityRecord):
    assert passed.overall_result is InspectionResult.PASSED
    assert failed.overall_result is InspectionResult.FAILED
    assert sku_fixed.product_sku == "SEN-GIN-70"


@FAST
@given(good=measurements(passing=True), bad=measurements(passing=False), mixed=measurements())
def test_measurement_results_can_be_chosen(good: Measurement, bad: Measurement, mixed: Measurement):
    assert good.result is InspectionResult.PASSED
    assert bad.result is InspectionResult.FAILED
    assert revalidates(mixed)


@FAST
@given(
    low=inventory_levels(needs_reorder=True),
    high=inventory_levels(needs_reorder=False),
    fractional=inventory_levels(needs_reorder=False, on_hand=Decimal("0.5")),
)
def test_the_reorder_flag_can_be_chosen(low: InventoryLevel, high: InventoryLevel, fractional: InventoryLevel):
    assert low.needs_reorder
    assert not high.needs_reorder
    assert not fractional.needs_reorder


@FAST
@given(
    amount=money(currency="JPY", min_value=5, max_value=10, places=0),
    code=currencies(codes=["GBP", "EUR"]),
    spec=product_specifications(currency="CHF", lead_time_days=0),
)
def test_money_currency_and_specification_options_hold(amount: Money, code: str, spec: ProductSpecification):
    assert amount == IsMoney(currency="JPY", ge=5, le=10, places=0)
    assert code in {"GBP", "EUR"}
    assert spec.price.currency == "CHF"
    assert spec.lead_time_days == 0


@FAST
@given(
    order=st.from_type(ManufacturingOrder),
    spec=st.from_type(ProductSpecification),
    record=st.from_type(QualityRecord),
    level=st.from_type(InventoryLevel),
    amount=st.from_type(Money),
    line=st.from_type(OrderLine),
    cost=st.from_type(CostBreakdown),
    measurement=st.from_type(Measurement),
)
def test_from_type_draws_valid_models(order, spec, record, level, amount, line, cost, measurement):
    for value in (order, spec, record, level, amount, line, cost, measurement):
        assert revalidates(value)


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: manufacturing_orders(colour="red"), "ManufacturingOrder has no field colour to override; fields:"),
        (lambda: manufacturing_orders(total=1), r"no field total to override \(total derived, never given\)"),
        (lambda: manufacturing_orders(min_lines=3, max_lines=2), "need 1 <= min_lines <= max_lines <= 500"),
        (lambda: manufacturing_orders(min_lines=0), "need 1 <= min_lines"),
        (lambda: currencies(codes=["GBP", "XXY"]), "needs ISO 4217 codes; not XXY"),
        (lambda: currencies(codes=[]), "needs ISO 4217 codes; not none"),
        (lambda: money(min_value=5, max_value=1), "min_value is above max_value"),
        (lambda: money(currency="GBX"), "money\\(currency='GBX'\\): not an ISO 4217 currency code"),
        (lambda: quality_records(result="maybe"), 'is "pass", "fail" or None, not \'maybe\''),
        (lambda: product_specifications(margin=1), "ProductSpecification has no field margin"),
        (lambda: draw_one(inventory_levels(needs_reorder=False, on_hand=0)), "needs stock on hand above 0"),
        (
            lambda: draw_one(manufacturing_orders(created_date=date(2026, 3, 2), due_date=date(2026, 3, 1))),
            "the overrides make an invalid ManufacturingOrder: .*due date 2026-03-01 is before",
        ),
    ],
)
def test_wrong_options_are_refused_with_the_reason(make, message: str):
    with pytest.raises(InvalidArgument, match=message):
        make()


def test_registration_is_repeatable():
    strategies.register()
    assert revalidates(draw_one(st.from_type(ManufacturingOrder)))


def test_the_entry_point_registers_when_the_testkit_dependencies_are_there(monkeypatch: pytest.MonkeyPatch):
    imported: list[str] = []
    monkeypatch.setattr(data.importlib, "import_module", imported.append)
    data._hypothesis_setup_hook()
    assert imported == ["sentia_testkit.data.strategies"]
    monkeypatch.setattr(data.importlib.util, "find_spec", lambda name: None)
    data._hypothesis_setup_hook()
    assert imported == ["sentia_testkit.data.strategies"]


def test_hypothesis_loads_the_strategies_through_the_entry_point():
    script = (
        "import sys, hypothesis; from hypothesis import strategies as st; "
        "from sentia_server.domain import InventoryLevel; "
        "print('sentia_testkit.data.strategies' in sys.modules)"
    )
    ran = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=60)
    assert ran.stdout.strip() == "True"
