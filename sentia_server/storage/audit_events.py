"""The audit trail of authentication and administrative actions, kept in `audit_events`.

Callers say who acted (a principal's subject, `cli:<user>` for a command, `anonymous` for a failed authentication),
what they did (one of the `Action` values), on what, and how it ended. Details are small maps of identifiers and
counts: never credentials, tokens or business data.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import select

from sentia_server.storage.database import Database
from sentia_server.storage.tables import AuditEvent, utcnow

ANONYMOUS = "anonymous"
MAX_RECENT = 1000


class Action(StrEnum):
    AUTH_FAILURE = "auth.failure"
    AUTH_LOCKOUT = "auth.lockout"
    API_KEY_CREATE = "api_key.create"
    API_KEY_ROTATE = "api_key.rotate"
    API_KEY_REVOKE = "api_key.revoke"
    ENCRYPTION_ROTATE = "encryption.rotate"
    XERO_CONNECT = "oauth.xero.connect"
    BACKUP_CREATE = "backup.create"
    BACKUP_RESTORE = "backup.restore"
    BACKUP_PRUNE = "backup.prune"


class Outcome(StrEnum):
    SUCCESS = "success"
    FAILURE = "failure"
    DENIED = "denied"
    PARTIAL = "partial"


@dataclass(frozen=True, slots=True)
class AuditRecord:
    action: Action
    outcome: Outcome
    actor: str
    target: str | None = None
    tenant: str | None = None
    client_address: str | None = None
    request_id: str | None = None
    detail: dict[str, Any] | None = field(default=None)


class AuditTrail:
    def __init__(self, database: Database) -> None:
        self._database = database

    async def record(self, entry: AuditRecord, *, occurred_at: datetime | None = None) -> None:
        values = asdict(entry)
        values["action"], values["outcome"] = entry.action.value, entry.outcome.value
        async with self._database.session() as session:
            session.add(AuditEvent(occurred_at=occurred_at or utcnow(), **values))

    async def recent(
        self,
        *,
        action: Action | str | None = None,
        actor: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        limit: int = 100,
    ) -> list[AuditEvent]:
        """The latest events, newest first, filtered by action, actor and a time range [since, until)."""
        query = select(AuditEvent).order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())
        if action is not None:
            query = query.where(AuditEvent.action == str(action))
        if actor is not None:
            query = query.where(AuditEvent.actor == actor)
        if since is not None:
            query = query.where(AuditEvent.occurred_at >= since)
        if until is not None:
            query = query.where(AuditEvent.occurred_at < until)
        async with self._database.session() as session:
            return list((await session.scalars(query.limit(max(1, min(limit, MAX_RECENT))))).all())
