"""What the Claude tools share: the tool group (category ai, permission ai:use, never cached) and the options
every analysis takes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Literal

from pydantic import Field

from sentia_server.tools.registry import Handler, InputT, OutputT, ToolCategory, ToolGroup

group = ToolGroup(ToolCategory.AI)
VENDOR: Literal["anthropic"] = "anthropic"

Context = Annotated[
    str | None,
    Field(
        default=None,
        min_length=1,
        max_length=4000,
        description="Background or the question to answer, in your words; the model treats it as material.",
    ),
]


def claude_tool(name: str, title: str) -> Callable[[Handler[InputT, OutputT]], Handler[InputT, OutputT]]:
    """Declare a Claude tool: it reads, never changes business data, and each call is a fresh (paid) answer."""
    return group.tool(name, title=title, read_only=True, idempotent=False, open_world=True)
