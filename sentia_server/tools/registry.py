"""Tool declarations and the registry that holds them.

A tool is declared once, with `ToolGroup.tool`, as an async function `(params: InputModel, ctx: ToolContext) ->
OutputModel`. The input model is the tool's MCP input schema (and, later, its REST body and fuzzing source). Its
permission is not declared here but read from `auth.permissions.TOOL_PERMISSIONS`, the one table of tool permissions.
"""

from __future__ import annotations

import hashlib
import inspect
import re
from collections.abc import Awaitable, Callable, Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property
from typing import TYPE_CHECKING, Any, Generic, TypeVar, get_type_hints

from mcp_types import ToolAnnotations
from pydantic import BaseModel, ConfigDict

from sentia_server.auth.permissions import TOOL_PERMISSIONS, Permission, is_write_permission
from sentia_server.cache import CacheTier
from sentia_server.cache.keys import canonical_json
from sentia_server.tools.schema import model_schema

if TYPE_CHECKING:
    from sentia_server.tools.context import ToolContext

TOOL_NAME = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)+$")


class ToolCategory(StrEnum):
    SYSTEM = "system"
    XERO = "xero"
    SHOPIFY = "shopify"
    AMAZON = "amazon"
    UNLEASHED = "unleashed"
    MANUFACTURING = "manufacturing"
    AI = "ai"


class ToolInput(BaseModel):
    """Base of every input model: unknown arguments are an error, never silently dropped."""

    model_config = ConfigDict(extra="forbid", hide_input_in_errors=True)


class ToolOutput(BaseModel):
    """Base of every output model (the tool's MCP output schema and structured content)."""

    model_config = ConfigDict(extra="forbid")


InputT = TypeVar("InputT", bound=ToolInput)
OutputT = TypeVar("OutputT", bound=ToolOutput)
Handler = Callable[[InputT, "ToolContext"], Awaitable[OutputT]]


@dataclass(frozen=True)
class ToolSpec(Generic[InputT, OutputT]):
    """Everything the server needs to list, authorize, cache and run one tool."""

    name: str
    title: str
    description: str
    category: ToolCategory
    permission: Permission
    cache_tier: CacheTier
    annotations: ToolAnnotations
    input_model: type[InputT]
    output_model: type[OutputT]
    handler: Handler[InputT, OutputT] = field(repr=False)

    def __post_init__(self) -> None:
        if not TOOL_NAME.match(self.name):
            raise ValueError(
                f"tool name {self.name!r} must be lowercase words joined by hyphens, e.g. 'xero-get-invoices'"
            )
        if not self.description.strip():
            raise ValueError(f"tool {self.name!r} needs a description (the handler's docstring)")
        if self.input_model.model_config.get("extra") != "forbid":
            raise ValueError(f"tool {self.name!r}: input model {self.input_model.__name__} must forbid extra fields")
        if self.cache_tier is not CacheTier.NONE and not self.annotations.read_only_hint:
            raise ValueError(f"tool {self.name!r} changes data, so it cannot be cached (cache tier {self.cache_tier})")
        if not self.annotations.read_only_hint and not is_write_permission(self.permission):
            raise ValueError(
                f"tool {self.name!r} changes data, so it needs a write permission (area:write or admin only), "
                f"not {self.permission.value!r}"
            )

    @property
    def input_schema(self) -> dict[str, Any]:
        return model_schema(self.input_model)

    @property
    def read_only(self) -> bool:
        return bool(self.annotations.read_only_hint)

    @cached_property
    def output_fingerprint(self) -> str:
        """A digest of the output schema. Cached results are keyed with it, so a result stored by another version
        of the output model is never served as this one."""
        return hashlib.sha256(canonical_json(self.output_model.model_json_schema()).encode()).hexdigest()[:16]


class ToolGroup:
    """The tools of one module, declared with the `tool` decorator. Each tool's permission comes from `permissions`:
    the server's table unless a test declares its own tools with their own table."""

    def __init__(self, category: ToolCategory, permissions: Mapping[str, Permission] = TOOL_PERMISSIONS) -> None:
        self.category = category
        self.permissions = permissions
        self.specs: list[ToolSpec[Any, Any]] = []

    def tool(
        self,
        name: str,
        *,
        title: str,
        cache_tier: CacheTier = CacheTier.NONE,
        read_only: bool,
        destructive: bool = False,
        idempotent: bool | None = None,
        open_world: bool = False,
    ) -> Callable[[Handler[InputT, OutputT]], Handler[InputT, OutputT]]:
        """Declare a tool. `open_world` marks tools that reach a vendor outside this server. A tool without an entry
        in the permission table is refused here, so it can never be registered."""
        permission = self.permissions.get(name)
        if permission is None:
            raise ValueError(
                f"tool {name!r} has no entry in the tool permission table (TOOL_PERMISSIONS in "
                "sentia_server/auth/permissions.py); add one before declaring the tool"
            )

        def declare(handler: Handler[InputT, OutputT]) -> Handler[InputT, OutputT]:
            hints = get_type_hints(handler)
            params = list(inspect.signature(handler).parameters)
            input_model, output_model = hints[params[0]], hints["return"]
            self.specs.append(
                ToolSpec(
                    name=name,
                    title=title,
                    description=inspect.cleandoc(handler.__doc__ or ""),
                    category=self.category,
                    permission=permission,
                    cache_tier=cache_tier,
                    annotations=ToolAnnotations(
                        title=title,
                        read_only_hint=read_only,
                        destructive_hint=destructive if not read_only else False,
                        idempotent_hint=read_only if idempotent is None else idempotent,
                        open_world_hint=open_world,
                    ),
                    input_model=input_model,
                    output_model=output_model,
                    handler=handler,
                )
            )
            return handler

        return declare


class ToolRegistry:
    """All tools of the server, by name. Duplicate names are an error, not a silent override."""

    def __init__(self, groups: list[ToolGroup] | None = None) -> None:
        self._specs: dict[str, ToolSpec[Any, Any]] = {}
        for group in groups or []:
            for spec in group.specs:
                self.add(spec)

    def add(self, spec: ToolSpec[Any, Any]) -> None:
        if spec.name in self._specs:
            raise ValueError(f"tool {spec.name!r} is declared twice")
        self._specs[spec.name] = spec

    def get(self, name: str) -> ToolSpec[Any, Any] | None:
        return self._specs.get(name)

    def __iter__(self) -> Iterator[ToolSpec[Any, Any]]:
        return iter(self._specs.values())

    def __len__(self) -> int:
        return len(self._specs)

    def by_category(self) -> dict[str, list[ToolSpec[Any, Any]]]:
        grouped: dict[str, list[ToolSpec[Any, Any]]] = {}
        for spec in self._specs.values():
            grouped.setdefault(spec.category.value, []).append(spec)
        return grouped
