"""Apply and inspect Alembic migrations on a `Database`, from inside a running event loop."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import Column, MetaData, String, Table, select
from sqlalchemy.engine import Connection

from sentia_server.storage.database import Database

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def alembic_config(url: str | None = None) -> Config:
    """An Alembic configuration built in code, so no alembic.ini is needed at run time."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if url is not None:
        # ConfigParser treats % as interpolation; URL-encoded passwords contain it.
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def head_revision(config: Config | None = None) -> str:
    config = config or alembic_config()
    head = ScriptDirectory.from_config(config).get_current_head()
    if head is None:
        raise RuntimeError(f"no migrations found in {config.get_main_option('script_location')}")
    return head


VERSION_TABLE = Table("alembic_version", MetaData(), Column("version_num", String(32), primary_key=True))
"""Alembic's own record of the applied revision, declared once: `MigrationContext` declares a new table on every
call, so each readiness probe would compile (and cache) a new statement; this one is compiled once."""


async def current_revision(database: Database) -> str | None:
    """The revision the database is at, or None when no migration has been applied."""

    def read(connection: Connection) -> str | None:
        if not connection.dialect.has_table(connection, VERSION_TABLE.name):
            return None
        revision: str | None = connection.execute(select(VERSION_TABLE.c.version_num)).scalar_one_or_none()
        return revision

    async with database.engine.connect() as connection:
        return await connection.run_sync(read)


async def upgrade_to_head(database: Database) -> tuple[str | None, str]:
    """Apply every pending migration; returns the revisions before and after."""
    before = await current_revision(database)
    config = alembic_config(database.url)

    def upgrade(connection: Connection) -> None:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")

    async with database.engine.begin() as connection:
        await connection.run_sync(upgrade)
    return before, head_revision()
