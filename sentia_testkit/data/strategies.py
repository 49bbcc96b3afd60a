"""Hypothesis strategies for the domain models. Every value drawn validates; keyword overrides fix a field to a
value or to a strategy of values (`manufacturing_orders(status="released", lines=st.lists(...))`).

Importing this module registers the strategies with `st.register_type_strategy`, so `st.from_type(Money)` and
`st.builds` of a class with a `ManufacturingOrder` field use them. The pytest plugin does not import it (it would
load hypothesis in every run); the package's `hypothesis` entry point does, when hypothesis itself is imported.
"""

from __future__ import annotations

import string
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument
from pydantic import BaseModel, ValidationError

from sentia_server.domain import (
    CostBreakdown,
    InventoryLevel,
    ManufacturingOrder,
    Measurement,
    Money,
    OrderLine,
    OrderPriority,
    OrderStatus,
    ProductCategory,
    ProductSpecification,
    QualityRecord,
)
from sentia_server.domain.currencies import ISO_4217_CODES
from sentia_testkit.matchers.domain import validation_problems

__all__ = [
    "cost_breakdowns",
    "currencies",
    "inventory_levels",
    "manufacturing_orders",
    "measurements",
    "money",
    "order_lines",
    "product_specifications",
    "quality_records",
    "skus",
]

_UPPER_DIGITS = string.ascii_uppercase + string.digits
_LATEST = datetime(2026, 6, 30, 23, 59, 59)
_EARLIEST = datetime(2000, 1, 1)


def _text(max_size: int) -> st.SearchStrategy[str]:
    """Non-blank text without surrounding spaces: letters (any script), digits and inner spaces."""
    word = st.text(st.characters(categories=("L", "N")), min_size=1, max_size=12)
    return st.lists(word, min_size=1, max_size=4).map(" ".join).map(lambda text: text[:max_size].strip()).filter(bool)


def skus() -> st.SearchStrategy[str]:
    """SKUs: upper-case letter and digit groups joined by single hyphens, e.g. "SEN-GIN-70"."""
    group = st.text(st.sampled_from(_UPPER_DIGITS), min_size=1, max_size=6)
    return st.lists(group, min_size=1, max_size=4).map("-".join)


def _references(prefix: str) -> st.SearchStrategy[str]:
    return st.builds(
        lambda year, number: f"{prefix}-{year}-{number:04d}", st.integers(2000, 2026), st.integers(1, 9999)
    )


def currencies(*, codes: list[str] | None = None) -> st.SearchStrategy[str]:
    """ISO 4217 currency codes, from `codes` when given (shrinking towards the first)."""
    if codes is not None:
        unknown = sorted(set(codes) - ISO_4217_CODES)
        if unknown or not codes:
            raise InvalidArgument(f"currencies(codes=...) needs ISO 4217 codes; not {', '.join(unknown) or 'none'}")
        return st.sampled_from(codes)
    return st.sampled_from(["GBP", "EUR", "USD", *sorted(ISO_4217_CODES - {"GBP", "EUR", "USD"})])


def _amounts(min_value: Decimal | int | str, max_value: Decimal | int | str, places: int) -> st.SearchStrategy[Decimal]:
    return st.decimals(min_value=Decimal(min_value), max_value=Decimal(max_value), places=places)


def money(
    *,
    currency: str | st.SearchStrategy[str] | None = None,
    min_value: Decimal | int | str = 0,
    max_value: Decimal | int | str = 1_000_000,
    places: int = 2,
) -> st.SearchStrategy[Money]:
    """`Money` between `min_value` and `max_value` with `places` decimal places, in `currency` (a code or a
    strategy of codes; any ISO 4217 code by default)."""
    if isinstance(currency, str) and currency not in ISO_4217_CODES:
        raise InvalidArgument(f"money(currency={currency!r}): not an ISO 4217 currency code")
    if Decimal(min_value) > Decimal(max_value):
        raise InvalidArgument(f"money(min_value={min_value}, max_value={max_value}): min_value is above max_value")
    codes = _strategy(currency, currencies())
    return st.builds(
        lambda amount, code: Money(amount=amount, currency=code), _amounts(min_value, max_value, places), codes
    )


