"""ManufacturingOrder: valid orders derive their totals from their lines; each broken rule is named."""

from __future__ import annotations

from decimal import Decimal

import pytest
from unit.domain.helpers import gbp, merged, rejection

from sentia_server.domain import (
    ManufacturingOrder,
    Money,
    OrderLine,
    OrderPriority,
    OrderStatus,
    StatusTransitionRefused,
)


def test_a_valid_order_derives_line_totals_and_the_order_total(order_data):
    order = ManufacturingOrder.model_validate(order_data)
    assert [line.line_total for line in order.lines] == [
        Money(amount=Decimal("258.00"), currency="GBP"),
        Money(amount=Decimal("45.60"), currency="GBP"),
    ]
    assert order.total == Money(amount=Decimal("303.60"), currency="GBP")
    assert (order.currency, order.total_quantity) == ("GBP", Decimal(60))
    assert (order.status, order.priority) == (OrderStatus.RELEASED, OrderPriority.HIGH)
    dumped = order.model_dump(mode="json")
    assert dumped["total"] == {"amount": "303.60", "currency": "GBP"}
    assert dumped["lines"][0]["line_total"] == {"amount": "258.00", "currency": "GBP"}


@pytest.mark.parametrize(
    "changes",
    [
        {"status": ..., "priority": ...},
        {"due_date": "2026-11-02"},
        {"order_number": "po-2026/017"},
        {"status": "cancelled", "notes": "customer withdrew"},
    ],
)
def test_valid_order_variants_are_accepted(order_data, changes):
    order = ManufacturingOrder.model_validate(merged(order_data, changes))
    assert order.order_number == merged(order_data, changes)["order_number"]


@pytest.mark.parametrize(
    ("changes", "rule"),
    [
        ({"due_date": "2026-11-01"}, "due date 2026-11-01 is before created date 2026-11-02"),
        ({"lines": []}, "an order needs at least one line"),
        ({"status": "on_hold"}, "Input should be 'planned', 'released', 'in_production'"),
        ({"priority": "asap"}, "Input should be 'low', 'normal', 'high' or 'urgent'"),
        ({"order_number": "-MO-1"}, "order number '-MO-1' must be 1-64 letters, digits"),
        ({"order_number": "MO 1"}, "order number 'MO 1' must be 1-64 letters, digits"),
        ({"order_number": "M" * 65}, "must be 1-64 letters, digits"),
        ({"customer": "   "}, "customer must not be blank"),
        ({"customer": "x" * 201}, "customer must be at most 200 characters, not 201"),
        ({"total": gbp("1.00")}, "Extra inputs are not permitted"),
        ({"created_date": ...}, "Field required"),
    ],
)
def test_invalid_orders_are_rejected_naming_the_rule(order_data, changes, rule):
    assert rule in rejection(ManufacturingOrder, merged(order_data, changes))


@pytest.mark.parametrize(
    ("line", "rule"),
    [
        ({"quantity": 0}, "quantity must be above 0, not 0"),
        ({"quantity": -2}, "quantity must be above 0, not -2"),
        ({"unit_price": gbp("0")}, "unit price must be above 0, not GBP 0"),
        ({"unit_price": gbp("-1.00")}, "unit price must be above 0, not GBP -1.00"),
        ({"sku": "sen-gin-70"}, "SKU 'sen-gin-70' must be upper-case letters and digits"),
        ({"sku": "SEN--GIN"}, "SKU 'SEN--GIN' must be upper-case letters and digits"),
        ({"line_total": gbp("9.99")}, "Extra inputs are not permitted"),
    ],
)
def test_invalid_lines_are_rejected_naming_the_rule(order_data, line, rule):
    lines = [merged(order_data["lines"][0], line)]
    assert rule in rejection(ManufacturingOrder, merged(order_data, {"lines": lines}))


def test_lines_in_two_currencies_are_rejected(order_data):
    euro_line = {"sku": "SEN-GIN-70", "quantity": 1, "unit_price": {"amount": "25", "currency": "EUR"}}
    message = rejection(ManufacturingOrder, merged(order_data, {"lines": [*order_data["lines"], euro_line]}))
    assert "all lines of an order are priced in one currency; these use EUR, GBP" in message


def test_a_line_total_is_quantity_times_unit_price():
    line = OrderLine(
        sku="SEN-ZERO-50", quantity=Decimal("2.5"), unit_price=Money(amount=Decimal("3.10"), currency="EUR")
    )
    assert line.line_total == Money(amount=Decimal("7.750"), currency="EUR")


@pytest.mark.parametrize(
    "path",
    [
        ["released", "in_production", "quality_check", "completed", "shipped"],
        ["released", "in_production", "quality_check", "in_production", "quality_check", "completed"],
        ["cancelled"],
    ],
)
def test_an_order_moves_along_its_flow(order_data, path):
    order = ManufacturingOrder.model_validate(merged(order_data, {"status": "planned"}))
    for status in path:
        order = order.move_to(OrderStatus(status))
    assert order.status == OrderStatus(path[-1])


@pytest.mark.parametrize(
    ("start", "target", "allowed"),
    [
        ("planned", "shipped", "cancelled, released"),
        ("shipped", "planned", "none: it is final"),
        ("cancelled", "released", "none: it is final"),
        ("completed", "cancelled", "shipped"),
    ],
)
def test_a_move_the_flow_does_not_allow_is_refused(order_data, start, target, allowed):
    order = ManufacturingOrder.model_validate(merged(order_data, {"status": start}))
    with pytest.raises(StatusTransitionRefused) as refused:
        order.move_to(OrderStatus(target))
    assert str(refused.value) == (f"order MO-2026-0042 cannot move from {start} to {target}; allowed next: {allowed}")
