"""The HTTP side of threat detection: per-client traffic (request spikes, failed authentications seen as 401
answers, whichever route gave them) and attack patterns in REST JSON bodies. Tool arguments on the MCP endpoint are
inspected by the tool executor instead, where the principal and the tool are known."""

from __future__ import annotations

import json

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sentia_server.security.body import has_json_body, read_body
from sentia_server.security.client import client_address, client_address_var
from sentia_server.security.threats.monitor import SecurityMonitor


class TrafficObserverMiddleware:
    """Records the client address of the request, counts the request, and counts a 401 answer as a failure."""

    def __init__(self, app: ASGIApp, monitor: SecurityMonitor) -> None:
        self.app = app
        self.monitor = monitor

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        client = client_address(scope)
        token = client_address_var.set(client)
        status = 0

        async def observing_send(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.monitor.observe_request(client)
            await self.app(scope, receive, observing_send)
            if status == 401:
                await self.monitor.observe_auth_failure(client)
        finally:
            client_address_var.reset(token)


class BodyInspectionMiddleware:
    """Inspects the JSON body of REST requests (every path but the MCP endpoint) and passes it on unchanged."""

    def __init__(self, app: ASGIApp, monitor: SecurityMonitor, mcp_path: str) -> None:
        self.app = app
        self.monitor = monitor
        self.mcp_path = mcp_path.rstrip("/") or "/"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if has_json_body(scope) and scope["path"].rstrip("/") != self.mcp_path:
            body, receive = await read_body(receive)
            try:
                document = json.loads(body)
            except ValueError:  # the route answers malformed JSON itself
                document = None
            if document is not None:
                await self.monitor.inspect_body(document, path=scope["path"][:200])
        await self.app(scope, receive, send)
