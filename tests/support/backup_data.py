"""A database with rows in every table, and every row of every table read back, for backup round-trip tests."""

from __future__ import annotations

import base64
import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import insert, select, text

from sentia_server.config import async_database_url
from sentia_server.storage.database import Database
from sentia_server.storage.migrate import upgrade_to_head
from sentia_server.storage.tables import (
    AiUsage,
    ApiKey,
    AuditEvent,
    Base,
    QualityRecordRow,
    SecurityEvent,
    ToolExecution,
    VendorToken,
)

KEYS = "k1:" + base64.b64encode(bytes(range(32))).decode()
T0 = datetime(2026, 3, 1, 8, 30, tzinfo=UTC)


async def seed(url: str, executions: int = 300) -> None:
    """Migrate `url` and put rows in every table, including values that are easy to get wrong (JSON, decimals,
    time zones, NULLs, non-ASCII text)."""
    database = Database(async_database_url(url))
    try:
        await upgrade_to_head(database)
        async with database.session() as session:
            session.add_all(
                [
                    ApiKey(
                        id=f"key{n}",
                        key_hash="h" * 64,
                        name=f"clé {n}",
                        role="admin",
                        tenant="acme",
                        created_at=T0,
                        expires_at=T0 + timedelta(days=n) if n else None,
                    )
                    for n in range(3)
                ]
            )
            session.add(
                VendorToken(
                    vendor="xero",
                    account_key="client-1",
                    tenant="acme",
                    access_token="v1.k1.abc",
                    refresh_token=None,
                    key_id="k1",
                    expires_at=T0,
                    obtained_at=T0,
                    scope="a b",
                    version=3,
                )
            )
            session.add(
                AiUsage(
                    occurred_at=T0,
                    tenant="acme",
                    principal_subject="dana",
                    tool="openai-forecast",
                    provider="openai",
                    model="gpt",
                    input_tokens=120,
                    output_tokens=40,
                    cost_usd=Decimal("0.001234"),
                    outcome="success",
                )
            )
            session.add(
                QualityRecordRow(
                    id=str(uuid.UUID(int=7)),
                    tenant="acme",
                    work_order="WO-1",
                    lot_number="L-1",
                    product_sku="SKU",
                    inspector="ines",
                    inspected_at=T0,
                    measurements=[{"characteristic": "ø", "values": [1.5, 2.25]}],
                    overall_result="pass",
                    notes=None,
                    created_by="ines",
                )
            )
            session.add(
                AuditEvent(
                    occurred_at=T0,
                    actor="cli:root",
                    action="api_key.create",
                    outcome="success",
                    detail={"role": "admin", "nested": {"n": 1}},
                )
            )
            session.add(
                SecurityEvent(occurred_at=T0, event_type="sql_injection", severity="high", detail={"pattern": "union"})
            )
            await session.execute(
                insert(ToolExecution),
                [
                    {
                        "occurred_at": T0 + timedelta(seconds=n),
                        "request_id": f"req-{n}" if n % 3 else None,
                        "principal_subject": f"user-{n % 17}",
                        "principal_role": "operator",
                        "tenant": "acme" if n % 2 else "globex",
                        "auth_method": "api_key",
                        "transport": "http",
                        "tool": f"tool-{n % 40}",
                        "status": "success" if n % 5 else "vendor_error",
                        "duration_ms": n * 0.25,
                        "error_class": None if n % 5 else "VendorError",
                    }
                    for n in range(executions)
                ],
            )
    finally:
        await database.aclose()


async def all_rows(url: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table (and the migration revision), in primary-key order."""
    database = Database(async_database_url(url))
    try:
        rows: dict[str, list[tuple[Any, ...]]] = {}
        async with database.engine.connect() as connection:
            for table in Base.metadata.sorted_tables:
                query = select(table).order_by(*table.primary_key.columns)
                rows[table.name] = [tuple(row) for row in (await connection.execute(query)).all()]
            rows["alembic_version"] = [
                tuple(row) for row in (await connection.execute(text("SELECT * FROM alembic_version"))).all()
            ]
        return rows
    finally:
        await database.aclose()


class RecordingAudit:
    """Collects audit records in memory, for tests that check what was recorded."""

    def __init__(self) -> None:
        self.records: list[Any] = []

    async def record(self, entry: Any) -> None:
        self.records.append(entry)
