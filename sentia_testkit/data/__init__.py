"""Manufacturing test data: the `ManufacturingProvider` for Faker, factories (`make_manufacturing_order`...),
loaders of the seed data, and hypothesis strategies (in `sentia_testkit.data.strategies`, imported on first
use so that Faker and hypothesis load only when a test asks for them)."""

from __future__ import annotations

import importlib
import importlib.util
from typing import Any

_EXPORTS = {
    "ManufacturingProvider": "provider",
    "seeded_faker": "factories",
    "make_money": "factories",
    "make_manufacturing_order": "factories",
    "make_product_specification": "factories",
    "make_quality_record": "factories",
    "make_inventory_level": "factories",
    "load_seed": "loaders",
    "seed_files": "loaders",
    "seed_inventory_levels": "loaders",
    "seed_stock": "loaders",
    "seed_suppliers": "loaders",
    "seed_warehouses": "loaders",
    "currencies": "strategies",
    "money": "strategies",
    "manufacturing_orders": "strategies",
    "product_specifications": "strategies",
    "quality_records": "strategies",
    "inventory_levels": "strategies",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{module}"), name)


def _hypothesis_setup_hook() -> None:
    """The package's `hypothesis` entry point: register the domain strategies with `st.register_type_strategy`
    as hypothesis starts, when the testkit extra is installed (a server-only install lacks its dependencies)."""
    if importlib.util.find_spec("dirty_equals") is not None:
        importlib.import_module(f"{__name__}.strategies")
