"""What list tools share: how to ask for the next page, and a response-size budget that says when it trimmed."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

from pydantic import BaseModel, Field

from sentia_server.tools.registry import ToolOutput

ItemT = TypeVar("ItemT", bound=BaseModel)


class PageInfo(ToolOutput):
    """Where this page ends. Pass `next_cursor` (or `next_page`) back to get the next one."""

    returned: int
    has_more: bool
    next_cursor: str | None = Field(
        default=None, description="Opaque cursor of the next page, when the vendor uses cursors."
    )
    next_page: int | None = Field(default=None, description="Number of the next page, when the vendor numbers pages.")
    truncated: bool = Field(
        default=False, description="True when items were left out to keep the result within the response budget."
    )
    truncated_reason: str | None = None


def fit_to_budget(items: Sequence[ItemT], budget_bytes: int) -> tuple[list[ItemT], str | None]:
    """The longest prefix of `items` whose JSON fits in `budget_bytes`, and why it stopped when it did."""
    kept: list[ItemT] = []
    used = 2  # the surrounding brackets
    for item in items:
        size = len(item.model_dump_json()) + 1
        if used + size > budget_bytes:
            reason = (
                f"{len(items) - len(kept)} of {len(items)} items left out to stay within the "
                f"{budget_bytes} byte response budget; ask for a smaller page or narrow the filters"
            )
            return kept, reason
        kept.append(item)
        used += size
    return kept, None
