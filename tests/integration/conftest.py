"""Server integration tests run twice: on the embedded defaults (SQLite + memory) and on PostgreSQL + Redis."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager

import pytest
from mcp import Client

from sentia_server.auth.principal import AuthMethod, Principal, Role
from sentia_server.config import Settings
from sentia_server.mcp import build_mcp_server
from sentia_server.runtime import Runtime, open_runtime
from sentia_server.tools.registry import ToolRegistry


@pytest.fixture(params=["embedded", "postgresql+redis"])
def backend_settings(request: pytest.FixtureRequest, make_settings: Callable[..., Settings]) -> Settings:
    if request.param == "embedded":
        return make_settings()
    return make_settings(
        database_url=request.getfixturevalue("postgres_url"),
        redis_url=request.getfixturevalue("redis_url"),
        cache_key_prefix=request.getfixturevalue("redis_key_prefix"),
        auto_migrate=True,
    )


@pytest.fixture
async def runtime(backend_settings: Settings) -> AsyncIterator[Runtime]:
    async with open_runtime(backend_settings) as opened:
        yield opened


@pytest.fixture
def principal() -> Callable[..., Principal]:
    """`principal(role, tenant)`: a caller for in-memory MCP clients."""

    def build(role: Role = Role.ADMIN, tenant: str = "acme", subject: str = "tester") -> Principal:
        return Principal(subject=subject, role=role, tenant=tenant, auth_method=AuthMethod.API_KEY)

    return build


McpConnector = Callable[..., AbstractAsyncContextManager[Client]]


@pytest.fixture
def connect(runtime: Runtime) -> McpConnector:
    """`async with connect(principal, registry=...) as client`: an in-memory MCP client of the server."""

    @asynccontextmanager
    async def open_client(caller: Principal | None, registry: ToolRegistry | None = None) -> AsyncIterator[Client]:
        async def resolve() -> Principal | None:
            return caller

        server = build_mcp_server(runtime, transport="memory", resolve_principal=resolve, registry=registry)
        async with Client(server) as client:
            yield client

    return open_client
