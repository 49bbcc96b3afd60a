"""The value types the domain models share, each with the rule it enforces and a message that names that rule.

Numbers are exact decimals. A JSON number arrives in Python as a float, so a float is read through its shortest
decimal text (12.5 -> Decimal("12.5"), never 12.4999...), which is the number its sender wrote.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any

from pydantic import AfterValidator, BeforeValidator, Field, computed_field

SKU_PATTERN = r"^[A-Z0-9]+(?:-[A-Z0-9]+)*$"
SKU_MAX_LENGTH = 64
REFERENCE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._/-]*$"
REFERENCE_MAX_LENGTH = 64
CLOCK_SKEW = timedelta(minutes=5)
"""How far ahead of this machine's clock a timestamp may be before it counts as "in the future"."""

_SKU = re.compile(SKU_PATTERN)
_REFERENCE = re.compile(REFERENCE_PATTERN)

if TYPE_CHECKING:
    derived = property
else:

    def derived(function: Callable[[Any], Any]) -> Any:
        """A value computed from the model's fields: serialised with them, never accepted as input."""
        return computed_field(property(function))


def _exact(value: object) -> object:
    if isinstance(value, bool):
        raise ValueError("a number is expected, not true or false")
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError("a number must be finite (not NaN or infinity)")
        return Decimal(repr(value))
    return value


ExactDecimal = Annotated[Decimal, BeforeValidator(_exact), Field(allow_inf_nan=False)]
"""A finite decimal number; a float is taken as the decimal its shortest text shows."""


def non_negative(what: str) -> AfterValidator:
    """The rule "0 or more" for an exact decimal; `what` names it in the error."""

    def check(value: Decimal) -> Decimal:
        if value < 0:
            raise ValueError(f"{what} must be 0 or more, not {value}")
        return value

    return AfterValidator(check)


def positive(what: str) -> AfterValidator:
    """The rule "above 0" for an exact decimal; `what` names it in the error."""

    def check(value: Decimal) -> Decimal:
        if value <= 0:
            raise ValueError(f"{what} must be above 0, not {value}")
        return value

    return AfterValidator(check)


def _check_sku(value: str) -> str:
    value = value.strip()
    if len(value) > SKU_MAX_LENGTH or not _SKU.match(value):
        raise ValueError(
            f"SKU {value!r} must be upper-case letters and digits in groups joined by single hyphens "
            f"(e.g. SEN-GIN-70), at most {SKU_MAX_LENGTH} characters"
        )
    return value


Sku = Annotated[
    str,
    AfterValidator(_check_sku),
    Field(
        description="Stock keeping unit: upper-case letters and digits in groups joined by hyphens, e.g. SEN-GIN-70.",
        json_schema_extra={"pattern": SKU_PATTERN, "maxLength": SKU_MAX_LENGTH},
    ),
]
REFERENCE_SCHEMA: dict[str, Any] = {"pattern": REFERENCE_PATTERN, "maxLength": REFERENCE_MAX_LENGTH}


def reference(what: str) -> AfterValidator:
    """The rule for identifiers such as order, work order and lot numbers; `what` names it in the error.
    Pair it with `Field(json_schema_extra=REFERENCE_SCHEMA)`."""

    def check(value: str) -> str:
        value = value.strip()
        if len(value) > REFERENCE_MAX_LENGTH or not _REFERENCE.match(value):
            raise ValueError(
                f"{what} {value!r} must be 1-{REFERENCE_MAX_LENGTH} letters, digits, '.', '_', '/' or '-', "
                "starting with a letter or digit"
            )
        return value

    return AfterValidator(check)


def text(what: str, max_length: int) -> AfterValidator:
    """The rule "not blank, at most `max_length` characters once trimmed". Pair it with `text_schema(max_length)`."""

    def check(value: str) -> str:
        value = value.strip()
        if not value:
            raise ValueError(f"{what} must not be blank")
        if len(value) > max_length:
            raise ValueError(f"{what} must be at most {max_length} characters, not {len(value)}")
        return value

    return AfterValidator(check)


def text_schema(max_length: int) -> dict[str, Any]:
    return {"minLength": 1, "maxLength": max_length}


def _check_past(value: datetime) -> datetime:
    if value.tzinfo is None:
        raise ValueError(f"{value.isoformat()} must carry a time zone, e.g. 2026-11-27T14:30:00Z")
    value = value.astimezone(UTC)
    if value > datetime.now(UTC) + CLOCK_SKEW:
        raise ValueError(f"{value.isoformat()} is in the future; a record describes something that has happened")
    return value


PastInstant = Annotated[datetime, AfterValidator(_check_past)]
"""A moment that has already happened, with a time zone; kept in UTC."""


def distinct(what: str, key: Callable[[Any], str]) -> AfterValidator:
    """The rule "no two items share `key`" for a list; `what` names the items in the error."""

    def check(items: Sequence[Any]) -> Sequence[Any]:
        seen: set[str] = set()
        repeated: set[str] = set()
        for item in items:
            name = key(item)
            (repeated if name in seen else seen).add(name)
        if repeated:
            raise ValueError(f"each {what} appears once; repeated: {', '.join(sorted(repeated))}")
        return items

    return AfterValidator(check)


def at_least_one(message: str) -> AfterValidator:
    """The rule "not empty" for a list, with `message` as its error; pair it with
    `json_schema_extra={"minItems": 1}`."""

    def check(items: Sequence[Any]) -> Sequence[Any]:
        if not items:
            raise ValueError(message)
        return items

    return AfterValidator(check)
