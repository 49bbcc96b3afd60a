"""quality-record-create and quality-records-list: inspections of lots, kept per tenant in the server's database."""

from __future__ import annotations

import base64
import binascii
import json
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Annotated, Any

from pydantic import AfterValidator, Field, model_validator

from sentia_server.domain.quality import (
    InspectedAt,
    InspectionResult,
    Inspector,
    LotNumber,
    Measurement,
    Measurements,
    Notes,
    QualityRecord,
    WorkOrder,
    refuse_overall_result,
)
from sentia_server.domain.values import Sku
from sentia_server.storage.quality_records import Position, QualityRecordFilter, StoredQualityRecord
from sentia_server.tools.context import ToolContext
from sentia_server.tools.manufacturing.common import group, quality_records
from sentia_server.tools.paging import PageInfo, fit_to_budget
from sentia_server.tools.registry import ToolInput, ToolOutput


class QualityRecordCreateInput(ToolInput):
    work_order: WorkOrder
    lot_number: LotNumber
    product_sku: Sku
    inspector: Inspector
    inspected_at: InspectedAt
    measurements: Measurements = Field(
        description="Each characteristic measured: nominal, tolerance (either side), unit and the values read. "
        "Results are derived from the values; do not send them."
    )
    notes: Notes = None

    @model_validator(mode="before")
    @classmethod
    def _no_overall_result(cls, data: Any) -> Any:
        return refuse_overall_result(data)


class MeasurementOut(ToolOutput):
    characteristic: str
    nominal: Decimal
    tolerance: Decimal
    unit: str
    values: list[Decimal]
    lower_limit: Decimal = Field(description="nominal - tolerance")
    upper_limit: Decimal = Field(description="nominal + tolerance")
    out_of_tolerance: int = Field(description="How many values lie outside the limits.")
    result: InspectionResult = Field(description="pass when every value lies within the limits (limits included).")


class QualityRecordOut(ToolOutput):
    id: str
    work_order: str
    lot_number: str
    product_sku: str
    inspector: str
    inspected_at: datetime
    measurements: list[MeasurementOut]
    overall_result: InspectionResult = Field(description="pass when every measurement passes.")
    notes: str | None
    created_by: str = Field(description="The caller who recorded the inspection.")
    created_at: datetime


def _out(stored: StoredQualityRecord) -> QualityRecordOut:
    record = stored.record
    return QualityRecordOut(
        id=stored.id,
        work_order=record.work_order,
        lot_number=record.lot_number,
        product_sku=record.product_sku,
        inspector=record.inspector,
        inspected_at=record.inspected_at,
        measurements=[_measurement_out(measurement) for measurement in record.measurements],
        overall_result=record.overall_result,
        notes=record.notes,
        created_by=stored.created_by,
        created_at=stored.created_at,
    )


def _measurement_out(measurement: Measurement) -> MeasurementOut:
    return MeasurementOut(
        characteristic=measurement.characteristic,
        nominal=measurement.nominal,
        tolerance=measurement.tolerance,
        unit=measurement.unit,
        values=measurement.values,
        lower_limit=measurement.lower_limit,
        upper_limit=measurement.upper_limit,
        out_of_tolerance=measurement.out_of_tolerance,
        result=measurement.result,
    )


@group.tool(
    "quality-record-create",
    title="Record a quality inspection",
    read_only=False,
    idempotent=False,
)
async def create_quality_record(params: QualityRecordCreateInput, ctx: ToolContext) -> QualityRecordOut:
    """Record the inspection of a lot: the work order, lot, product SKU, inspector, when it was inspected and each
    characteristic measured against nominal ± tolerance. Each measurement's result and the record's overall result
    are derived from the values (pass when every value lies within the limits) and returned with the stored
    record. Every call stores a new record."""
    record = QualityRecord.model_validate({name: getattr(params, name) for name in QualityRecord.model_fields})
    stored = await quality_records(ctx).add(ctx.principal.tenant, record, created_by=ctx.principal.subject)
    return _out(stored)


