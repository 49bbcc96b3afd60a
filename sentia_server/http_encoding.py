"""Response compression for the clients that accept it, and the `Vary` header that tells caches which request
headers a response depends on."""

from __future__ import annotations

from starlette.middleware.gzip import GZipMiddleware
from starlette.types import Message, Receive, Scope, Send

from sentia_server.http_headers import request_header

ACCEPT_ENCODING = b"accept-encoding"


def add_vary(message: Message, token: bytes) -> None:
    """Adds `token` to the `Vary` header of a response start message, joining all the values already there
    (Starlette's `MutableHeaders.add_vary_header` keeps the first of several `Vary` headers and drops the others)."""
    headers = list(message.get("headers", ()))
    present = [value for name, value in headers if name.lower() == b"vary"]
    if present:
        headers = [(name, value) for name, value in headers if name.lower() != b"vary"]
        headers.append((b"vary", b", ".join([*present, token])))
    else:
        headers.append((b"vary", token))
    message["headers"] = headers


def varying_on(send: Send, token: bytes) -> Send:
    """`send`, with `token` added to the response's `Vary` header."""

    async def send_varying(message: Message) -> None:
        if message["type"] == "http.response.start":
            add_vary(message, token)
        await send(message)

    return send_varying


class NegotiatedGZipMiddleware(GZipMiddleware):
    """Starlette's gzip middleware for clients whose `Accept-Encoding` names gzip. For the others the response passes
    through with `Vary: Accept-Encoding` added, instead of through Starlette's identity responder, which holds back and
    re-parses every response's headers to decide the same thing."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and b"gzip" not in (request_header(scope, ACCEPT_ENCODING) or b""):
            await self.app(scope, receive, varying_on(send, b"Accept-Encoding"))
            return
        await super().__call__(scope, receive, send)
