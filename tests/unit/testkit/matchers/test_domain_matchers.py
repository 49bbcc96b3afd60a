"""IsManufacturingOrder, IsProductSpecification, IsQualityRecord, IsInventoryLevel: the values that must match,
the values that must not, and the problems each failure names."""

from __future__ import annotations

import re
from typing import Any

import pytest
from dirty_equals import HasLen, IsPositive
from unit.testkit.matchers.examples import INVENTORY, ORDER, PRODUCT, QUALITY, changed, gbp

from sentia_server.domain import InventoryLevel, ManufacturingOrder, Money, ProductSpecification, QualityRecord
from sentia_testkit.matchers import (
    IsInventoryLevel,
    IsManufacturingOrder,
    IsMoney,
    IsProductSpecification,
    IsQualityRecord,
)
from sentia_testkit.matchers._explained import ExplainedMatcher, matches
from sentia_testkit.matchers.domain import as_decimal, same_json

ORDER_MODEL = ManufacturingOrder.model_validate(ORDER)
QUALITY_FAILED = changed(
    QUALITY,
    measurements=[
        {"characteristic": "fill volume", "nominal": "700", "tolerance": "5", "unit": "ml", "values": [690]},
    ],
)

MATCHING: list[tuple[Any, Any]] = [
    (ORDER, IsManufacturingOrder()),
    (ORDER_MODEL, IsManufacturingOrder()),
    (ORDER_MODEL.model_dump(mode="json"), IsManufacturingOrder()),
    (ORDER_MODEL.model_dump(), IsManufacturingOrder(total=IsMoney(currency="GBP"))),
    (ORDER, IsManufacturingOrder(status="released", priority="high", lines=HasLen(2))),
    (ORDER, IsManufacturingOrder(total=Money(amount="303.60", currency="GBP"), total_quantity=60)),
    (ORDER, IsManufacturingOrder(total={"amount": "303.6", "currency": "GBP"}, total_quantity="60")),
    (changed(ORDER, total=gbp("303.6"), currency="GBP", total_quantity=60.0), IsManufacturingOrder()),
    (PRODUCT, IsProductSpecification()),
    (PRODUCT, IsProductSpecification(category="spirit", gross_margin="0.7813")),
    (ProductSpecification.model_validate(PRODUCT).model_dump(mode="json"), IsProductSpecification()),
    (QUALITY, IsQualityRecord(overall_result="pass")),
    (QUALITY_FAILED, IsQualityRecord(overall_result="fail")),
    (QualityRecord.model_validate(QUALITY).model_dump(mode="json"), IsQualityRecord()),
    (QualityRecord.model_validate(QUALITY), IsQualityRecord(product_sku="SEN-GIN-70")),
    (INVENTORY, IsInventoryLevel(on_hand=IsPositive, needs_reorder=True)),
    (InventoryLevel.model_validate(INVENTORY), IsInventoryLevel(on_hand=480.0)),
    (changed(INVENTORY, needs_reorder=True), IsInventoryLevel()),
]

