"""A Locust user that calls MCP tools over Streamable HTTP (stateless, JSON responses) with JSON-RPC `tools/call`.

A call counts as a failure when the HTTP status is not 200, when the answer is a JSON-RPC error, or when the tool
result has `isError`: a load test that counts error answers as successes measures nothing.
"""

from __future__ import annotations

import itertools
import json
import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

from locust import FastHttpUser, task

from sentia_testkit.load.options import bearer_headers

Arguments = Mapping[str, Any]
EXCERPT = 200


@dataclass(frozen=True)
class ToolCall:
    """One tool a user calls, with its arguments (or a function returning fresh ones each call) and a weight."""

    name: str
    arguments: Arguments | Callable[[], Arguments] = field(default_factory=dict)
    weight: int = 1

    def __post_init__(self) -> None:
        if self.weight < 1:
            raise ValueError(f"ToolCall {self.name!r}: weight must be at least 1, not {self.weight}")

    def resolve(self) -> dict[str, Any]:
        return dict(self.arguments() if callable(self.arguments) else self.arguments)


def classify(status: int, content_type: str, text: str) -> str | None:
    """None when the response is a successful tool result, else what went wrong (for Locust's failure list)."""
    if status != 200:
        return f"HTTP {status}: {text[:EXCERPT]}" if status else f"no response: {text[:EXCERPT]}"
    try:
        message = _json_rpc_message(content_type, text)
    except ValueError as error:
        return f"not a JSON-RPC response: {error}"
    rpc_error = message.get("error")
    if isinstance(rpc_error, Mapping):
        return f"JSON-RPC error {rpc_error.get('code')}: {str(rpc_error.get('message'))[:EXCERPT]}"
    result = message.get("result")
    if not isinstance(result, Mapping):
        return "JSON-RPC response without a result"
    if result.get("isError"):
        return f"tool error: {_content_text(result)[:EXCERPT]}"
    return None


def _json_rpc_message(content_type: str, text: str) -> dict[str, Any]:
    """The JSON-RPC message of a JSON body, or of the last `data:` event of a server-sent event stream."""
    if content_type.startswith("text/event-stream"):
        events = [line[5:].strip() for line in text.splitlines() if line.startswith("data:")]
        if not events:
            raise ValueError("an event stream without data")
        text = events[-1]
    try:
        message = json.loads(text)
    except json.JSONDecodeError as error:
        raise ValueError(f"{error.msg} in {text[:EXCERPT]!r}") from None
    if not isinstance(message, dict):
        raise ValueError(f"a JSON {type(message).__name__}, not an object")
    return message


def _content_text(result: Mapping[str, Any]) -> str:
    content = result.get("content")
    if isinstance(content, list):
        texts = [str(part.get("text")) for part in content if isinstance(part, Mapping) and "text" in part]
        if texts:
            return " ".join(texts)
    return "(no text content)"


class McpUser(FastHttpUser):
    """Calls one of `tool_calls` per task, chosen by weight. Subclass it and set `tool_calls` (and `wait_time`)."""

    abstract = True
    mcp_path: ClassVar[str] = "/mcp"
    protocol_version: ClassVar[str] = "2025-11-25"
    token: ClassVar[str | None] = None
    """The bearer credential; default --mcp-token or SENTIA_LOAD_TOKEN."""
    tool_calls: ClassVar[Sequence[ToolCall]] = ()

    _ids = itertools.count(1)

    def on_start(self) -> None:
        if not self.tool_calls:
            raise ValueError(f"{type(self).__name__}.tool_calls is empty: list the ToolCall(...)s this user makes")
        self.headers = {
            "Accept": "application/json, text/event-stream",
            "Content-Type": "application/json",
            "MCP-Protocol-Version": self.protocol_version,
            **bearer_headers(self.environment, self.token),
        }

    @task
    def call_a_tool(self) -> None:
        call = random.choices(self.tool_calls, weights=[call.weight for call in self.tool_calls])[0]  # noqa: S311
        self.call_tool(call.name, call.resolve())

    def call_tool(self, name: str, arguments: Arguments) -> None:
        """One `tools/call`, reported to Locust as `tools/call NAME`, a success only for a tool result."""
        body = {
            "jsonrpc": "2.0",
            "id": next(self._ids),
            "method": "tools/call",
            "params": {"name": name, "arguments": dict(arguments)},
        }
        with self.client.post(
            self.mcp_path, data=json.dumps(body), headers=self.headers, name=f"tools/call {name}", catch_response=True
        ) as response:
            text = response.text if response.text is not None else str(response.error or "")
            problem = classify(response.status_code, (response.headers or {}).get("content-type", ""), text)
            if problem is None:
                response.success()
            else:
                response.failure(problem)
