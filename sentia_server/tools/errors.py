"""The errors a tool call can end in. Each message names the problem and what to do, never internals."""

from __future__ import annotations

from mcp.server.mcpserver.exceptions import ToolError
from mcp.shared.exceptions import MCPError
from pydantic import ValidationError

from sentia_server.auth.permissions import Permission, lowest_role_with
from sentia_server.auth.principal import Principal

# JSON-RPC leaves -32000..-32099 to implementations.
UNAUTHENTICATED = -32001
PERMISSION_DENIED = -32003


class InvalidArguments(ToolError):
    """Arguments that do not match the tool's input schema. Returned as a tool error so the model can correct them."""

    @classmethod
    def from_validation_error(cls, tool: str, error: ValidationError, allowed: list[str]) -> InvalidArguments:
        problems = []
        for detail in error.errors(include_url=False, include_input=False):
            location = ".".join(str(part) for part in detail["loc"]) or "(arguments)"
            if detail["type"] == "extra_forbidden":
                problems.append(f"{location}: unexpected argument (allowed: {', '.join(allowed) or 'none'})")
            else:
                problems.append(f"{location}: {detail['msg']}")
        return cls(f"invalid arguments for tool '{tool}': " + "; ".join(problems))


class PermissionDenied(MCPError):
    """The caller is authenticated but its role lacks the tool's permission."""

    def __init__(self, tool: str, principal: Principal, permission: Permission) -> None:
        needed = lowest_role_with(permission)
        hint = f" (granted to role '{needed.value}' and above)" if needed else ""
        super().__init__(
            code=PERMISSION_DENIED,
            message=(
                f"permission denied: tool '{tool}' requires permission '{permission.value}'{hint}; "
                f"your role is '{principal.role.value}'"
            ),
            data={"tool": tool, "required_permission": permission.value, "role": principal.role.value},
        )


class Unauthenticated(MCPError):
    def __init__(self) -> None:
        super().__init__(code=UNAUTHENTICATED, message="authentication required: no valid credential for this call")


class InternalToolError(ToolError):
    """An unexpected failure inside a tool; details stay in the server log under the reference."""

    def __init__(self, tool: str, reference: str) -> None:
        super().__init__(f"tool '{tool}' failed with an internal error (reference {reference}); it has been logged")
