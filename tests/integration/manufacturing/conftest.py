"""The manufacturing tools through an in-memory MCP client, on both database and cache backends."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date
from typing import Any

import pytest
from integration.manufacturing.helpers import registry
from integration.vendors.xero.helpers import Clock, configure
from mcp import MCPError
from mcp.types import CallToolResult

from sentia_server.auth.principal import Role
from sentia_server.runtime import Runtime
from sentia_testkit.simulators.xero import XeroSimulator

Call = Callable[..., Awaitable[CallToolResult]]
TODAY = date(2026, 11, 27)
UK = "Sentia Spirits Ltd"
US = "Sentia Spirits USA Inc."


@pytest.fixture
def call(connect: Any, principal: Any) -> Call:
    """`await call(tool, arguments, role=..., tenant=...)`: one tool call through a fresh MCP client session."""

    async def run(
        tool: str, arguments: dict[str, Any], *, role: Role = Role.OPERATOR, tenant: str = "acme"
    ) -> CallToolResult:
        async with connect(principal(role, tenant), registry=registry()) as client:
            try:
                return await client.call_tool(tool, arguments)
            except MCPError as error:  # raised again outside the session, which would wrap it in a group
                refused = error
        raise refused

    return run


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def simulator(clock: Clock) -> XeroSimulator:
    return XeroSimulator(today=TODAY, clock=clock)


@pytest.fixture
def xero(runtime: Runtime, simulator: XeroSimulator, clock: Clock) -> XeroSimulator:
    """The runtime's Xero client pointed at the in-process simulator (its waits move the clock)."""
    configure(runtime, simulator, clock)
    return simulator


@pytest.fixture
def uk(simulator: XeroSimulator) -> str:
    return simulator.tenant_named(UK).tenant_id
