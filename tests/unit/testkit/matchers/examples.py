"""Valid examples of each domain model as a server would return them, for the matcher tables to vary."""

from __future__ import annotations

from typing import Any


def gbp(amount: str) -> dict[str, str]:
    return {"amount": amount, "currency": "GBP"}


ORDER: dict[str, Any] = {
    "order_number": "MO-2026-0042",
    "customer": "Harvey Nichols",
    "status": "released",
    "priority": "high",
    "lines": [
        {"sku": "SEN-GIN-70", "quantity": 12, "unit_price": gbp("21.50")},
        {"sku": "SEN-TON-200", "quantity": "48", "unit_price": gbp("0.95")},
    ],
    "created_date": "2026-11-02",
    "due_date": "2026-11-20",
}
PRODUCT: dict[str, Any] = {
    "sku": "SEN-GIN-70",
    "name": "Sentia Botanical Gin 70cl",
    "category": "spirit",
    "specifications": {"abv_percent": 41.5, "volume_ml": 700},
    "cost": {"material": gbp("5.20"), "labour": gbp("1.30"), "overhead": gbp("0.50"), "total": gbp("7.00")},
    "price": gbp("32.00"),
    "lead_time_days": 14,
}
QUALITY: dict[str, Any] = {
    "work_order": "WO-2026-0117",
    "lot_number": "LOT-20261120-001",
    "product_sku": "SEN-GIN-70",
    "inspector": "Amira Khan",
    "inspected_at": "2026-11-20T09:30:00+00:00",
    "measurements": [
        {"characteristic": "alcohol by volume", "nominal": 41.5, "tolerance": 0.2, "unit": "% ABV", "values": [41.4]},
        {"characteristic": "fill volume", "nominal": "700", "tolerance": "5", "unit": "ml", "values": [698, 703]},
    ],
}
INVENTORY: dict[str, Any] = {
    "sku": "SEN-TON-200",
    "location": "MAIN",
    "on_hand": 480,
    "reorder_point": 600,
    "unit": "bottle",
}


def changed(base: dict[str, Any], **changes: Any) -> dict[str, Any]:
    """`base` with `changes`; a value of `...` removes the key."""
    result = {**base, **changes}
    return {key: value for key, value in result.items() if value is not ...}
