"""The Unleashed tools against the in-process Unleashed simulator, through an in-memory MCP client."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from integration.vendors.unleashed.helpers import configure, registry
from mcp import MCPError
from mcp.types import CallToolResult

from sentia_server.auth.principal import Role
from sentia_testkit.simulators.unleashed import UnleashedSimulator

Call = Callable[..., Awaitable[CallToolResult]]


@pytest.fixture
def simulator() -> UnleashedSimulator:
    return UnleashedSimulator()


@pytest.fixture
def unleashed(runtime: Any, simulator: UnleashedSimulator) -> UnleashedSimulator:
    configure(runtime, simulator)
    return simulator


@pytest.fixture
def call(connect: Any, principal: Any, unleashed: UnleashedSimulator) -> Call:
    """`await call(tool, arguments, role=...)`: one tool call through a fresh MCP client session."""

    async def run(tool: str, arguments: dict[str, Any], *, role: Role = Role.ADMIN) -> CallToolResult:
        async with connect(principal(role), registry=registry()) as client:
            try:
                return await client.call_tool(tool, arguments)
            except MCPError as error:  # raised again outside the session, which would wrap it in a group
                refused = error
        raise refused

    return run
