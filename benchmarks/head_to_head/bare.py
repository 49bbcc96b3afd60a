"""The reference server: the MCP SDK's `MCPServer` with one `echo` tool and nothing else, in the same transport mode
as Sentia (Streamable HTTP, stateless, JSON responses).

The tool is a coroutine by default, like Sentia's tools. The SDK runs a plain function in a worker thread, a hop per
call that costs it about a third of its throughput; `sync_app` serves such an echo, to show that difference."""

from __future__ import annotations

from mcp.server.mcpserver import MCPServer
from starlette.applications import Starlette


def build_bare_app(*, coroutine: bool = True) -> Starlette:
    """An ASGI app serving one `echo` tool at /mcp."""
    # WARNING: the SDK otherwise logs every stateless request through rich, which would handicap the reference.
    server = MCPServer("bare-echo", log_level="WARNING")

    if coroutine:

        @server.tool()
        async def echo(text: str) -> str:
            """Return the text unchanged."""
            return text

    else:

        @server.tool(name="echo")
        def echo_in_thread(text: str) -> str:
            """Return the text unchanged."""
            return text

    return server.streamable_http_app(stateless_http=True, json_response=True)


app = build_bare_app()
sync_app = build_bare_app(coroutine=False)
