"""The last line of defence for errors: an exception nobody handled becomes a generic JSON 500 with a reference,
and is logged as its type and message (no stack trace, see observability.logging), never sent to the client."""

from __future__ import annotations

import uuid

import structlog
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sentia_server.observability.context import request_id_var

log = structlog.get_logger(__name__)


class InternalErrorMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception as error:
            reference = request_id_var.get() or uuid.uuid4().hex
            log.error("unhandled error", path=scope["path"], reference=reference, exc_info=error)
            if started:  # the status line is out; the server closes the connection
                raise
            response = JSONResponse(
                {
                    "error": "internal_error",
                    "error_description": f"the server could not handle the request; quote reference {reference}",
                },
                status_code=500,
            )
            await response(scope, receive, send)
