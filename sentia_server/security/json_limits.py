"""A nesting limit for JSON request bodies, checked before any parser sees them: a deeply nested document costs a
recursive parser stack and time, and no request of this API nests deeper than a few levels."""

from __future__ import annotations

import re

from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from sentia_server.security.body import has_json_body, read_body

DEFAULT_MAX_DEPTH = 32
_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_NOT_BRACKET = re.compile(rb"[^\[\]{}]+")
_INNERMOST = re.compile(rb"\[\]|\{\}")


def json_depth_exceeds(body: bytes, max_depth: int) -> bool:
    """Whether the arrays and objects of `body` nest deeper than `max_depth`, without parsing it.

    Strings are removed first (brackets inside them do not count), then innermost `[]`/`{}` pairs are removed once
    per level, in C-speed regex passes: after `max_depth` passes anything still reducible is deeper than allowed.
    Malformed JSON (unbalanced brackets) is left to the parser, which reports it."""
    if body.count(b"[") + body.count(b"{") <= max_depth:
        return False  # each level opens a bracket: too few of them to nest that deep (most requests end here)
    brackets = _NOT_BRACKET.sub(b"", _STRING.sub(b"", body))
    for _ in range(max_depth):
        if not brackets:
            return False
        brackets, removed = _INNERMOST.subn(b"", brackets)
        if removed == 0:
            return False
    return _INNERMOST.search(brackets) is not None


class JsonDepthLimitMiddleware:
    """400 for a JSON body nested deeper than `max_depth`; on the MCP endpoint as a JSON-RPC parse error."""

    def __init__(self, app: ASGIApp, max_depth: int, mcp_path: str) -> None:
        self.app = app
        self.max_depth = max_depth
        self.mcp_path = mcp_path.rstrip("/") or "/"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not has_json_body(scope):
            await self.app(scope, receive, send)
            return
        body, receive = await read_body(receive)
        if json_depth_exceeds(body, self.max_depth):
            message = f"the JSON body nests deeper than {self.max_depth} levels; send a flatter document"
            if scope["path"].rstrip("/") == self.mcp_path:
                content: dict[str, object] = {
                    "jsonrpc": "2.0",
                    "id": None,
                    "error": {"code": -32700, "message": f"Parse error: {message}"},
                }
            else:
                content = {"error": "json_too_deep", "error_description": message}
            await JSONResponse(content, status_code=400)(scope, receive, send)
            return
        await self.app(scope, receive, send)
