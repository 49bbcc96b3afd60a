"""What a tool function receives besides its arguments: who is calling and the server's services."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sentia_server.auth.principal import Principal
from sentia_server.runtime import Runtime

if TYPE_CHECKING:
    from sentia_server.tools.registry import ToolRegistry


@dataclass(frozen=True, slots=True)
class ToolContext:
    principal: Principal
    runtime: Runtime
    registry: ToolRegistry
    request_id: str | None
    transport: str
