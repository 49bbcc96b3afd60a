"""A deliberately broken MCP server (`support.broken_mcp_server:server`), each tool with one flaw the scanner must
report, and one sound tool it must pass. Built on the SDK's low-level `Server`, which serves whatever definitions
and answers it is given."""

from __future__ import annotations

import traceback
from typing import Any

from mcp import types
from mcp.server import Server, ServerRequestContext

WORDS = {"type": "string", "minLength": 1, "maxLength": 40, "description": "Text to echo."}
WORD_SCHEMA = {"type": "object", "properties": {"word": WORDS}, "required": ["word"], "additionalProperties": False}
SOUND = types.ToolAnnotations(read_only_hint=True, destructive_hint=False)

TOOLS = [
    types.Tool(
        name="echo",
        description="Echo a word back (the sound tool).",
        input_schema={
            "type": "object",
            "properties": {"word": WORDS},
            "required": ["word"],
            "additionalProperties": False,
        },
        annotations=SOUND,
    ),
    types.Tool(
        name="undocumented",
        input_schema={
            "type": "object",
            "properties": {"word": {"type": "string", "maxLength": 40}},
            "required": ["word"],
            "additionalProperties": False,
        },
    ),
    types.Tool(
        name="leaky-lookup",
        description="Look a word up; answers every call with its stack trace.",
        input_schema={
            "type": "object",
            "properties": {"word": WORDS},
            "required": ["word"],
            "additionalProperties": False,
        },
        annotations=SOUND,
    ),
    types.Tool(
        name="trusting-divide",
        description="Divide two whole numbers without checking them.",
        input_schema={
            "type": "object",
            "properties": {
                "dividend": {"type": "integer", "description": "The number divided."},
                "divisor": {"type": "integer", "minimum": 1, "maximum": 100, "description": "What it is divided by."},
            },
            "required": ["dividend", "divisor"],
            "additionalProperties": False,
        },
        annotations=SOUND,
    ),
    types.Tool(
        name="bad-schema",
        description="A tool whose input schema is not JSON Schema.",
        input_schema={"type": "object", "properties": {"count": {"type": "whole-number", "description": "A count."}}},
        annotations=SOUND,
    ),
]


def _text(text: str, *, error: bool = False) -> types.CallToolResult:
    return types.CallToolResult(content=[types.TextContent(type="text", text=text)], is_error=error)


def _word(arguments: dict[str, Any]) -> str | None:
    word = arguments.get("word")
    if set(arguments) != {"word"} or not isinstance(word, str) or not 1 <= len(word) <= 40:
        return None
    return word


async def list_tools(_ctx: ServerRequestContext[Any], _params: types.PaginatedRequestParams | None) -> Any:
    return types.ListToolsResult(tools=TOOLS)


async def call_tool(_ctx: ServerRequestContext[Any], params: types.CallToolRequestParams) -> Any:
    arguments = dict(params.arguments or {})
    if params.name == "trusting-divide":
        # No validation: a string, a zero or a missing key blows up inside the tool.
        return _text(str(arguments["dividend"] // arguments["divisor"]))
    word = _word(arguments)
    if word is None:
        return _text("word: a string of 1 to 40 characters is required, and nothing else", error=True)
    if params.name == "leaky-lookup":
        try:
            raise LookupError(word)
        except LookupError:
            return _text(f"lookup failed:\n{traceback.format_exc()}", error=True)
    return _text(word)


server: Server[Any] = Server("broken", on_list_tools=list_tools, on_call_tool=call_tool)
