"""What the OpenAI and Claude tools share: the `context` option every analysis takes, and how a model-backed tool
is declared (category ai, permission ai:use from the table, never cached)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from pydantic import Field

from sentia_server.tools.registry import Handler, InputT, OutputT, ToolGroup

Context = Annotated[
    str | None,
    Field(
        default=None,
        min_length=1,
        max_length=4000,
        description="Background or the question to answer, in your words; the model treats it as material.",
    ),
]


class ModelToolDeclarer:
    """Declares `group`'s tools: each reads, never changes business data, and each call is a fresh (paid) answer
    from a vendor outside this server."""

    def __init__(self, group: ToolGroup) -> None:
        self._group = group

    def __call__(self, name: str, title: str) -> Callable[[Handler[InputT, OutputT]], Handler[InputT, OutputT]]:
        return self._group.tool(name, title=title, read_only=True, idempotent=False, open_world=True)
