"""The record of every model call an AI tool makes, written to `ai_usage`: tokens, cost, attempts and outcome."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import select

from sentia_server.storage.database import Database
from sentia_server.storage.tables import AiUsage, utcnow


@dataclass(frozen=True, slots=True)
class AiUsageRecord:
    """What is kept of one AI tool call. Prompts and answers are deliberately absent: they hold business data."""

    tenant: str
    principal_subject: str
    tool: str
    provider: str
    model: str
    input_tokens: int
    output_tokens: int
    cost_usd: Decimal
    attempts: int
    outcome: str
    request_id: str | None = None


class AiUsageRepository:
    def __init__(self, database: Database) -> None:
        self._database = database

    async def record(self, entry: AiUsageRecord, *, occurred_at: datetime | None = None) -> None:
        async with self._database.session() as session:
            session.add(AiUsage(occurred_at=occurred_at or utcnow(), **asdict(entry)))

    async def recent(self, *, tenant: str | None = None, limit: int = 100) -> list[AiUsage]:
        """The latest model calls, newest first, optionally of one tenant."""
        query = select(AiUsage).order_by(AiUsage.id.desc()).limit(limit)
        if tenant is not None:
            query = query.where(AiUsage.tenant == tenant)
        async with self._database.session() as session:
            return list((await session.scalars(query)).all())
