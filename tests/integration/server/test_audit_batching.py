"""Audit records of tool calls are written in batches off the request path, and none is lost on the way."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from contextlib import asynccontextmanager

import anyio
import pytest
from sqlalchemy import func, select
from structlog.testing import capture_logs

from sentia_server.runtime import open_runtime
from sentia_server.storage.audit import ToolExecutionLog, ToolExecutionRecord
from sentia_server.storage.database import Database
from sentia_server.storage.tables import ToolExecution

pytestmark = pytest.mark.anyio


def record(tool: str = "list-tools") -> ToolExecutionRecord:
    return ToolExecutionRecord(
        principal_subject="api-key:1",
        principal_role="viewer",
        tenant="acme",
        auth_method="api_key",
        transport="http",
        tool=tool,
        status="success",
        duration_ms=1.0,
    )


async def eventually(condition: Callable[[], Awaitable[bool]], *, seconds: float = 5.0) -> None:
    """Wait for the background flush: poll `condition` until it holds, failing after `seconds`."""
    for _ in range(int(seconds / 0.01)):
        if await condition():
            return
        await anyio.sleep(0.01)
    raise AssertionError(f"not true within {seconds:g} s")


async def stored(database: Database) -> int:
    async with database.session() as session:
        return int((await session.execute(select(func.count()).select_from(ToolExecution))).scalar_one())


class FailingSessions:
    """Stands in for `Database.session`: the first `failures` sessions fail as an unreachable database would."""

    def __init__(self, database: Database, failures: int) -> None:
        self.database, self.failures, self.session_of = database, failures, database.session

    @asynccontextmanager
    async def session(self):
        if self.failures:
            self.failures -= 1
            raise ConnectionError("database went away")
        async with self.session_of() as session:
            yield session


async def test_submitted_records_are_written_together_after_the_interval(database):
    log = ToolExecutionLog(database, flush_seconds=0.05)
    for index in range(3):
        await log.submit(record(f"tool-{index}"))
    assert (log.pending, await stored(database)) == (3, 0)  # the calls did not wait on the database

    async def written() -> bool:
        return await stored(database) == 3

    await eventually(written)
    assert log.pending == 0
    await log.aclose()


async def test_readers_in_the_process_see_queued_records(database):
    log = ToolExecutionLog(database, flush_seconds=60)
    await log.submit(record("first"))
    await log.submit(record("second"))
    assert [row.tool for row in await log.recent()] == ["second", "first"]
    await log.aclose()


async def test_a_full_queue_is_written_by_the_call_that_fills_it(database):
    log = ToolExecutionLog(database, flush_seconds=60, max_pending=3)
    await log.submit(record())
    await log.submit(record())
    assert log.pending == 2
    await log.submit(record())
    assert (log.pending, await stored(database)) == (0, 3)
    await log.aclose()


async def test_without_an_interval_each_record_is_written_before_submit_returns(database):
    log = ToolExecutionLog(database, flush_seconds=0)
    await log.submit(record())
    assert (log.pending, await stored(database)) == (0, 1)


async def test_a_failed_write_keeps_the_records_for_the_next_flush(database, monkeypatch):
    log = ToolExecutionLog(database, flush_seconds=60)
    monkeypatch.setattr(database, "session", FailingSessions(database, failures=1).session)
    await log.submit(record("kept"))
    with pytest.raises(ConnectionError, match="database went away"):
        await log.flush()
    assert log.pending == 1
    await log.flush()
    assert [row.tool for row in await log.recent()] == ["kept"]


async def test_a_failed_background_write_is_logged_and_retried_at_shutdown(database, monkeypatch):
    log = ToolExecutionLog(database, flush_seconds=0.01)
    monkeypatch.setattr(database, "session", FailingSessions(database, failures=1).session)
    with capture_logs() as logs:
        await log.submit(record())

        async def logged() -> bool:
            return bool(logs)

        await eventually(logged)
    assert logs == [
        {
            "event": "tool executions not written yet",
            "pending": 1,
            "error_type": "ConnectionError",
            "log_level": "error",
        }
    ]
    assert log.pending == 1
    await log.aclose()
    assert (log.pending, await stored(database)) == (0, 1)


async def test_an_outage_longer_than_the_queue_drops_the_overflow_and_says_so(database, monkeypatch):
    log = ToolExecutionLog(database, flush_seconds=60, max_pending=2)
    monkeypatch.setattr(database, "session", FailingSessions(database, failures=2).session)
    await log.submit(record("a"))
    with pytest.raises(ConnectionError):
        await log.submit(record("b"))  # fills the queue: written now, and the write fails
    assert log.pending == 2
    with capture_logs() as logs, pytest.raises(ConnectionError):
        await log.submit(record("c"))  # past the bound while the database is still down
    assert log.pending == 2
    assert logs == [{"event": "tool executions dropped: the queue is full", "dropped": 1, "log_level": "error"}]
    assert sorted(row.tool for row in await log.recent()) == ["a", "b"]


async def test_shutdown_cancels_the_pending_flush_and_writes_the_queue(database):
    log = ToolExecutionLog(database, flush_seconds=60)
    for _ in range(5):
        await log.submit(record())
    await log.aclose()
    assert (log.pending, await stored(database)) == (0, 5)


async def test_runtime_shutdown_writes_every_queued_call(backend_settings):
    settings = backend_settings.model_copy(update={"audit_flush_seconds": 10.0})
    async with open_runtime(settings) as runtime:
        for _ in range(25):
            await runtime.tool_log.submit(record())
        assert runtime.tool_log.pending == 25
    database = Database(settings.resolved_database_url)
    try:
        assert await stored(database) == 25
    finally:
        await database.aclose()


async def test_an_audit_outage_does_not_fail_the_call(principal, connect, runtime, monkeypatch):
    async def broken_submit(*args, **kwargs):
        raise ConnectionError("database went away")

    monkeypatch.setattr(runtime.tool_log, "submit", broken_submit)
    async with connect(principal()) as client:
        result = await client.call_tool("list-tools", {})
    assert not result.is_error


async def test_a_failed_write_at_shutdown_is_logged_and_the_runtime_still_closes(backend_settings, monkeypatch):
    async def broken_close():
        raise ConnectionError("database went away")

    with capture_logs() as logs:
        async with open_runtime(backend_settings) as runtime:
            monkeypatch.setattr(runtime.tool_log, "aclose", broken_close)
    assert {"event": "tool executions not written at shutdown", "error_type": "ConnectionError"}.items() <= logs[
        -1
    ].items()


class CountedSessions:
    """Stands in for `Database.session`: counts the sessions opened and holds each open until `release` is set."""

    def __init__(self, database: Database) -> None:
        self.session_of, self.opened, self.release = database.session, 0, anyio.Event()

    @asynccontextmanager
    async def session(self):
        self.opened += 1
        await self.release.wait()
        async with self.session_of() as session:
            yield session


@pytest.fixture
def held_writes(database, monkeypatch) -> tuple[ToolExecutionLog, CountedSessions]:
    """A log whose writes wait for `release`, counting the sessions they open."""
    sessions = CountedSessions(database)
    monkeypatch.setattr(database, "session", sessions.session)
    return ToolExecutionLog(database, flush_seconds=60), sessions


async def test_readers_waiting_on_a_write_that_covers_their_records_do_not_write_again(held_writes):
    log, sessions = held_writes
    await log.submit(record("before"))
    async with anyio.create_task_group() as readers:
        for _ in range(20):
            readers.start_soon(log.flush)
        await anyio.wait_all_tasks_blocked()
        for _ in range(20):  # calls keep coming while the readers queue behind the first write
            await log.submit(record("after"))
        sessions.release.set()
    # One write covered every reader; the records queued after them wait for the next batch.
    assert (sessions.opened, log.pending) == (1, 20)


async def test_a_record_queued_during_a_write_is_written_by_the_next_reader(held_writes, monkeypatch):
    log, sessions = held_writes
    await log.submit(record("first"))
    async with anyio.create_task_group() as readers:
        readers.start_soon(log.flush)
        await anyio.wait_all_tasks_blocked()
        await log.submit(record("during"))  # queued after the running write took its batch
        readers.start_soon(log.flush)
        await anyio.wait_all_tasks_blocked()
        sessions.release.set()
    assert (sessions.opened, log.pending) == (2, 0)
    monkeypatch.undo()
    assert sorted(row.tool for row in await log.recent()) == ["during", "first"]


async def test_shutdown_lets_a_background_write_in_progress_finish_instead_of_cutting_it_off(database, held_writes):
    _, sessions = held_writes
    log = ToolExecutionLog(database, flush_seconds=0.01)
    await log.submit(record("in flight"))
    for _ in range(500):  # the background write has opened its session and waits there
        if sessions.opened:
            break
        await anyio.sleep(0.01)
    async with anyio.create_task_group() as shutdown:
        shutdown.start_soon(log.aclose)
        await anyio.wait_all_tasks_blocked()
        sessions.release.set()
    # The cancelled background task's write went on to its commit; shutdown found nothing left to write.
    assert (sessions.opened, log.pending) == (1, 0)