NOT_MATCHING: list[tuple[Any, Any, list[str]]] = [
    (None, IsManufacturingOrder(), ["expected a ManufacturingOrder or a dict, not NoneType"]),
    ([ORDER], IsManufacturingOrder(), ["expected a ManufacturingOrder or a dict, not list"]),
    (ORDER, IsManufacturingOrder(status="shipped"), ["status: expected 'shipped', got <OrderStatus.RELEASED"]),
    (ORDER, IsManufacturingOrder(lines=HasLen(3)), ["lines: expected HasLen(3), got [OrderLine("]),
    (ORDER, IsManufacturingOrder(total_quantity=61), ["total_quantity: expected 61, got Decimal('60')"]),
    (ORDER, IsManufacturingOrder(total={"amount": "1", "currency": "GBP"}), ["total: expected {'amount': '1'"]),
    (ORDER, IsManufacturingOrder(total=IsMoney(currency="EUR")), ["total: currency: expected EUR, got GBP"]),
    (
        changed(ORDER, lines=[{"sku": "sen gin", "quantity": 0, "unit_price": {"amount": "1", "currency": "GBX"}}]),
        IsManufacturingOrder(status="planned"),
        [
            "lines.0.sku: SKU 'sen gin' must be upper-case",
            "lines.0.quantity: quantity must be above 0, not 0",
            "lines.0.unit_price.currency: currency 'GBX' is not an ISO 4217 currency code",
            "status: expected 'planned', got 'released'",
        ],
    ),
    (
        changed(ORDER, due_date="2026-11-01"),
        IsManufacturingOrder(),
        ["due date 2026-11-01 is before created date 2026-11-02"],
    ),
    (changed(ORDER, customer=...), IsManufacturingOrder(), ["customer: required field is missing"]),
    (changed(ORDER, colour="red"), IsManufacturingOrder(), ["colour: not a field of this model"]),
    (
        changed(ORDER, total=gbp("300"), total_quantity=59),
        IsManufacturingOrder(),
        [
            "total: is derived as {'amount': '303.60', 'currency': 'GBP'}, but the value states "
            "{'amount': '300', 'currency': 'GBP'}",
            "total_quantity: is derived as '60', but the value states 59",
        ],
    ),
    (
        changed(ORDER, lines=[{**ORDER["lines"][0], "line_total": gbp("1")}]),
        IsManufacturingOrder(),
        ["lines.0.line_total: is derived as {'amount': '258.00', 'currency': 'GBP'}"],
    ),
    (ORDER_MODEL, IsManufacturingOrder(customer="Selfridges"), ["customer: expected 'Selfridges'"]),
    (
        {"sku": "SEN-GIN-70", "name": "Gin", "location": "MAIN", "on_hand": 1, "reorder_point": 0},
        IsInventoryLevel(),
        ["unit: required field is missing", "name: not a field of this model"],
    ),
    (
        changed(PRODUCT, cost={**PRODUCT["cost"], "total": gbp("9.00")}),
        IsProductSpecification(),
        ["cost: cost total GBP 9.00 does not match material + labour + overhead = GBP 7.00"],
    ),
    (PRODUCT, IsProductSpecification(gross_margin="0.5"), ["gross_margin: expected '0.5', got Decimal('0.7813')"]),
    (QUALITY_FAILED, IsQualityRecord(overall_result="pass"), ["overall_result: expected 'pass'"]),
    (
        changed(QUALITY, overall_result="pass", measurements=QUALITY_FAILED["measurements"]),
        IsQualityRecord(),
        ["overall_result: is derived as 'fail', but the value states 'pass'"],
    ),
    (
        changed(QUALITY, inspected_at="2026-11-20T09:30:00", measurements=[]),
        IsQualityRecord(),
        ["inspected_at: 2026-11-20T09:30:00 must carry a time zone", "measurements: a quality record needs"],
    ),
    (changed(INVENTORY, on_hand=-1), IsInventoryLevel(), ["on_hand: on hand must be 0 or more, not -1"]),
    (changed(INVENTORY, needs_reorder=False), IsInventoryLevel(), ["needs_reorder: is derived as True"]),
    (INVENTORY, IsInventoryLevel(on_hand=IsPositive, location="BONDED-1"), ["location: expected 'BONDED-1'"]),
    (
        ProductSpecification.model_validate(PRODUCT),
        IsInventoryLevel(),
        ["expected an InventoryLevel or a dict, not ProductSpecification"],
    ),
]


@pytest.mark.parametrize(("value", "matcher"), MATCHING)
def test_matches(value: Any, matcher: Any):
    assert value == matcher
    assert matcher.problems == []


@pytest.mark.parametrize(("value", "matcher", "problems"), NOT_MATCHING)
def test_does_not_match_and_names_every_problem(value: Any, matcher: Any, problems: list[str]):
    assert value != matcher
    assert matcher != value
    explained = matcher.explain()
    assert len(explained) == len(problems), explained
    for line, expected in zip(explained, problems, strict=True):
        assert line.startswith(expected), (line, expected)
    for line in explained:
        assert line in repr(matcher)


def test_an_unknown_constraint_is_refused_when_the_matcher_is_made():
    with pytest.raises(TypeError, match=r"ManufacturingOrder has no field colour, size; its fields are .*customer"):
        IsManufacturingOrder(colour="red", size=2)


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (
            lambda: IsManufacturingOrder(status="in_progress"),
            "ManufacturingOrder.status is never 'in_progress'; it is one of planned, released, in_production",
        ),
        (
            lambda: IsQualityRecord(overall_result="passed"),
            "QualityRecord.overall_result is never 'passed'; it is one of pass, fail",
        ),
    ],
)
def test_a_constraint_outside_an_enum_is_refused(make, message: str):
    with pytest.raises(TypeError, match=re.escape(message)):
        make()


def test_after_a_match_the_repr_is_the_value_so_pytest_diffs_stay_quiet():
    matcher = IsInventoryLevel()
    assert INVENTORY == matcher  # noqa: SIM300 - the value on the left, as tests write it
    assert repr(matcher) == repr(INVENTORY)


def test_constraints_on_fields_an_invalid_dict_lacks_are_not_reported_twice():
    matcher = IsManufacturingOrder(customer="Harrods", status="released")
    assert changed(ORDER, customer=..., status="shipped") != matcher
    assert matcher.explain() == ["customer: required field is missing", "status: expected 'released', got 'shipped'"]


class Unequal:
    def __eq__(self, other: object) -> bool:
        raise TypeError("cannot compare")

    __hash__ = None  # type: ignore[assignment]


def test_helpers_compare_safely():
    assert not matches(Unequal(), 1)
    assert same_json([1, "2.0", {"a": 3}], ["1", 2, {"a": "3.00"}])
    assert not same_json([1], [1, 2])
    assert not same_json({"a": 1}, {"b": 1})
    assert as_decimal("NaN") is None
    assert as_decimal("x") is None
    with pytest.raises(TypeError, match="ExplainedMatcher does not define check"):
        ExplainedMatcher().check(1)
    assert ExplainedMatcher != 1
