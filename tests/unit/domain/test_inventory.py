"""InventoryLevel: non-negative stock and reorder point, and a derived `needs_reorder`."""

from __future__ import annotations

from decimal import Decimal

import pytest
from unit.domain.helpers import merged, rejection

from sentia_server.domain import InventoryLevel


@pytest.mark.parametrize(
    ("on_hand", "reorder_point", "needs_reorder"),
    [
        (480, 600, True),
        (600, 600, True),  # at the reorder point is time to reorder
        (601, 600, False),
        (0, 0, True),
        ("12.5", "0", False),
    ],
)
def test_needs_reorder_is_derived_from_stock_and_reorder_point(inventory_data, on_hand, reorder_point, needs_reorder):
    level = InventoryLevel.model_validate(merged(inventory_data, {"on_hand": on_hand, "reorder_point": reorder_point}))
    assert level.needs_reorder is needs_reorder
    assert level.on_hand == Decimal(str(on_hand))
    assert level.model_dump(mode="json")["needs_reorder"] is needs_reorder


@pytest.mark.parametrize(
    ("changes", "rule"),
    [
        ({"on_hand": -1}, "on hand must be 0 or more, not -1"),
        ({"reorder_point": "-0.5"}, "reorder point must be 0 or more, not -0.5"),
        ({"sku": "Sen-Ton-200"}, "SKU 'Sen-Ton-200' must be upper-case letters and digits"),
        ({"location": ""}, "location must not be blank"),
        ({"location": "L" * 65}, "location must be at most 64 characters, not 65"),
        ({"unit": "  "}, "unit must not be blank"),
        ({"needs_reorder": False}, "Extra inputs are not permitted"),
        ({"on_hand": ...}, "Field required"),
    ],
)
def test_invalid_levels_are_rejected_naming_the_rule(inventory_data, changes, rule):
    assert rule in rejection(InventoryLevel, merged(inventory_data, changes))
