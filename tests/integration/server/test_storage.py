from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

import pytest
from alembic import command
from sqlalchemy import inspect

from sentia_server.runtime import StartupError, prepare_database
from sentia_server.storage.audit import ToolExecutionLog, ToolExecutionRecord
from sentia_server.storage.database import Database
from sentia_server.storage.migrate import alembic_config, current_revision, head_revision, upgrade_to_head

pytestmark = pytest.mark.anyio


@pytest.fixture
async def database(backend_settings):
    db = Database(backend_settings.resolved_database_url)
    yield db
    await db.aclose()


async def table_names(database: Database) -> set[str]:
    async with database.engine.connect() as connection:
        return set(await connection.run_sync(lambda sync: inspect(sync).get_table_names()))


async def test_migrations_create_the_tables_and_can_be_reverted(database: Database):
    assert await current_revision(database) is None
    before, after = await upgrade_to_head(database)
    assert (before, after) == (None, head_revision())
    assert {"api_keys", "tool_executions", "alembic_version"} <= await table_names(database)
    assert await upgrade_to_head(database) == (head_revision(), head_revision())

    config = alembic_config(database.url)

    def downgrade(connection):
        config.attributes["connection"] = connection
        command.downgrade(config, "base")

    async with database.engine.begin() as connection:
        await connection.run_sync(downgrade)
    assert await table_names(database) <= {"alembic_version"}


async def test_start_refuses_an_unmigrated_database_when_auto_migrate_is_off(database: Database, backend_settings):
    settings = backend_settings.model_copy(update={"auto_migrate": False})
    with pytest.raises(
        StartupError, match=r"is at migration none but this version needs \w+: run `sentia-server migrate`"
    ):
        await prepare_database(database, settings)
    await prepare_database(database, settings.model_copy(update={"auto_migrate": True}))
    await prepare_database(database, settings)  # now up to date: starts


async def test_tool_executions_are_recorded_with_utc_times(database: Database):
    await upgrade_to_head(database)
    log = ToolExecutionLog(database)
    record = ToolExecutionRecord(
        principal_subject="api-key:1",
        principal_role="viewer",
        tenant="acme",
        auth_method="api_key",
        transport="http",
        tool="list-tools",
        status="success",
        duration_ms=1.5,
        request_id="r1",
    )
    await log.record(record)
    await log.record(dataclasses.replace(record, tenant="other", status="denied"))
    rows = await log.recent(tenant="acme")
    assert [(row.tool, row.status, row.tenant, row.request_id) for row in rows] == [
        ("list-tools", "success", "acme", "r1")
    ]
    assert rows[0].occurred_at.tzinfo is not None
    assert abs((datetime.now(UTC) - rows[0].occurred_at).total_seconds()) < 60
    assert [row.tenant for row in await log.recent()] == ["other", "acme"]
