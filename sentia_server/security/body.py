"""Reading a request body inside ASGI middleware and handing the same body on to the application."""

from __future__ import annotations

from collections import deque

from starlette.types import Message, Receive, Scope

from sentia_server.http_headers import request_header_text

_BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})


def has_json_body(scope: Scope) -> bool:
    """A POST, PUT or PATCH whose Content-Type is JSON (`application/json` or `application/*+json`)."""
    if scope["type"] != "http" or scope["method"] not in _BODY_METHODS:
        return False
    media_type = (request_header_text(scope, b"content-type") or "").split(";", 1)[0].strip().lower()
    return media_type == "application/json" or (media_type.startswith("application/") and media_type.endswith("+json"))


async def read_body(receive: Receive) -> tuple[bytes, Receive]:
    """The whole body, and a `receive` that replays it. Outer middleware bounds the size (RequestBodyLimitMiddleware),
    so buffering is safe."""
    chunks: list[bytes] = []
    pending: deque[Message] = deque()
    while True:
        message = await receive()
        if message["type"] != "http.request":
            pending.append(message)
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    body = b"".join(chunks)
    pending.appendleft({"type": "http.request", "body": body, "more_body": False})

    async def replay() -> Message:
        if pending:
            return pending.popleft()
        return await receive()

    return body, replay
