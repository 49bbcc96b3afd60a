"""The HTTP app on each backend, with an admin key, and clients that call it from chosen remote addresses."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from pydantic import SecretStr
from starlette.applications import Starlette
from support.http import INITIALIZE, JWT_SECRET, MCP_HEADERS

from sentia_server.app import create_app
from sentia_server.auth.principal import Role
from sentia_server.config import Settings
from sentia_server.runtime import Runtime

BASE_URL = "http://127.0.0.1:3001"


@dataclass
class AuthApp:
    app: Starlette
    runtime: Runtime
    settings: Settings
    admin_key: str

    def client(self, address: str = "203.0.113.7") -> httpx.AsyncClient:
        transport = httpx.ASGITransport(app=self.app, client=(address, 40_000))
        return httpx.AsyncClient(transport=transport, base_url=BASE_URL)

    async def initialize(self, client: httpx.AsyncClient, credential: str | None = None) -> httpx.Response:
        headers = dict(MCP_HEADERS)
        if credential is not None:
            headers["authorization"] = f"Bearer {credential}"
        return await client.post("/mcp", json=INITIALIZE, headers=headers)


AuthAppFactory = Callable[..., AbstractAsyncContextManager[AuthApp]]


@pytest.fixture
def auth_app(backend_settings: Settings) -> AuthAppFactory:
    """`async with auth_app(**settings) as served`: the app (lifespan running) with an admin key."""

    @asynccontextmanager
    async def serve(**overrides: Any) -> AsyncIterator[AuthApp]:
        settings = backend_settings.model_copy(update={"jwt_secret": SecretStr(JWT_SECRET), **overrides})
        app = create_app(settings)
        runtime: Runtime = app.state.runtime
        async with app.router.lifespan_context(app):
            admin = await runtime.api_keys.create(role=Role.ADMIN, tenant="acme")
            yield AuthApp(app, runtime, settings, admin.token)

    return serve
