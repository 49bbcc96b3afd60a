"""Security events (suspected attacks and abuse), written to `security_events` and counted by severity."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from sentia_server.storage.database import Database
from sentia_server.storage.tables import SecurityEvent, utcnow


@dataclass(frozen=True, slots=True)
class SecurityEventRecord:
    """What is kept of an event: the kind of match and where, never the matched value itself."""

    event_type: str
    severity: str
    principal_subject: str | None = None
    tenant: str | None = None
    tool: str | None = None
    location: str | None = None
    client_address: str | None = None
    request_id: str | None = None
    detail: dict[str, Any] | None = None


class SecurityEventStore:
    def __init__(self, database: Database) -> None:
        self._database = database

    async def record(self, entry: SecurityEventRecord, *, occurred_at: datetime | None = None) -> None:
        async with self._database.session() as session:
            session.add(SecurityEvent(occurred_at=occurred_at or utcnow(), **asdict(entry)))

    async def severity_counts(self, since: datetime) -> dict[str, int]:
        """How many events of each severity occurred at or after `since`, across all replicas."""
        query = (
            select(SecurityEvent.severity, func.count())
            .where(SecurityEvent.occurred_at >= since)
            .group_by(SecurityEvent.severity)
        )
        async with self._database.session() as session:
            rows = (await session.execute(query)).all()
        return {str(severity): int(count) for severity, count in rows}

    async def recent(self, *, event_type: str | None = None, limit: int = 100) -> list[SecurityEvent]:
        """The latest events, newest first, optionally of one type."""
        query = select(SecurityEvent).order_by(SecurityEvent.id.desc()).limit(limit)
        if event_type is not None:
            query = query.where(SecurityEvent.event_type == event_type)
        async with self._database.session() as session:
            return list((await session.scalars(query)).all())
