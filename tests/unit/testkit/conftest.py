"""Shared fakes for the service-resolution tests: no environment variables, no Docker, no local binaries."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from sentia_testkit.services import containers, postgres, redis

NO_DOCKER = "faked: no Docker engine"


@pytest.fixture
def no_services(monkeypatch: pytest.MonkeyPatch) -> None:
    """A machine with nothing: every source reports itself unavailable, and nothing real is probed."""
    for name in (postgres.ENV, redis.ENV, "SENTIA_REQUIRE_SERVICES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(containers, "unreachable_reason", lambda timeout=1.0: NO_DOCKER)
    monkeypatch.setattr(postgres, "find_binaries", lambda: None)
    monkeypatch.setattr(redis, "find_redis_server", lambda: None)


@pytest.fixture
def socket_dir() -> Iterator[Path]:
    """A short directory for unix sockets (their paths are limited to ~100 bytes, too few for tmp_path)."""
    with tempfile.TemporaryDirectory(prefix="sd-", dir="/tmp") as path:
        yield Path(path)
