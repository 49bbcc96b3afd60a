"""Factories: valid models by default, overrides applied and checked, the same seed giving the same model."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from faker import Faker
from pydantic import ValidationError

from sentia_server.domain import InspectionResult, OrderStatus
from sentia_testkit.data import (
    make_inventory_level,
    make_manufacturing_order,
    make_money,
    make_product_specification,
    make_quality_record,
    seeded_faker,
)
from sentia_testkit.matchers import (
    IsInventoryLevel,
    IsManufacturingOrder,
    IsMoney,
    IsProductSpecification,
    IsQualityRecord,
)

FACTORIES = [
    (make_manufacturing_order, IsManufacturingOrder),
    (make_product_specification, IsProductSpecification),
    (make_quality_record, IsQualityRecord),
    (make_inventory_level, IsInventoryLevel),
]


@pytest.mark.parametrize(("make", "matcher"), FACTORIES)
def test_every_factory_makes_valid_models(make, matcher):
    for seed in range(40):
        assert make(seed=seed).model_dump(mode="json") == matcher()
    assert make() == matcher()


@pytest.mark.parametrize(("make", "matcher"), FACTORIES)
def test_the_same_seed_makes_the_same_model(make, matcher):
    assert make(seed=99) == make(seed=99)
    assert make(seed=99) != make(seed=100)
    assert make(faker=seeded_faker(5)) == make(seed=5)


def test_overrides_replace_fields_and_are_validated():
    lines = [{"sku": "SEN-GIN-70", "quantity": 3, "unit_price": {"amount": "20", "currency": "EUR"}}]
    order = make_manufacturing_order(seed=1, status="released", lines=lines, created_date=date(2026, 1, 1))
    assert order == IsManufacturingOrder(status=OrderStatus.RELEASED, total={"amount": "60", "currency": "EUR"})
    assert order.created_date == date(2026, 1, 1)
    with pytest.raises(ValidationError, match="an order needs at least one line"):
        make_manufacturing_order(lines=[])


def test_a_quality_record_can_be_made_to_fail():
    assert make_quality_record(seed=3).overall_result is InspectionResult.PASSED
    assert make_quality_record(seed=3, passed=False).overall_result is InspectionResult.FAILED


def test_other_factories_take_overrides():
    assert make_product_specification(seed=1, lead_time_days=0).lead_time_days == 0
    assert make_inventory_level(seed=1, on_hand=0, reorder_point=5).needs_reorder
    assert make_money(seed=1) == IsMoney(currency="GBP", ge=1, le=500, places=2)
    assert make_money("12.50", "EUR") == IsMoney("12.5", currency="EUR")
    assert make_money(faker=Faker()).currency == "GBP"


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: make_manufacturing_order(colour="red"), "ManufacturingOrder has no field colour to set; fields:"),
        (lambda: make_manufacturing_order(total=Decimal(1)), r"no field total to set \(total derived from"),
        (lambda: make_inventory_level(seed=1, faker=seeded_faker(1)), "give either faker= or seed=, not both"),
    ],
)
def test_wrong_arguments_are_refused(make, message: str):
    with pytest.raises(TypeError, match=message):
        make()
