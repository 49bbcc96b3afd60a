"""The record of every tool call, written to `tool_executions`."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime

from sqlalchemy import select

from sentia_server.storage.database import Database
from sentia_server.storage.tables import ToolExecution, utcnow


@dataclass(frozen=True, slots=True)
class ToolExecutionRecord:
    """What is kept of a tool call. Arguments and results are deliberately absent: they may hold business data."""

    principal_subject: str
    principal_role: str
    tenant: str
    auth_method: str
    transport: str
    tool: str
    status: str
    duration_ms: float
    error_class: str | None = None
    request_id: str | None = None


class ToolExecutionLog:
    def __init__(self, database: Database) -> None:
        self._database = database

    async def record(self, entry: ToolExecutionRecord, *, occurred_at: datetime | None = None) -> None:
        async with self._database.session() as session:
            session.add(ToolExecution(occurred_at=occurred_at or utcnow(), **asdict(entry)))

    async def recent(self, *, tenant: str | None = None, limit: int = 100) -> list[ToolExecution]:
        """The latest calls, newest first, optionally of one tenant."""
        query = select(ToolExecution).order_by(ToolExecution.id.desc()).limit(limit)
        if tenant is not None:
            query = query.where(ToolExecution.tenant == tenant)
        async with self._database.session() as session:
            return list((await session.scalars(query)).all())
