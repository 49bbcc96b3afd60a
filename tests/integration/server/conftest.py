"""Fixtures of the server's integration tests."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from sentia_server.config import Settings
from sentia_server.storage.database import Database
from sentia_server.storage.migrate import upgrade_to_head


@pytest.fixture
async def database(backend_settings: Settings) -> AsyncIterator[Database]:
    """The backend's database, migrated to the head revision."""
    db = Database(backend_settings.resolved_database_url)
    await upgrade_to_head(db)
    yield db
    await db.aclose()