def _strategy(value: Any, default: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    if value is None:
        return default
    return value if isinstance(value, st.SearchStrategy) else st.just(value)


def _fields(model: type[BaseModel], overrides: dict[str, Any], extra: tuple[str, ...] = ()) -> None:
    unknown = sorted(set(overrides) - set(model.model_fields) - set(extra))
    if unknown:
        derived = sorted(set(unknown) & set(model.model_computed_fields))
        why = f" ({', '.join(derived)} derived, never given)" if derived else ""
        raise InvalidArgument(
            f"{model.__name__} has no field {', '.join(unknown)} to override{why}; fields: "
            f"{', '.join(model.model_fields)}"
        )


def _validated(model: type[BaseModel], data: dict[str, Any]) -> Any:
    try:
        return model.model_validate(data)
    except ValidationError as refused:
        problems = "; ".join(str(problem) for problem in validation_problems(refused))
        raise InvalidArgument(f"the overrides make an invalid {model.__name__}: {problems}") from None


@st.composite
def _order_lines(draw: st.DrawFn, currency: str, overrides: dict[str, Any]) -> OrderLine:
    data = {
        "sku": draw(_strategy(overrides.get("sku"), skus())),
        "quantity": draw(_strategy(overrides.get("quantity"), st.integers(1, 10_000))),
        "unit_price": draw(_strategy(overrides.get("unit_price"), money(currency=currency, min_value="0.01"))),
        "description": draw(_strategy(overrides.get("description"), st.none() | _text(80))),
    }
    return _validated(OrderLine, data)  # type: ignore[no-any-return]


def order_lines(*, currency: str | None = None, **overrides: Any) -> st.SearchStrategy[OrderLine]:
    """`OrderLine`s priced in `currency` (any by default)."""
    _fields(OrderLine, overrides)
    return _strategy(currency, currencies()).flatmap(lambda code: _order_lines(code, overrides))


@st.composite
def _manufacturing_orders(
    draw: st.DrawFn, currency: Any, min_lines: int, max_lines: int, overrides: dict[str, Any]
) -> ManufacturingOrder:
    def pick(name: str, default: st.SearchStrategy[Any]) -> Any:
        return draw(_strategy(overrides.get(name), default))

    code = draw(_strategy(currency, currencies()))
    created = pick("created_date", st.dates(_EARLIEST.date(), _LATEST.date()))
    data = {
        "order_number": pick("order_number", _references("MO")),
        "customer": pick("customer", _text(200)),
        "status": pick("status", st.sampled_from(OrderStatus)),
        "priority": pick("priority", st.sampled_from(OrderPriority)),
        "lines": pick("lines", st.lists(order_lines(currency=code), min_size=min_lines, max_size=max_lines)),
        "created_date": created,
        "due_date": pick("due_date", st.integers(0, 365).map(lambda days: created + timedelta(days=days))),
        "notes": pick("notes", st.none() | _text(200)),
    }
    return _validated(ManufacturingOrder, data)  # type: ignore[no-any-return]


def manufacturing_orders(
    *, currency: str | st.SearchStrategy[str] | None = None, min_lines: int = 1, max_lines: int = 5, **overrides: Any
) -> st.SearchStrategy[ManufacturingOrder]:
    """Valid `ManufacturingOrder`s: `min_lines` to `max_lines` lines in one `currency`, due on or after the day
    they were placed. Override any field: `manufacturing_orders(status="released")`."""
    _fields(ManufacturingOrder, overrides)
    if not 1 <= min_lines <= max_lines <= 500:
        raise InvalidArgument(f"need 1 <= min_lines <= max_lines <= 500, not {min_lines} and {max_lines}")
    return _manufacturing_orders(currency, min_lines, max_lines, overrides)


@st.composite
def _cost_breakdowns(draw: st.DrawFn, currency: str) -> CostBreakdown:
    parts = [draw(_amounts(0, 500, 2)) for _ in range(3)]
    amounts = [*parts, sum(parts, Decimal(0))]
    names = ("material", "labour", "overhead", "total")
    return CostBreakdown.model_validate(
        {name: {"amount": amount, "currency": currency} for name, amount in zip(names, amounts, strict=True)}
    )


def cost_breakdowns(*, currency: str | st.SearchStrategy[str] | None = None) -> st.SearchStrategy[CostBreakdown]:
    """`CostBreakdown`s whose total is exactly material + labour + overhead."""
    return _strategy(currency, currencies()).flatmap(_cost_breakdowns)


_SPECIFICATION_KEYS = st.from_regex(r"\A[a-z][a-z0-9_]{0,19}\Z")
_SPECIFICATION_VALUES = st.one_of(_amounts(-1000, 1000, 3), st.booleans(), _text(50))


@st.composite
def _product_specifications(draw: st.DrawFn, currency: Any, overrides: dict[str, Any]) -> ProductSpecification:
    def pick(name: str, default: st.SearchStrategy[Any]) -> Any:
        return draw(_strategy(overrides.get(name), default))

    code = draw(_strategy(currency, currencies()))
    data = {
        "sku": pick("sku", skus()),
        "name": pick("name", _text(200)),
        "category": pick("category", st.sampled_from(ProductCategory)),
        "specifications": pick(
            "specifications", st.dictionaries(_SPECIFICATION_KEYS, _SPECIFICATION_VALUES, max_size=5)
        ),
        "cost": pick("cost", cost_breakdowns(currency=code)),
        "price": pick("price", money(currency=code, min_value="0.01", max_value=5000)),
        "lead_time_days": pick("lead_time_days", st.integers(0, 3650)),
    }
    return _validated(ProductSpecification, data)  # type: ignore[no-any-return]


def product_specifications(
    *, currency: str | st.SearchStrategy[str] | None = None, **overrides: Any
) -> st.SearchStrategy[ProductSpecification]:
    """Valid `ProductSpecification`s, cost and price in one `currency`. Override any field."""
    _fields(ProductSpecification, overrides)
    return _product_specifications(currency, overrides)


@st.composite
def _measurements(draw: st.DrawFn, passing: bool | None, characteristic: Any) -> Measurement:
    nominal = draw(_amounts(-1000, 1000, 3))
    tolerance = draw(_amounts("0.001", 50, 3))
    low, high = nominal - tolerance, nominal + tolerance
    within = _amounts(low, high, 3)
    outside = _amounts(high + Decimal("0.001"), high + 100, 3) | _amounts(low - 100, low - Decimal("0.001"), 3)
    if passing is None:
        values = draw(st.lists(within | outside, min_size=1, max_size=5))
    elif passing:
        values = draw(st.lists(within, min_size=1, max_size=5))
    else:
        values = [*draw(st.lists(within, max_size=4)), draw(outside)]
    data = {
        "characteristic": draw(_strategy(characteristic, _text(100))),
        "nominal": nominal,
        "tolerance": tolerance,
        "unit": draw(st.sampled_from(["ml", "% ABV", "pH", "mm", "g/l"])),
        "values": values,
    }
    return Measurement.model_validate(data)


def measurements(*, passing: bool | None = None) -> st.SearchStrategy[Measurement]:
    """`Measurement`s; `passing=True` keeps every value within tolerance, `False` puts one outside."""
    return _measurements(passing, None)


@st.composite
def _quality_records(draw: st.DrawFn, result: str | None, overrides: dict[str, Any]) -> QualityRecord:
    def pick(name: str, default: st.SearchStrategy[Any]) -> Any:
        return draw(_strategy(overrides.get(name), default))

    count = draw(st.integers(1, 4))
    names = draw(st.lists(_text(100), min_size=count, max_size=count, unique_by=str.casefold))
    if result == "fail":
        failing = draw(st.integers(0, count - 1))
        checks = [_measurements(False if index == failing else None, name) for index, name in enumerate(names)]
    else:
        checks = [_measurements(True if result == "pass" else None, name) for name in names]
    inspected = st.datetimes(_EARLIEST, _LATEST, timezones=st.sampled_from([UTC, *_OFFSETS]))
    data = {
        "work_order": pick("work_order", _references("WO")),
        "lot_number": pick("lot_number", st.dates(_EARLIEST.date(), _LATEST.date()).map(_lot)),
        "product_sku": pick("product_sku", skus()),
        "inspector": pick("inspector", _text(100)),
        "inspected_at": pick("inspected_at", inspected),
        "measurements": pick("measurements", st.tuples(*checks).map(list)),
        "notes": pick("notes", st.none() | _text(200)),
    }
    return _validated(QualityRecord, data)  # type: ignore[no-any-return]


def _lot(day: date) -> str:
    return f"LOT-{day:%Y%m%d}-001"


_OFFSETS = [datetime.strptime(offset, "%z").tzinfo for offset in ("+0100", "-0500", "+0530")]


def quality_records(*, result: str | None = None, **overrides: Any) -> st.SearchStrategy[QualityRecord]:
    """Valid `QualityRecord`s inspected in the past; `result="pass"` or `"fail"` fixes the overall result
    (unless `measurements` is overridden). Override any field."""
    if result not in (None, "pass", "fail"):
        raise InvalidArgument(f'quality_records(result=...) is "pass", "fail" or None, not {result!r}')
    _fields(QualityRecord, overrides)
    return _quality_records(result, overrides)


@st.composite
def _inventory_levels(draw: st.DrawFn, needs_reorder: bool | None, overrides: dict[str, Any]) -> InventoryLevel:
    def pick(name: str, default: st.SearchStrategy[Any]) -> Any:
        return draw(_strategy(overrides.get(name), default))

    on_hand = Decimal(pick("on_hand", _amounts(1 if needs_reorder is False else 0, 100_000, 0)))
    if needs_reorder is None:
        reorder_default = _amounts(0, 100_000, 0)
    elif needs_reorder:
        reorder_default = _amounts(on_hand, on_hand + 10_000, 0)
    elif on_hand > 0:
        reorder_default = st.decimals(min_value=0, max_value=on_hand, places=3).filter(lambda point: point < on_hand)
    else:
        raise InvalidArgument("inventory_levels(needs_reorder=False) needs stock on hand above 0, not 0")
    data = {
        "sku": pick("sku", skus()),
        "location": pick("location", st.sampled_from(["MAIN", "BONDED-1", "DISPATCH", "3PL-UK"])),
        "on_hand": on_hand,
        "reorder_point": pick("reorder_point", reorder_default),
        "unit": pick("unit", st.sampled_from(["bottle", "case", "pallet", "litre", "kg"])),
    }
    return _validated(InventoryLevel, data)  # type: ignore[no-any-return]


def inventory_levels(*, needs_reorder: bool | None = None, **overrides: Any) -> st.SearchStrategy[InventoryLevel]:
    """Valid `InventoryLevel`s; `needs_reorder=True` or `False` fixes whether stock is at the reorder point.
    Override any field."""
    _fields(InventoryLevel, overrides)
    return _inventory_levels(needs_reorder, overrides)


def register() -> None:
    """Make `st.from_type` draw each domain model from its strategy here."""
    for model, strategy in (
        (Money, money()),
        (OrderLine, order_lines()),
        (ManufacturingOrder, manufacturing_orders()),
        (CostBreakdown, cost_breakdowns()),
        (ProductSpecification, product_specifications()),
        (Measurement, measurements()),
        (QualityRecord, quality_records()),
        (InventoryLevel, inventory_levels()),
    ):
        st.register_type_strategy(model, strategy)


register()
