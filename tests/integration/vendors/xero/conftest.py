"""The Xero tools against the in-process Xero simulator, through an in-memory MCP client."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date
from typing import Any

import pytest
from integration.vendors.xero.helpers import Clock, configure, registry
from mcp import MCPError
from mcp.types import CallToolResult

from sentia_server.auth.principal import Role
from sentia_testkit.simulators.xero import XeroSimulator

TODAY = date(2026, 11, 27)
UK = "Sentia Spirits Ltd"
US = "Sentia Spirits USA Inc."

Call = Callable[..., Awaitable[CallToolResult]]


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def simulator(clock: Clock) -> XeroSimulator:
    return XeroSimulator(today=TODAY, clock=clock)


@pytest.fixture
def xero(runtime: Any, simulator: XeroSimulator, clock: Clock) -> XeroSimulator:
    configure(runtime, simulator, clock)
    return simulator


@pytest.fixture
def uk(simulator: XeroSimulator) -> str:
    return simulator.tenant_named(UK).tenant_id


@pytest.fixture
def call(connect: Any, principal: Any, xero: XeroSimulator) -> Call:
    """`await call(tool, arguments, role=...)`: one tool call through a fresh MCP client session."""

    async def run(tool: str, arguments: dict[str, Any], *, role: Role = Role.ADMIN) -> CallToolResult:
        async with connect(principal(role), registry=registry()) as client:
            try:
                return await client.call_tool(tool, arguments)
            except MCPError as error:  # raised again outside the session, which would wrap it in a group
                refused = error
        raise refused

    return run
