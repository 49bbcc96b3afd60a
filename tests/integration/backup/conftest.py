"""Settings with an encryption key and backups in tmp_path."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from support.backup_data import KEYS

from sentia_server.config import Settings


@pytest.fixture
def backup_settings(make_settings: Callable[..., Settings], tmp_path: Path) -> Callable[..., Settings]:
    """`backup_settings(**overrides)`: settings with a key and backups in tmp_path/backups."""

    def build(**overrides: Any) -> Settings:
        overrides.setdefault("encryption_keys", KEYS)
        overrides.setdefault("backup", {"dir": tmp_path / "backups", "chunk_bytes": 64 * 1024})
        return make_settings(**overrides)

    return build
