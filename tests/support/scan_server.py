"""Our MCP server as a scan target by import path (`support.scan_server:server`): an admin caller, embedded SQLite
in `SENTIA_SCAN_DATA_DIR` (or a temporary directory), rate limits out of the way, opened and closed around the scan."""

from __future__ import annotations

import os
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from mcp.server.mcpserver import MCPServer

from sentia_server.auth.principal import AuthMethod, Principal, Role
from sentia_server.config import Settings
from sentia_server.mcp import build_mcp_server
from sentia_server.runtime import open_runtime

# A scan calls every tool many times a minute: limits high enough that answers come from the tools themselves.
SCAN_RATE = "100000/minute"
ADMIN = Principal(subject="scanner", role=Role.ADMIN, tenant="acme", auth_method=AuthMethod.API_KEY)


async def _admin() -> Principal | None:
    return ADMIN


@asynccontextmanager
async def server() -> AsyncIterator[MCPServer]:
    with tempfile.TemporaryDirectory() as fallback:
        data_dir = Path(os.environ.get("SENTIA_SCAN_DATA_DIR") or fallback)
        settings = Settings(
            _env_file=None,
            data_dir=data_dir,
            rate_limit_per_principal=SCAN_RATE,
            rate_limit_ai_tools=SCAN_RATE,
            rate_limit_write_tools=SCAN_RATE,
        )
        async with open_runtime(settings) as runtime:
            yield build_mcp_server(runtime, transport="memory", resolve_principal=_admin)
