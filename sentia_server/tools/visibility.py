"""What `tools/list` shows: each caller sees only the tools its role may call.

An assistant offered a tool tends to try it; offering only callable tools keeps its choices real and its context small.
This is not a secrecy boundary: the full catalogue (with a `callable` flag per tool) is what the `list-tools` tool
returns, and calling a tool the role may not call is refused with the permission it needs, never as "unknown tool".
"""

from __future__ import annotations

from typing import Any

from mcp.server.context import CallNext, HandlerResult, ServerRequestContext

from sentia_server.auth.permissions import is_allowed
from sentia_server.tools.errors import Unauthenticated
from sentia_server.tools.executor import PrincipalResolver
from sentia_server.tools.registry import ToolRegistry

LIST_TOOLS = "tools/list"


class CallableToolsOnly:
    """MCP server middleware that removes from a `tools/list` answer (already in its JSON wire shape) every tool the
    caller's role may not call."""

    def __init__(self, registry: ToolRegistry, resolve_principal: PrincipalResolver) -> None:
        self._registry = registry
        self._resolve_principal = resolve_principal

    async def __call__(self, ctx: ServerRequestContext[Any, Any], call_next: CallNext) -> HandlerResult:
        if ctx.method != LIST_TOOLS:
            return await call_next(ctx)
        principal = await self._resolve_principal()
        if principal is None:
            raise Unauthenticated()
        result = await call_next(ctx)
        if not isinstance(result, dict) or not isinstance(result.get("tools"), list):
            return result  # not the wire shape of a tool list: nothing to filter
        allowed = {spec.name for spec in self._registry if is_allowed(principal.role, spec.permission)}
        return {**result, "tools": [tool for tool in result["tools"] if tool.get("name") in allowed]}
