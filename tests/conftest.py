"""Suite-wide conventions: each test's category marker comes from its top-level folder; async tests run on asyncio."""

from __future__ import annotations

from pathlib import Path

import pytest

CATEGORIES = ("unit", "integration", "e2e", "security", "performance")
_TESTS_DIR = Path(__file__).parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        relative = Path(item.path).resolve().relative_to(_TESTS_DIR)
        category = relative.parts[0] if len(relative.parts) > 1 else None
        if category not in CATEGORIES:
            raise pytest.UsageError(f"{item.nodeid}: tests live in one of tests/{{{','.join(CATEGORIES)}}}/")
        item.add_marker(getattr(pytest.mark, category))


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"
