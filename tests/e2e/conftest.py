"""End-to-end: the installed `sentia-server` command, on the embedded defaults and on PostgreSQL + Redis."""

from __future__ import annotations

from pathlib import Path

import pytest
from support.processes import run_cli, server_env


@pytest.fixture(params=["embedded", "postgresql+redis"])
def env(request: pytest.FixtureRequest, tmp_path: Path) -> dict[str, str]:
    if request.param == "embedded":
        return server_env(tmp_path / "data")
    env = server_env(
        tmp_path / "data",
        database_url=request.getfixturevalue("postgres_url"),
        redis_url=request.getfixturevalue("redis_url"),
        cache_key_prefix=request.getfixturevalue("redis_key_prefix"),
    )
    migrated = run_cli("migrate", env=env)
    assert migrated.returncode == 0, migrated.stderr
    return env


@pytest.fixture
def embedded_env(tmp_path: Path) -> dict[str, str]:
    return server_env(tmp_path / "data")
