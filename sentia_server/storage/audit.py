"""The record of every tool call, written to `tool_executions`.

Calls hand their record to `ToolExecutionLog.submit`, which queues it and returns: a background flush writes the
queue in one transaction a short interval later, so no call waits on a database commit. The queue is bounded (a
call that finds it full writes the queue itself before returning), readers in this process flush before they read,
and `aclose` (the runtime's shutdown) writes whatever is still queued. A flush that finds its records already
written by another caller's flush returns at once, so readers arriving faster than a commit never queue up behind
one write each. Only a database outage long enough to fill the queue drops records, and the log says how many.
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass, fields
from datetime import datetime

import structlog
from sqlalchemy import select

from sentia_server.storage.bulk_insert import insert_rows
from sentia_server.storage.database import Database
from sentia_server.storage.tables import ToolExecution, utcnow

log = structlog.get_logger(__name__)

DEFAULT_FLUSH_SECONDS = 0.25
DEFAULT_MAX_PENDING = 5_000


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
    """Writes tool-call records, one at a time (`record`) or batched off the request path (`submit`)."""

    def __init__(
        self,
        database: Database,
        *,
        flush_seconds: float = DEFAULT_FLUSH_SECONDS,
        max_pending: int = DEFAULT_MAX_PENDING,
    ) -> None:
        self._database = database
        self._flush_seconds = flush_seconds
        self._max_pending = max_pending
        self._pending: list[tuple[int, ToolExecutionRecord, datetime]] = []
        self._submitted = 0
        """How many records were ever queued: each record's sequence number is the count when it was queued."""
        self._flusher: asyncio.Task[None] | None = None
        self._lock: asyncio.Lock | None = None

    @property
    def pending(self) -> int:
        """Records queued and not yet written."""
        return len(self._pending)

    async def record(self, entry: ToolExecutionRecord, *, occurred_at: datetime | None = None) -> None:
        """Write one record now, in its own transaction."""
        async with self._database.session() as session:
            session.add(_row(entry, occurred_at))

    async def submit(self, entry: ToolExecutionRecord) -> None:
        """Queue a record for the next batch. With batching off (interval 0) or a full queue, write before
        returning: the bound holds and nothing is dropped."""
        self._submitted += 1
        self._pending.append((self._submitted, entry, utcnow()))
        if self._flush_seconds <= 0 or len(self._pending) >= self._max_pending:
            await self.flush()
        elif self._flusher is None or self._flusher.done():
            self._flusher = asyncio.get_running_loop().create_task(self._flush_later())

    async def flush(self) -> None:
        """Write every queued record in one transaction. On failure the records stay queued for the next flush,
        and the error is raised to the caller; only a database outage long enough to overflow the bound drops
        records, and says so in the log."""
        queued_before = self._submitted
        if self._lock is None:
            self._lock = asyncio.Lock()
        async with self._lock:
            if not self._pending or self._pending[0][0] > queued_before:
                return  # what was queued before this call was written while it waited for the lock
            batch, self._pending = self._pending, []
            try:
                async with self._database.session() as session:
                    # Multi-row INSERTs, without the ORM's per-object bookkeeping: nothing reads these rows back.
                    rows = [_values(entry, when) for _, entry, when in batch]
                    await insert_rows(session, _TABLE, rows)
            except BaseException:
                kept = [*batch, *self._pending]
                self._pending = kept[: self._max_pending]
                if len(kept) > self._max_pending:
                    log.error("tool executions dropped: the queue is full", dropped=len(kept) - self._max_pending)
                raise

    async def aclose(self) -> None:
        """Stop the background flush and write what is still queued."""
        flusher, self._flusher = self._flusher, None
        if flusher is not None and not flusher.done():
            flusher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await flusher
        await self.flush()

    async def recent(self, *, tenant: str | None = None, limit: int = 100) -> list[ToolExecution]:
        """The latest calls, newest first, optionally of one tenant (queued records included)."""
        await self.flush()
        query = select(ToolExecution).order_by(ToolExecution.id.desc()).limit(limit)
        if tenant is not None:
            query = query.where(ToolExecution.tenant == tenant)
        async with self._database.session() as session:
            return list((await session.scalars(query)).all())

    async def _flush_later(self) -> None:
        await asyncio.sleep(self._flush_seconds)
        # Once started, a write runs to its commit even if shutdown cancels this task: a transaction cut off halfway
        # can hold SQLite's write lock until its connection is collected, and the final flush would wait for it.
        await asyncio.shield(self._flush_and_log())

    async def _flush_and_log(self) -> None:
        try:
            await self.flush()
        except Exception as error:  # kept queued; the next call's flush, a reader or shutdown retries
            log.error("tool executions not written yet", pending=len(self._pending), error_type=type(error).__name__)


_TABLE = ToolExecution.metadata.tables[ToolExecution.__tablename__]
_RECORD_FIELDS = tuple(field.name for field in fields(ToolExecutionRecord))


def _values(entry: ToolExecutionRecord, occurred_at: datetime | None) -> dict[str, object]:
    values: dict[str, object] = {name: getattr(entry, name) for name in _RECORD_FIELDS}
    values["occurred_at"] = occurred_at or utcnow()
    return values


def _row(entry: ToolExecutionRecord, occurred_at: datetime | None) -> ToolExecution:
    return ToolExecution(**_values(entry, occurred_at))
