"""Factories: one valid, realistic domain model per call, with any field overridden
(`make_manufacturing_order(status="released", lines=[...])`). Pass `seed=` or a seeded `faker=` (the
`sentia_faker` fixture) to get the same data again."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from decimal import Decimal
from functools import cache
from typing import Any

from faker import Faker
from pydantic import BaseModel

from sentia_server.domain import (
    InventoryLevel,
    ManufacturingOrder,
    Money,
    OrderPriority,
    OrderStatus,
    ProductCategory,
    ProductSpecification,
    QualityRecord,
)
from sentia_testkit.data.provider import CHARACTERISTICS, ManufacturingProvider

LOCALE = "en_GB"


@cache
def _shared() -> Faker:
    return seeded_faker(None)


def seeded_faker(seed: int | None, locale: str = LOCALE) -> Faker:
    """A Faker with `ManufacturingProvider`, seeded with `seed` (unseeded when None)."""
    fake = Faker(locale)
    fake.add_provider(ManufacturingProvider)
    if seed is not None:
        fake.seed_instance(seed)
    return fake


def _faker(faker: Faker | None, seed: int | None) -> Faker:
    if faker is not None and seed is not None:
        raise TypeError("give either faker= or seed=, not both")
    if faker is not None:
        return faker
    return _shared() if seed is None else seeded_faker(seed)


def _build(model: type[BaseModel], defaults: dict[str, Any], overrides: dict[str, Any]) -> Any:
    unknown = sorted(set(overrides) - set(model.model_fields))
    if unknown:
        derived = sorted(set(unknown) & set(model.model_computed_fields))
        why = f" ({', '.join(derived)} derived from the other fields)" if derived else ""
        raise TypeError(
            f"{model.__name__} has no field {', '.join(unknown)} to set{why}; fields: {', '.join(model.model_fields)}"
        )
    return model.model_validate({**defaults, **overrides})


def _amount(fake: Faker, low: float, high: float) -> Decimal:
    return Decimal(fake.pyfloat(min_value=low, max_value=high, right_digits=2)).quantize(Decimal("0.01"))


def make_money(
    amount: Decimal | int | str | None = None,
    currency: str = "GBP",
    *,
    faker: Faker | None = None,
    seed: int | None = None,
) -> Money:
    """Money in `currency`; a random price between 1 and 500 unless `amount` is given."""
    fake = _faker(faker, seed)
    return Money(amount=_amount(fake, 1, 500) if amount is None else amount, currency=currency)


def make_manufacturing_order(
    *, faker: Faker | None = None, seed: int | None = None, **overrides: Any
) -> ManufacturingOrder:
    """A valid order of 1 to 4 lines in GBP, due 1 to 60 days after it was placed."""
    fake = _faker(faker, seed)
    created = fake.production_day()
    lines = [
        {
            "sku": fake.sku(),
            "quantity": fake.random_int(1, 500),
            "unit_price": {"amount": _amount(fake, 0.5, 60), "currency": "GBP"},
        }
        for _ in range(fake.random_int(1, 4))
    ]
    defaults = {
        "order_number": fake.order_number(),
        "customer": fake.company(),
        "status": fake.random_element(tuple(OrderStatus)),
        "priority": fake.random_element(tuple(OrderPriority)),
        "lines": lines,
        "created_date": created,
        "due_date": created + timedelta(days=fake.random_int(1, 60)),
    }
    return _build(ManufacturingOrder, defaults, overrides)  # type: ignore[no-any-return]


def make_product_specification(
    *, faker: Faker | None = None, seed: int | None = None, **overrides: Any
) -> ProductSpecification:
    """A valid specification in GBP whose cost adds up and whose price is above its cost."""
    fake = _faker(faker, seed)
    parts = [_amount(fake, 0.1, 8) for _ in range(3)]
    total = sum(parts, Decimal(0))

    def gbp(amount: Decimal) -> dict[str, Any]:
        return {"amount": amount, "currency": "GBP"}

    defaults = {
        "sku": fake.sku(),
        "name": fake.product_name(),
        "category": fake.random_element(tuple(ProductCategory)),
        "specifications": {"abv_percent": Decimal("41.5"), "volume_ml": 700, "organic": fake.pybool()},
        "cost": {"material": gbp(parts[0]), "labour": gbp(parts[1]), "overhead": gbp(parts[2]), "total": gbp(total)},
        "price": gbp(total * 3),
        "lead_time_days": fake.random_int(0, 60),
    }
    return _build(ProductSpecification, defaults, overrides)  # type: ignore[no-any-return]


def make_quality_record(
    *, faker: Faker | None = None, seed: int | None = None, passed: bool = True, **overrides: Any
) -> QualityRecord:
    """A valid record of 1 to 3 measurements; every value within tolerance unless `passed=False`, which puts
    the last reading of the first measurement outside it."""
    fake = _faker(faker, seed)
    names = fake.random_sample(tuple(CHARACTERISTICS), length=fake.random_int(1, 3))
    measurements = []
    for index, name in enumerate(names):
        unit, nominal, tolerance = CHARACTERISTICS[name]
        values = [Decimal(nominal) + Decimal(tolerance) * Decimal(fake.random_int(-9, 9)) / 10 for _ in range(3)]
        if not passed and index == 0:
            values[-1] = Decimal(nominal) + Decimal(tolerance) * 2
        measurements.append(
            {"characteristic": name, "nominal": nominal, "tolerance": tolerance, "unit": unit, "values": values}
        )
    day = fake.production_day()
    defaults = {
        "work_order": fake.work_order(),
        "lot_number": fake.lot_number(),
        "product_sku": fake.sku(),
        "inspector": fake.name(),
        "inspected_at": datetime.combine(day, time(fake.random_int(6, 20), fake.random_int(0, 59)), tzinfo=UTC),
        "measurements": measurements,
    }
    return _build(QualityRecord, defaults, overrides)  # type: ignore[no-any-return]


def make_inventory_level(*, faker: Faker | None = None, seed: int | None = None, **overrides: Any) -> InventoryLevel:
    """A valid stock level of a SKU at a warehouse location."""
    fake = _faker(faker, seed)
    defaults = {
        "sku": fake.sku(),
        "location": fake.stock_location(),
        "on_hand": fake.random_int(0, 5000),
        "reorder_point": fake.random_int(0, 1500),
        "unit": fake.unit_of_measure(),
    }
    return _build(InventoryLevel, defaults, overrides)  # type: ignore[no-any-return]
