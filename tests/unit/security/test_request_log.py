"""The request log line: at INFO for failed and slow requests, at DEBUG for the rest, always with the request id."""

from __future__ import annotations

import logging

import httpx
import pytest
import structlog
from starlette.types import Receive, Scope, Send

from sentia_server.observability.logging import add_request_id
from sentia_server.security import http as request_context
from sentia_server.security.http import RequestContextMiddleware

pytestmark = pytest.mark.anyio


def answering(status: int):
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await send({"type": "http.response.start", "status": status, "headers": []})
        await send({"type": "http.response.body", "body": b"{}"})

    return app


async def logged(status: int, level: int, caplog: pytest.LogCaptureFixture) -> list[dict[str, object]]:
    caplog.set_level(level, logger=request_context.__name__)
    transport = httpx.ASGITransport(app=RequestContextMiddleware(answering(status)))
    with structlog.testing.capture_logs(processors=[add_request_id]) as logs:
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:
            response = await client.post("/mcp", headers={"x-request-id": "req-42"})
    assert response.headers["x-request-id"] == "req-42"
    return [entry for entry in logs if entry["event"] == "http request"]


@pytest.mark.parametrize("status", [400, 401, 404, 429, 500, 503])
async def test_a_failed_request_is_logged_at_info(status: int, caplog: pytest.LogCaptureFixture) -> None:
    [line] = await logged(status, logging.INFO, caplog)
    assert line["log_level"] == "info"
    assert (line["status"], line["method"], line["path"], line["request_id"]) == (status, "POST", "/mcp", "req-42")


@pytest.mark.parametrize("status", [200, 202, 304])
async def test_a_successful_request_is_logged_at_debug_only(status: int, caplog: pytest.LogCaptureFixture) -> None:
    assert await logged(status, logging.INFO, caplog) == []
    [line] = await logged(status, logging.DEBUG, caplog)
    assert (line["log_level"], line["status"]) == ("debug", status)


async def test_a_slow_success_is_logged_at_info(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(request_context, "SLOW_REQUEST_SECONDS", 0.0)
    [line] = await logged(200, logging.INFO, caplog)
    assert (line["log_level"], line["status"]) == ("info", 200)
