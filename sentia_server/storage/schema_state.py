"""Where the database schema stands against this version's migrations, for health reports.

Reading the migration scripts is slow (Alembic imports each one), so their revisions are read once per process;
each probe then costs one small query.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Literal

from alembic.script import ScriptDirectory

from sentia_server.storage.database import Database
from sentia_server.storage.migrate import alembic_config, current_revision, head_revision

SchemaStatus = Literal["current", "behind", "ahead"]


@dataclass(frozen=True, slots=True)
class SchemaState:
    """`behind`: migrations this version needs are missing; `ahead`: a newer version migrated the database."""

    current: str | None
    head: str

    @property
    def status(self) -> SchemaStatus:
        if self.current == self.head:
            return "current"
        return "behind" if self.current is None or self.current in known_revisions() else "ahead"


@cache
def known_revisions() -> frozenset[str]:
    """Every revision this version ships."""
    return frozenset(script.revision for script in _scripts().walk_revisions())


@cache
def shipped_head() -> str:
    return head_revision()


@cache
def _scripts() -> ScriptDirectory:
    return ScriptDirectory.from_config(alembic_config())


async def schema_state(database: Database) -> SchemaState:
    """The database's revision next to this version's head; raises when the database does not answer."""
    return SchemaState(current=await current_revision(database), head=shipped_head())
