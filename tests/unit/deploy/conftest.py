"""The external tools the deployment tests run, found or fetched once per session (see support/tools.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from support.tools import NGINX, PROMTOOL, find_tool


@pytest.fixture(scope="session")
def promtool() -> Path:
    return find_tool(PROMTOOL)


@pytest.fixture(scope="session")
def nginx() -> Path:
    return find_tool(NGINX)
