"""A tool result already in its wire form, and the MCP result built from it.

Cached tool results are stored as the JSON of their output model. A hit is sent as that JSON: parsed once for the
structured content and used as is for the text content, never re-validated against the model that produced it
(the cache key carries the output schema's fingerprint, so only that model's entries are read). Results computed
now take the same path, so a hit and a miss answer with identical content.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from mcp_types import CallToolResult, TextContent
from pydantic import BaseModel


@dataclass(frozen=True, slots=True)
class SerializedResult:
    """The JSON of a tool's output model: what the cache stores and what a cached call hands to the transport."""

    json: bytes

    @classmethod
    def of(cls, model: BaseModel) -> SerializedResult:
        return cls(model.model_dump_json().encode())

    def to_call_result(self) -> CallToolResult:
        """Structured content for clients that read it, the same JSON as text for those that do not."""
        return CallToolResult(
            content=[TextContent(type="text", text=self.json.decode())], structured_content=json.loads(self.json)
        )
