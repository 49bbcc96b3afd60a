"""Valid examples of each domain model, for the tests to vary one rule at a time."""

from __future__ import annotations

from typing import Any

import pytest
from unit.domain.helpers import gbp


@pytest.fixture
def order_data() -> dict[str, Any]:
    return {
        "order_number": "MO-2026-0042",
        "customer": "Harvey Nichols",
        "status": "released",
        "priority": "high",
        "lines": [
            {"sku": "SEN-GIN-70", "quantity": 12, "unit_price": gbp("21.50")},
            {"sku": "SEN-TON-200", "quantity": "48", "unit_price": gbp("0.95"), "description": "Indian tonic 200ml"},
        ],
        "created_date": "2026-11-02",
        "due_date": "2026-11-20",
    }


@pytest.fixture
def product_data() -> dict[str, Any]:
    return {
        "sku": "SEN-GIN-70",
        "name": "Sentia Botanical Gin 70cl",
        "category": "spirit",
        "specifications": {"abv_percent": 41.5, "volume_ml": 700, "botanicals": "juniper, yuzu", "organic": True},
        "cost": {"material": gbp("5.20"), "labour": gbp("1.30"), "overhead": gbp("0.50"), "total": gbp("7.00")},
        "price": gbp("32.00"),
        "lead_time_days": 14,
    }


@pytest.fixture
def measurement_data() -> dict[str, Any]:
    return {"characteristic": "alcohol by volume", "nominal": 41.5, "tolerance": 0.2, "unit": "% ABV", "values": [41.4]}


@pytest.fixture
def quality_data(measurement_data: dict[str, Any]) -> dict[str, Any]:
    return {
        "work_order": "WO-2026-0117",
        "lot_number": "LOT-20261120-001",
        "product_sku": "SEN-GIN-70",
        "inspector": "Amira Khan",
        "inspected_at": "2026-11-20T09:30:00+00:00",
        "measurements": [
            measurement_data,
            {"characteristic": "fill volume", "nominal": "700", "tolerance": "5", "unit": "ml", "values": [698, 703]},
        ],
    }


@pytest.fixture
def inventory_data() -> dict[str, Any]:
    return {"sku": "SEN-TON-200", "location": "MAIN", "on_hand": 480, "reorder_point": 600, "unit": "bottle"}
