"""Suite-wide conventions: each test's category marker comes from its top-level folder; async tests run on asyncio."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import structlog

from sentia_server.config import Settings

CATEGORIES = ("unit", "integration", "e2e", "security", "performance")
_TESTS_DIR = Path(__file__).parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        relative = Path(item.path).resolve().relative_to(_TESTS_DIR)
        category = relative.parts[0] if len(relative.parts) > 1 else None
        if category not in CATEGORIES:
            raise pytest.UsageError(f"{item.nodeid}: tests live in one of tests/{{{','.join(CATEGORIES)}}}/")
        item.add_marker(getattr(pytest.mark, category))


@pytest.fixture(autouse=True)
def _loggers_never_cached(monkeypatch: pytest.MonkeyPatch) -> None:
    """`configure_logging` lets each module's logger cache its configuration on first use. A logger cached while one
    test had configured logging would keep that configuration for the rest of the run, and its events would no longer
    reach `structlog.testing.capture_logs`; so in tests, loggers are never cached."""
    configure = structlog.configure

    def uncached(**options: object) -> None:
        configure(**{**options, "cache_logger_on_first_use": False})  # type: ignore[arg-type]

    monkeypatch.setattr(structlog, "configure", uncached)


@pytest.fixture(autouse=True)
def _root_logger_restored() -> Iterator[None]:
    """A test that configures logging (directly, or through a CLI command run in process) changes the root logger's
    level and handler; later tests, such as those reading a command's exact stderr, must not inherit them."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def make_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[..., Settings]:
    """Settings isolated from the developer's environment and .env: data in tmp_path, overrides by keyword."""
    for name in list(os.environ):
        if name.startswith("SENTIA_") and not name.startswith(("SENTIA_TEST_", "SENTIA_REQUIRE_")):
            monkeypatch.delenv(name)

    def build(**overrides: object) -> Settings:
        overrides.setdefault("data_dir", tmp_path / "data")
        return Settings(_env_file=None, **overrides)

    return build
