"""Unleashed assemblies mapped onto the domain's manufacturing orders."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest

from sentia_server.domain import OrderStatus
from sentia_server.integrations.unleashed.models import Assembly, Product
from sentia_server.tools.manufacturing.production import order_status, production_order_out, to_order

NOV = datetime(2026, 11, 1, tzinfo=UTC)


def assembly(**changes: Any) -> Assembly:
    values: dict[str, Any] = {
        "Guid": "a1",
        "AssemblyNumber": "ASM-00100",
        "AssemblyStatus": "Parked",
        "Product": {"Guid": "p1", "ProductCode": "SEN-GIN-70", "ProductDescription": "Gin"},
        "Quantity": 100,
        "CreatedOn": "/Date(1793491200000)/",
        "AssembleBy": "/Date(1794355200000)/",
        "DestinationWarehouse": {"WarehouseCode": "BOND", "WarehouseName": "Bond"},
        **changes,
    }
    return Assembly.model_validate(values)


PRODUCT = Product.model_validate({"Guid": "p1", "ProductCode": "SEN-GIN-70", "AverageLandPrice": 7.42})


@pytest.mark.parametrize(
    ("status", "custom", "expected"),
    [
        ("Completed", None, OrderStatus.COMPLETED),
        ("Parked", None, OrderStatus.PLANNED),
        ("Parked", "Quality Testing", OrderStatus.QUALITY_CHECK),
        ("Parked", "QC hold", OrderStatus.QUALITY_CHECK),
        ("Parked", "In Production", OrderStatus.IN_PRODUCTION),
        ("Parked", "Bottling", OrderStatus.IN_PRODUCTION),
        ("Parked", "Scheduled", OrderStatus.RELEASED),
        ("Parked", "Waiting on parts", OrderStatus.PLANNED),
    ],
)
def test_unleashed_statuses_map_onto_the_domain_flow(status, custom, expected):
    assert order_status(assembly(AssemblyStatus=status, CustomAssemblyStatus=custom)) is expected


def test_an_assembly_becomes_an_order_valued_at_landed_cost_for_stock():
    order = to_order(assembly(), PRODUCT, "Sentia Spirits Ltd", "GBP")
    assert order.order_number == "ASM-00100"
    assert order.customer == "Sentia Spirits Ltd stock (BOND)"
    assert (order.created_date, order.due_date) == (date(2026, 11, 1), date(2026, 11, 11))
    assert order.total.amount == Decimal("742.00") and order.total.currency == "GBP"


@pytest.mark.parametrize(
    ("changes", "product", "message"),
    [
        ({}, None, "product SEN-GIN-70 has no average landed cost to value it at"),
        ({"CreatedOn": None, "AssemblyDate": None, "AssembleBy": None}, PRODUCT, "neither a creation date nor a due"),
        ({"AssembleBy": "/Date(1700000000000)/"}, PRODUCT, "due date 2023-11-14 is before created date"),
        ({"Product": {"ProductCode": "gin 70cl"}}, PRODUCT, "SKU 'gin 70cl' must be upper-case"),
    ],
)
def test_an_assembly_that_makes_no_valid_order_says_why(changes, product, message):
    with pytest.raises(ValueError, match=message):
        to_order(assembly(**changes), product, "Sentia", "GBP")


def test_lateness_counts_to_today_when_open_and_to_completion_when_done():
    open_one = assembly()
    late = production_order_out(open_one, to_order(open_one, PRODUCT, "S", "GBP"), date(2026, 11, 14))
    assert (late.late, late.days_late, late.days_until_due) == (True, 3, None)
    early = production_order_out(open_one, to_order(open_one, PRODUCT, "S", "GBP"), date(2026, 11, 9))
    assert (early.late, early.days_late, early.days_until_due) == (False, None, 2)
    done = assembly(AssemblyStatus="Completed", AssemblyDate="/Date(1794528000000)/")
    finished = production_order_out(done, to_order(done, PRODUCT, "S", "GBP"), date(2026, 12, 30))
    assert (finished.completed_on, finished.late, finished.days_late) == (date(2026, 11, 13), True, 2)
