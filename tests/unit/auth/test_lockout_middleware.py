"""The lockout middleware's edges: other ASGI scopes pass untouched, and a lost audit row never fails a request."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest
from starlette.types import Receive, Scope, Send

from sentia_server.config import Settings
from sentia_server.security.lockout import AuthLockout, AuthLockoutMiddleware
from sentia_server.storage.audit_events import AuditTrail
from sentia_server.storage.database import Database

pytestmark = pytest.mark.anyio


async def refuse_everyone(scope: Scope, receive: Receive, send: Send) -> None:
    await send({"type": "http.response.start", "status": 401, "headers": [(b"www-authenticate", b"Bearer")]})
    await send({"type": "http.response.body", "body": b"{}"})


async def test_other_scopes_pass_through(make_settings: Callable[..., Settings]):
    seen: list[str] = []

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        seen.append(scope["type"])

    database = Database("sqlite+aiosqlite:///:memory:")
    middleware = AuthLockoutMiddleware(
        app, lockout=AuthLockout(1, 60), audit=AuditTrail(database), settings=make_settings()
    )

    async def receive() -> dict[str, str]:
        return {"type": "lifespan.startup"}

    async def send(message: object) -> None:
        raise AssertionError("nothing is sent for a lifespan scope")

    await middleware({"type": "lifespan"}, receive, send)
    assert seen == ["lifespan"]
    await database.aclose()


async def test_an_audit_failure_is_logged_and_the_answer_stands(make_settings: Callable[..., Settings]):
    database = Database("sqlite+aiosqlite:///:memory:")  # no tables: every audit write fails
    lockout = AuthLockout(2, 60)
    app = AuthLockoutMiddleware(refuse_everyone, lockout=lockout, audit=AuditTrail(database), settings=make_settings())
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://127.0.0.1") as client:
        for _ in range(2):
            answer = await client.get("/", headers={"authorization": "Bearer wrong"})
            assert answer.status_code == 401
            assert answer.headers["www-authenticate"].startswith('Bearer error="invalid_token"')
        assert (await client.get("/", headers={"authorization": "Bearer right"})).status_code == 429
    await database.aclose()
