"""Talking to the HTTP app: MCP request headers, an initialize message, and a handle on a running app."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import httpx

from sentia_server.auth.jwt_tokens import mint_token
from sentia_server.auth.principal import Role
from sentia_server.config import Settings
from sentia_server.runtime import Runtime

JWT_SECRET = "Vq7-Ls2pXw9Kd4Rm8Tz1Bn6Hc3Jf5Gy0"
MCP_HEADERS = {"accept": "application/json, text/event-stream", "content-type": "application/json"}
INITIALIZE = {
    "jsonrpc": "2.0",
    "id": 1,
    "method": "initialize",
    "params": {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "test", "version": "1"}},
}


@dataclass
class Server:
    client: httpx.AsyncClient
    runtime: Runtime
    settings: Settings
    admin_key: str
    viewer_key: str

    def jwt(self, role: Role = Role.OPERATOR, ttl: timedelta = timedelta(minutes=5)) -> str:
        return mint_token(self.settings, subject="jwt-user", role=role, tenant="acme", ttl=ttl)

    async def rpc(self, body: object, token: str | None = None, **headers: str) -> httpx.Response:
        sent = {**MCP_HEADERS, **headers}
        if token is not None:
            sent["authorization"] = f"Bearer {token}"
        return await self.client.post("/mcp", json=body, headers=sent)
