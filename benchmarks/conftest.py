"""Fixtures of the server's benchmarks: settings isolated from the environment, and an open in-memory MCP session.

These are not part of the test suite (`testpaths` is `tests`): the benchmarks gate runs them (docs/gates.md), and
every one of them carries the `performance` marker.
"""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from anyio.from_thread import BlockingPortal, start_blocking_portal
from mcp import Client
from mcp.types import CallToolResult

from sentia_server.auth.principal import AuthMethod, Principal, Role
from sentia_server.config import Settings
from sentia_server.mcp import build_mcp_server
from sentia_server.runtime import Runtime, open_runtime

_HERE = Path(__file__).parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if Path(item.path).is_relative_to(_HERE):
            item.add_marker(pytest.mark.performance)


@pytest.fixture(scope="session")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """The embedded defaults with an in-memory SQLite database, so disk flushes add no noise to the timings.

    The per-caller rate limit is raised out of reach: a benchmark makes thousands of calls a minute, and the
    limiter's check is still measured on each of them.
    """
    return Settings(
        _env_file=None,
        data_dir=tmp_path_factory.mktemp("data"),
        database_url="sqlite:///:memory:",
        redis_url=None,
        jwt_secret=secrets.token_urlsafe(48),
        log_level="WARNING",
        rate_limit_per_principal="1000000/minute",
    )


@dataclass(frozen=True)
class McpSession:
    """An MCP client connected in memory to a running server, driven from synchronous benchmark code."""

    portal: BlockingPortal
    client: Client
    runtime: Runtime

    def call_tool(self, name: str, arguments: dict[str, Any]) -> CallToolResult:
        return self.portal.call(self.client.call_tool, name, arguments)


@asynccontextmanager
async def _connected(settings: Settings, caller: Principal) -> AsyncIterator[tuple[Client, Runtime]]:
    async def resolve() -> Principal:
        return caller

    async with open_runtime(settings) as runtime:
        server = build_mcp_server(runtime, transport="memory", resolve_principal=resolve)
        async with Client(server) as client:
            yield client, runtime


@pytest.fixture(scope="module")
def mcp_session(settings: Settings) -> Iterator[McpSession]:
    """The server's event loop runs in a thread of its own for the whole module; calls cross into it."""
    caller = Principal(subject="benchmark", role=Role.ADMIN, tenant="acme", auth_method=AuthMethod.API_KEY)
    with (
        start_blocking_portal(backend="asyncio") as portal,
        portal.wrap_async_context_manager(_connected(settings, caller)) as (client, runtime),
    ):
        yield McpSession(portal, client, runtime)
