"""A quality record: the inspection of one lot of a work order against its specification.

Each measurement states its nominal value, the tolerance allowed either side and the values measured. Whether a
measurement passed, and whether the record passed, are derived from those values; they are never typed in, so a
record cannot claim a pass its numbers do not support.
"""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from sentia_server.domain.values import (
    REFERENCE_SCHEMA,
    ExactDecimal,
    PastInstant,
    Sku,
    at_least_one,
    derived,
    distinct,
    positive,
    reference,
    text,
    text_schema,
)

MAX_MEASUREMENTS = 50
MAX_VALUES = 100


class InspectionResult(StrEnum):
    PASSED = "pass"
    FAILED = "fail"


def _refuse_derived(data: Any, fields: tuple[str, ...], source: str) -> Any:
    """`data` unchanged, unless it gives one of the derived `fields`: then a ValueError saying where they come from."""
    if isinstance(data, dict):
        given = [name for name in fields if name in data]
        if given:
            raise ValueError(f"{' and '.join(given)} cannot be given: derived from {source}")
    return data


Characteristic = Annotated[
    str,
    text("characteristic", 100),
    Field(
        description="What was measured, e.g. 'alcohol by volume' or 'fill volume'.", json_schema_extra=text_schema(100)
    ),
]
Unit = Annotated[
    str,
    text("unit", 20),
    Field(description="Unit of the values, e.g. '% ABV', 'ml', 'pH'.", json_schema_extra=text_schema(20)),
]
Tolerance = Annotated[
    ExactDecimal,
    positive("tolerance"),
    Field(description="Allowed deviation either side of nominal; above 0.", json_schema_extra={"exclusiveMinimum": 0}),
]
MeasuredValues = Annotated[
    list[ExactDecimal],
    at_least_one("a measurement needs at least one measured value"),
    Field(max_length=MAX_VALUES, json_schema_extra={"minItems": 1}, description="The readings taken."),
]


class Measurement(BaseModel):
    """One characteristic measured against nominal ± tolerance. Its result is derived: pass when every value lies
    within the limits (limits included)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    characteristic: Characteristic
    nominal: ExactDecimal = Field(description="The specified value.")
    tolerance: Tolerance
    unit: Unit
    values: MeasuredValues

    @model_validator(mode="before")
    @classmethod
    def _no_result(cls, data: Any) -> Any:
        derived_fields = ("result", "lower_limit", "upper_limit", "out_of_tolerance")
        return _refuse_derived(data, derived_fields, "the measured values against nominal ± tolerance")

    @derived
    def lower_limit(self) -> Decimal:
        """nominal - tolerance."""
        return self.nominal - self.tolerance

    @derived
    def upper_limit(self) -> Decimal:
        """nominal + tolerance."""
        return self.nominal + self.tolerance

    @derived
    def out_of_tolerance(self) -> int:
        """How many values lie outside the limits."""
        return sum(1 for value in self.values if not self.lower_limit <= value <= self.upper_limit)

    @derived
    def result(self) -> InspectionResult:
        """pass when every value lies within the limits, otherwise fail."""
        return InspectionResult.FAILED if self.out_of_tolerance else InspectionResult.PASSED


WorkOrder = Annotated[
    str,
    reference("work order"),
    Field(description="The work order inspected, e.g. WO-2026-0117.", json_schema_extra=REFERENCE_SCHEMA),
]
LotNumber = Annotated[
    str,
    reference("lot number"),
    Field(description="The lot inspected, e.g. LOT-20261127-001.", json_schema_extra=REFERENCE_SCHEMA),
]
Inspector = Annotated[
    str, text("inspector", 100), Field(description="Who inspected the lot.", json_schema_extra=text_schema(100))
]
InspectedAt = Annotated[
    PastInstant, Field(description="When the lot was inspected (ISO 8601 with a time zone); not in the future.")
]
Measurements = Annotated[
    list[Measurement],
    at_least_one("a quality record needs at least one measurement"),
    distinct("characteristic", lambda measurement: measurement.characteristic.casefold()),
    Field(max_length=MAX_MEASUREMENTS, json_schema_extra={"minItems": 1}),
]
Notes = Annotated[str | None, Field(default=None, max_length=2000, description="Free-text remarks.")]


def refuse_overall_result(data: Any) -> Any:
    """A before-validator for models shaped like a quality record: the overall result is never input."""
    return _refuse_derived(data, ("overall_result",), "the results of the measurements")


class QualityRecord(BaseModel):
    """The inspection of one lot. The overall result is derived: pass when every measurement passes."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    work_order: WorkOrder
    lot_number: LotNumber
    product_sku: Sku
    inspector: Inspector
    inspected_at: InspectedAt
    measurements: Measurements
    notes: Notes = None

    @model_validator(mode="before")
    @classmethod
    def _no_overall_result(cls, data: Any) -> Any:
        return refuse_overall_result(data)

    @derived
    def overall_result(self) -> InspectionResult:
        """pass when every measurement passes, otherwise fail."""
        failed = any(measurement.result is InspectionResult.FAILED for measurement in self.measurements)
        return InspectionResult.FAILED if failed else InspectionResult.PASSED

    def as_recorded(self) -> dict[str, Any]:
        """The recorded fields without the derived ones, as JSON values: what is stored, and what
        `QualityRecord.model_validate` accepts to derive the results again."""
        measurement_fields = set(Measurement.model_fields)
        recorded: dict[str, Any] = self.model_dump(mode="json", include=set(QualityRecord.model_fields))
        recorded["measurements"] = [
            {name: value for name, value in measurement.items() if name in measurement_fields}
            for measurement in recorded["measurements"]
        ]
        return recorded
