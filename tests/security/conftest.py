"""The HTTP app in process (httpx over ASGI, lifespan running), with a key of each kind ready to use."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

import httpx
import pytest
from support.http import JWT_SECRET, Server

from sentia_server.app import create_app
from sentia_server.auth.principal import Role
from sentia_server.config import Settings
from sentia_server.runtime import Runtime


@pytest.fixture
async def server(make_settings: Callable[..., Settings]) -> AsyncIterator[Server]:
    settings = make_settings(jwt_secret=JWT_SECRET)
    app = create_app(settings)
    runtime: Runtime = app.state.runtime
    async with app.router.lifespan_context(app):
        admin = await runtime.api_keys.create(role=Role.ADMIN, tenant="acme")
        viewer = await runtime.api_keys.create(role=Role.VIEWER, tenant="acme")
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1:3001") as client:
            yield Server(client, runtime, settings, admin.token, viewer.token)
