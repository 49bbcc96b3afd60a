"""What the Claude tools share: their tool group and vendor name; the options and the declaration come from
tools/ai_common.py."""

from __future__ import annotations

from typing import Literal

from sentia_server.tools.ai_common import Context, ModelToolDeclarer
from sentia_server.tools.registry import ToolCategory, ToolGroup

group = ToolGroup(ToolCategory.AI)
VENDOR: Literal["anthropic"] = "anthropic"
claude_tool = ModelToolDeclarer(group)

__all__ = ["VENDOR", "Context", "claude_tool", "group"]
