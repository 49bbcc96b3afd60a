"""Loaders of the seed data: raw JSON, typed dicts, and inventory levels built from the Unleashed seed."""

from __future__ import annotations

import pytest

from sentia_testkit.data import (
    load_seed,
    seed_files,
    seed_inventory_levels,
    seed_stock,
    seed_suppliers,
    seed_warehouses,
)
from sentia_testkit.matchers import IsCurrency, IsInventoryLevel


def test_the_seed_files_are_listed_by_vendor():
    files = seed_files()
    assert set(files) >= {"amazon", "shopify", "unleashed", "xero"}
    assert "sentia-spirits" in files["unleashed"]


def test_a_seed_file_loads_as_json():
    shop = load_seed("shopify", "uk")
    assert {"shop", "products", "orders"} <= set(shop)


@pytest.mark.parametrize(("vendor", "name"), [("shopify", "france"), ("sage", "uk")])
def test_an_unknown_seed_file_names_the_ones_there_are(vendor: str, name: str):
    with pytest.raises(KeyError, match=rf"no seed file {vendor}/{name}.json; the seed files are .*unleashed: sentia"):
        load_seed(vendor, name)


def test_suppliers_and_warehouses_are_typed_dicts_of_the_seed():
    suppliers = seed_suppliers()
    assert len(suppliers) >= 3
    assert all(supplier["currency"] == IsCurrency() for supplier in suppliers)
    assert {warehouse["code"] for warehouse in seed_warehouses()} >= {"MAIN"}


def test_stock_lines_map_onto_inventory_levels_except_negative_stock():
    stock = seed_stock()
    levels = seed_inventory_levels()
    assert len(levels) == sum(1 for line in stock if line["on_hand"] >= 0)
    assert len(levels) < len(stock)
    assert all(level == IsInventoryLevel() for level in levels)
    gin = next(level for level in levels if level.sku == "SEN-GIN-70" and level.location == "MAIN")
    assert gin == IsInventoryLevel(unit="bottle", reorder_point=450)
