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
    """Not migrated, unlike the shared fixture: these tests run the migrations themselves."""
    db = Database(backend_settings.resolved_database_url)
    yield db
    await db.aclose()


async def table_names(database: Database) -> set[str]:
    async with database.engine.connect() as connection:
        return set(await connection.run_sync(lambda sync: inspect(sync).get_table_names()))


async def test_reading_the_revision_compiles_one_statement_whatever_the_number_of_probes(database: Database):
    """Readiness probes read the revision every few seconds; each read must reuse one compiled statement rather than
    add an entry to SQLAlchemy's statement cache (which grew the server's memory by kilobytes a probe)."""
    await upgrade_to_head(database)
    assert await current_revision(database) == head_revision()
    compiled = database.engine.sync_engine._compiled_cache  # SQLAlchemy's per-engine LRU of compiled statements
    assert compiled is not None
    entries = len(compiled)
    for _ in range(20):
        assert await current_revision(database) == head_revision()
    assert len(compiled) == entries


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


def test_alembic_can_run_on_its_own_engine_and_write_offline_sql(backend_settings, tmp_path, capsys):
    """The path operators take with the alembic CLI: no shared connection, and `--sql` for a DBA to review."""
    backend_settings.data_dir.mkdir(parents=True, exist_ok=True)
    config = alembic_config(backend_settings.resolved_database_url)
    command.upgrade(config, "head", sql=True)
    offline_sql = capsys.readouterr().out
    assert "CREATE TABLE api_keys" in offline_sql
    assert "CREATE TABLE tool_executions" in offline_sql
    command.upgrade(config, "head")
    command.downgrade(config, "base")


def test_head_revision_without_migrations_is_an_error(tmp_path):
    (tmp_path / "versions").mkdir()
    (tmp_path / "env.py").write_text("")
    config = alembic_config()
    config.set_main_option("script_location", str(tmp_path))
    with pytest.raises(RuntimeError, match=f"no migrations found in {tmp_path}"):
        head_revision(config)


async def test_in_memory_sqlite_and_naive_datetimes(tmp_path):
    database = Database("sqlite+aiosqlite:///:memory:")
    try:
        assert await database.ping() >= 0
    finally:
        await database.aclose()
    from sentia_server.storage.tables import UTCDateTime

    with pytest.raises(ValueError, match="naive datetime given to a UTC column"):
        UTCDateTime().process_bind_param(datetime(2026, 1, 1), database.engine.dialect)


async def test_the_migrations_build_exactly_the_tables_the_models_describe(database: Database):
    """A model changed without a migration (or the reverse) shows up here, on both backends."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from sentia_server.storage.tables import Base

    await upgrade_to_head(database)

    def differences(connection):
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, Base.metadata)

    async with database.engine.connect() as connection:
        diff = await connection.run_sync(differences)
    assert diff == []