def encode_cursor(position: Position) -> str:
    text = json.dumps({"at": position.inspected_at.isoformat(), "id": position.id}, separators=(",", ":"))
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> Position:
    """The position a cursor of this tool names; ValueError for anything else."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        data = json.loads(base64.urlsafe_b64decode(padded.encode()))
        at = datetime.fromisoformat(data["at"])
        if at.tzinfo is None or not isinstance(data["id"], str):
            raise ValueError
        return Position(inspected_at=at.astimezone(UTC), id=data["id"])
    except (binascii.Error, UnicodeError, ValueError, KeyError, TypeError):
        raise ValueError("not a cursor this tool returned; leave it out to start from the first page") from None


def _check_cursor(cursor: str) -> str:
    decode_cursor(cursor)
    return cursor


def day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


class QualityRecordsListInput(ToolInput):
    work_order: WorkOrder | None = Field(default=None, description="Only records of this work order.")
    lot_number: LotNumber | None = Field(default=None, description="Only records of this lot.")
    product_sku: Sku | None = Field(default=None, description="Only records of this product SKU.")
    result: InspectionResult | None = Field(default=None, description="Only records with this overall result.")
    inspected_from: date | None = Field(default=None, description="First day (UTC) of inspections to include.")
    inspected_to: date | None = Field(default=None, description="Last day (UTC) of inspections to include.")
    page_size: int = Field(default=20, ge=1, le=100, description="Records per page (1-100).")
    cursor: Annotated[str, AfterValidator(_check_cursor)] | None = Field(
        default=None, max_length=500, description="page.next_cursor of the previous page; leave out for the first."
    )

    @model_validator(mode="after")
    def _ordered(self) -> QualityRecordsListInput:
        if self.inspected_from and self.inspected_to and self.inspected_from > self.inspected_to:
            raise ValueError(
                f"inspected_from ({self.inspected_from}) must not be after inspected_to ({self.inspected_to})"
            )
        return self

    def filters(self) -> QualityRecordFilter:
        return QualityRecordFilter(
            work_order=self.work_order,
            lot_number=self.lot_number,
            product_sku=self.product_sku,
            result=self.result,
            inspected_from=day_start(self.inspected_from) if self.inspected_from else None,
            inspected_before=day_start(self.inspected_to + timedelta(days=1)) if self.inspected_to else None,
        )


class MatchingRecords(ToolOutput):
    """Counts over every record matching the filters, not only this page."""

    total: int
    passed: int
    failed: int
    pass_rate: float | None = Field(description="passed / total, to 4 places; null when nothing matched.")


class QualityRecordPage(ToolOutput):
    records: list[QualityRecordOut] = Field(description="Newest inspection first.")
    matching: MatchingRecords
    page: PageInfo


@group.tool(
    "quality-records-list",
    title="List quality records",
    read_only=True,
)
async def list_quality_records(params: QualityRecordsListInput, ctx: ToolContext) -> QualityRecordPage:
    """List recorded inspections, newest first, filtered by work order, lot, product SKU, overall result and
    inspection dates, with how many matching records passed and failed. Pass page.next_cursor back as cursor for the
    next page."""
    repository = quality_records(ctx)
    where = params.filters()
    after = decode_cursor(params.cursor) if params.cursor else None
    stored, more = await repository.page(ctx.principal.tenant, where, after=after, limit=params.page_size)
    budget = ctx.runtime.settings.tool_response_budget_bytes
    found = [_out(item) for item in stored]
    records, reason = fit_to_budget(found, budget)
    if found and not records:  # one record larger than the budget: return it whole rather than none at all
        records = found[:1]
        reason = f"one record is larger than the {budget} byte response budget, so this page holds only that record"
    has_more = more or reason is not None
    last = records[-1] if records else None
    next_cursor = encode_cursor(Position(last.inspected_at, last.id)) if has_more and last else None
    counts = await repository.count_by_result(ctx.principal.tenant, where)
    passed, failed = counts[InspectionResult.PASSED], counts[InspectionResult.FAILED]
    total = passed + failed
    return QualityRecordPage(
        records=records,
        matching=MatchingRecords(
            total=total, passed=passed, failed=failed, pass_rate=round(passed / total, 4) if total else None
        ),
        page=PageInfo(
            returned=len(records),
            has_more=has_more,
            next_cursor=next_cursor,
            truncated=reason is not None,
            truncated_reason=reason,
        ),
    )
