"""MCP clients for tests and the scanner: any server object in memory, a stdio command, or a URL with headers."""

from sentia_testkit.mcp.connect import (
    Target,
    TargetError,
    http_client,
    open_client,
    parse_header,
    parse_target,
    server_client,
    stdio_client,
)

__all__ = [
    "Target",
    "TargetError",
    "http_client",
    "open_client",
    "parse_header",
    "parse_target",
    "server_client",
    "stdio_client",
]
