"""Loaders for the simulators' seed data (`fixtures/<vendor>/*.json`, shipped in the package): as JSON, as
typed dicts, and as domain models where the data maps onto one."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any, TypedDict

from sentia_server.domain import InventoryLevel
from sentia_testkit.simulators.seed_data import SEED_ROOT, seed_dir

UNLEASHED_SEED = "sentia-spirits"


class SeedAddress(TypedDict):
    street: str
    city: str
    post_code: str
    country: str


class SeedSupplier(TypedDict):
    """A supplier of the Unleashed seed."""

    code: str
    name: str
    currency: str
    email: str
    phone: str
    payment_term: str
    vat: str
    lead_time_days: int
    minimum_order_value: int
    address: SeedAddress
    modified: str


class SeedWarehouse(TypedDict):
    """A warehouse of the Unleashed seed."""

    code: str
    name: str
    is_default: bool
    city: str
    region: str
    country: str
    post_code: str


class SeedStock(TypedDict):
    """A stock line of the Unleashed seed: a product's quantity at a warehouse."""

    product: str
    warehouse: str
    on_hand: float
    days_since_last_sale: int
    modified: str


def seed_files() -> dict[str, list[str]]:
    """The seed files by vendor: {"unleashed": ["sentia-spirits"], "xero": ["sentia-spirits-uk", ...], ...}."""
    return {
        vendor.name: sorted(path.stem for path in vendor.glob("*.json"))
        for vendor in sorted(SEED_ROOT.iterdir())
        if vendor.is_dir()
    }


def load_seed(vendor: str, name: str) -> dict[str, Any]:
    """The JSON of `fixtures/<vendor>/<name>.json`; a KeyError naming what exists when there is no such file."""
    files = seed_files()
    if name not in files.get(vendor, []):
        known = "; ".join(f"{key}: {', '.join(names)}" for key, names in files.items())
        raise KeyError(f"no seed file {vendor}/{name}.json; the seed files are {known}")
    data: dict[str, Any] = json.loads((seed_dir(vendor) / f"{name}.json").read_text(encoding="utf-8"))
    return data


def seed_suppliers() -> list[SeedSupplier]:
    """The suppliers of the Unleashed seed."""
    suppliers: list[SeedSupplier] = load_seed("unleashed", UNLEASHED_SEED)["suppliers"]
    return suppliers


def seed_warehouses() -> list[SeedWarehouse]:
    """The warehouses of the Unleashed seed."""
    warehouses: list[SeedWarehouse] = load_seed("unleashed", UNLEASHED_SEED)["warehouses"]
    return warehouses


def seed_stock() -> list[SeedStock]:
    """Every stock line of the Unleashed seed, negative ones included."""
    stock: list[SeedStock] = load_seed("unleashed", UNLEASHED_SEED)["stock"]
    return stock


def seed_inventory_levels() -> list[InventoryLevel]:
    """The Unleashed seed's stock lines as `InventoryLevel`s, with each product's unit and reorder point (0 for
    a product without one). Lines with negative stock, which Unleashed allows and the seed holds on purpose, are
    not valid inventory levels and are left out; `seed_stock()` has them all."""
    seed = load_seed("unleashed", UNLEASHED_SEED)
    products = {product["code"]: product for product in seed["products"]}
    levels = []
    for line in seed["stock"]:
        product = products[line["product"]]
        if line["on_hand"] < 0:
            continue
        levels.append(
            InventoryLevel(
                sku=line["product"],
                location=line["warehouse"],
                on_hand=Decimal(str(line["on_hand"])),
                reorder_point=Decimal(str(product.get("reorder_point") or 0)),
                unit=product["unit"].lower(),
            )
        )
    return levels
