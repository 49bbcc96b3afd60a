"""Quality records in `quality_records`, one tenant's at a time.

A record is stored as recorded (measurements as JSON, decimals as their exact text) with its derived overall result
in a column so that lists can filter on it; reading a record back builds the domain model again, which derives every
result from the values. Lists are read newest inspection first and continue after a position (keyset paging), so
records added while someone pages do not shift the pages.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, func, or_, select

from sentia_server.domain.quality import InspectionResult, QualityRecord
from sentia_server.storage.database import Database
from sentia_server.storage.tables import QualityRecordRow, utcnow


@dataclass(frozen=True, slots=True)
class StoredQualityRecord:
    id: str
    record: QualityRecord
    created_by: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class QualityRecordFilter:
    """Which records to list; every criterion given must match. `inspected_from` is inclusive, `inspected_before`
    exclusive."""

    work_order: str | None = None
    lot_number: str | None = None
    product_sku: str | None = None
    result: InspectionResult | None = None
    inspected_from: datetime | None = None
    inspected_before: datetime | None = None

    def conditions(self, tenant: str) -> list[ColumnElement[bool]]:
        conditions = [QualityRecordRow.tenant == tenant]
        if self.work_order is not None:
            conditions.append(QualityRecordRow.work_order == self.work_order)
        if self.lot_number is not None:
            conditions.append(QualityRecordRow.lot_number == self.lot_number)
        if self.product_sku is not None:
            conditions.append(QualityRecordRow.product_sku == self.product_sku)
        if self.result is not None:
            conditions.append(QualityRecordRow.overall_result == self.result.value)
        if self.inspected_from is not None:
            conditions.append(QualityRecordRow.inspected_at >= self.inspected_from)
        if self.inspected_before is not None:
            conditions.append(QualityRecordRow.inspected_at < self.inspected_before)
        return conditions


@dataclass(frozen=True, slots=True)
class Position:
    """Where a page ended: the last record's inspection time and id. The next page starts after it."""

    inspected_at: datetime
    id: str


class QualityRecordRepository:
    def __init__(self, database: Database) -> None:
        self._database = database

    async def add(self, tenant: str, record: QualityRecord, *, created_by: str) -> StoredQualityRecord:
        recorded = record.as_recorded()
        row = QualityRecordRow(
            id=str(uuid.uuid4()),
            tenant=tenant,
            work_order=record.work_order,
            lot_number=record.lot_number,
            product_sku=record.product_sku,
            inspector=record.inspector,
            inspected_at=record.inspected_at,
            measurements=recorded["measurements"],
            overall_result=record.overall_result.value,
            notes=record.notes,
            created_by=created_by,
            created_at=utcnow(),
        )
        async with self._database.session() as session:
            session.add(row)
        return _stored(row)

    async def page(
        self, tenant: str, where: QualityRecordFilter, *, after: Position | None, limit: int
    ) -> tuple[list[StoredQualityRecord], bool]:
        """Up to `limit` records after `after`, newest inspection first; and whether more follow."""
        conditions = where.conditions(tenant)
        if after is not None:
            conditions.append(
                or_(
                    QualityRecordRow.inspected_at < after.inspected_at,
                    and_(QualityRecordRow.inspected_at == after.inspected_at, QualityRecordRow.id < after.id),
                )
            )
        query = (
            select(QualityRecordRow)
            .where(*conditions)
            .order_by(QualityRecordRow.inspected_at.desc(), QualityRecordRow.id.desc())
            .limit(limit + 1)
        )
        async with self._database.session() as session:
            rows = list((await session.scalars(query)).all())
        return [_stored(row) for row in rows[:limit]], len(rows) > limit

    async def count_by_result(self, tenant: str, where: QualityRecordFilter) -> dict[InspectionResult, int]:
        """How many records match `where`, by overall result."""
        query = (
            select(QualityRecordRow.overall_result, func.count())
            .where(*where.conditions(tenant))
            .group_by(QualityRecordRow.overall_result)
        )
        async with self._database.session() as session:
            counted: dict[str, int] = dict((await session.execute(query)).all())
        return {result: counted.get(result.value, 0) for result in InspectionResult}


def _stored(row: QualityRecordRow) -> StoredQualityRecord:
    recorded: dict[str, Any] = {
        "work_order": row.work_order,
        "lot_number": row.lot_number,
        "product_sku": row.product_sku,
        "inspector": row.inspector,
        "inspected_at": row.inspected_at,
        "measurements": row.measurements,
        "notes": row.notes,
    }
    return StoredQualityRecord(
        id=row.id, record=QualityRecord.model_validate(recorded), created_by=row.created_by, created_at=row.created_at
    )
