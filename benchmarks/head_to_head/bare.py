"""The reference server: the MCP SDK's `MCPServer` with one `echo` tool and nothing else, in the same transport mode
as Sentia (Streamable HTTP, stateless, JSON responses)."""

from __future__ import annotations

from mcp.server.mcpserver import MCPServer
from starlette.applications import Starlette


def build_bare_app() -> Starlette:
    """An ASGI app serving one `echo` tool at /mcp."""
    # WARNING: the SDK otherwise logs every stateless request through rich, which would handicap the reference.
    server = MCPServer("bare-echo", log_level="WARNING")

    @server.tool()
    def echo(text: str) -> str:
        """Return the text unchanged."""
        return text

    return server.streamable_http_app(stateless_http=True, json_response=True)


app = build_bare_app()
