"""The permission check for data an AI tool reads on the caller's behalf."""

from __future__ import annotations

from mcp.server.mcpserver.exceptions import ToolError

from sentia_server.auth.permissions import Permission, is_allowed
from sentia_server.tools.context import ToolContext


def require(ctx: ToolContext, permission: Permission, what: str) -> None:
    """ToolError unless the caller's role may read `what` (the AI tool only reads what its caller could)."""
    if not is_allowed(ctx.principal.role, permission):
        raise ToolError(
            f"reading {what} needs permission '{permission.value}', which role '{ctx.principal.role.value}' lacks; "
            "pass the data in the arguments instead"
        )
