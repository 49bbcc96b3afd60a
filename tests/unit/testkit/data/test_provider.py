"""ManufacturingProvider: each value has the format the domain models accept, and a seed repeats it."""

from __future__ import annotations

import re

import pytest
from faker import Faker

from sentia_server.domain import InventoryLevel, QualityRecord
from sentia_testkit.data import ManufacturingProvider, seeded_faker
from sentia_testkit.data.provider import CERTIFICATIONS, CHARACTERISTICS, REFERENCE_DAY

FORMATS = {
    "sku": r"SEN-[A-Z]{3}-\d{1,3}",
    "product_code": r"[A-Z]{3}",
    "product_name": r"Sentia [A-Za-z ]+ \d{1,3}cl",
    "order_number": r"MO-20(25|26)-\d{4}",
    "work_order": r"WO-20(25|26)-\d{4}",
    "lot_number": r"LOT-20(25|26)\d{4}-\d{3}",
    "batch_number": r"L(25|26)\d{2}-\d{2}",
    "work_centre": r"[A-Z][A-Za-z ]+\d?",
    "supplier_name": r"\S.+ (Ltd|Limited|plc|& Sons|Trading|Packaging|Glassworks|Botanicals|GmbH)",
    "certification": r"(ISO \d+:\d{4}|FSSC 22000 v6|BRCGS .+|HACCP|SALSA|Soil Association Organic|Fairtrade|B Corp)",
    "unit_of_measure": r"[a-z]+",
    "stock_location": r"[A-Z0-9]+(-[A-Z0-9]+)?",
    "characteristic": r"[A-Za-z ]+",
}


@pytest.fixture
def fake() -> Faker:
    return seeded_faker(1234)


@pytest.mark.parametrize(("method", "pattern"), FORMATS.items())
def test_each_value_has_its_format(fake: Faker, method: str, pattern: str):
    for _ in range(50):
        value = getattr(fake, method)()
        assert re.fullmatch(pattern, value), (method, value)


def test_identifiers_are_accepted_by_the_domain_models(fake: Faker):
    for _ in range(50):
        InventoryLevel(
            sku=fake.sku(), location=fake.stock_location(), on_hand=1, reorder_point=0, unit=fake.unit_of_measure()
        )
        QualityRecord.model_validate(
            {
                "work_order": fake.work_order(),
                "lot_number": fake.lot_number(),
                "product_sku": fake.sku(prefix="ACME"),
                "inspector": fake.name(),
                "inspected_at": "2026-01-01T00:00:00Z",
                "measurements": [
                    {"characteristic": fake.characteristic(), "nominal": 1, "tolerance": 1, "unit": "ml", "values": [1]}
                ],
            }
        )


def test_days_fall_in_the_year_before_the_reference_day(fake: Faker):
    days = {fake.production_day() for _ in range(200)}
    assert max(days) <= REFERENCE_DAY
    assert (REFERENCE_DAY - min(days)).days <= 365


def test_the_same_seed_gives_the_same_values():
    first, second = seeded_faker(7), seeded_faker(7)
    assert [first.sku() for _ in range(20)] == [second.sku() for _ in range(20)]
    assert [first.supplier_name() for _ in range(5)] == [second.supplier_name() for _ in range(5)]


def test_the_provider_adds_to_any_faker():
    fake = Faker("de_DE")
    fake.add_provider(ManufacturingProvider)
    assert fake.certification() in CERTIFICATIONS
    assert fake.characteristic() in CHARACTERISTICS
