"""`Vary` is kept whichever way a response takes: compressed or plain, with or without a browser Origin."""

from __future__ import annotations

import gzip

import httpx
import pytest
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from sentia_server.http_encoding import NegotiatedGZipMiddleware, add_vary
from sentia_server.security.cors import CorsAllowlistMiddleware

pytestmark = pytest.mark.anyio

BODY = "sentia " * 400
ORIGIN = "https://dashboard.example"


def _client(*middleware: Middleware) -> httpx.AsyncClient:
    async def large(_request: Request) -> PlainTextResponse:
        return PlainTextResponse(BODY)

    async def varies_by_language(_request: Request) -> PlainTextResponse:
        return PlainTextResponse("bonjour", headers={"vary": "Accept-Language"})

    app = Starlette(
        routes=[Route("/large", large), Route("/language", varies_by_language)],
        middleware=list(middleware),
    )
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver")


def test_add_vary_appends_to_the_values_already_there():
    message = {"type": "http.response.start", "status": 200, "headers": [(b"Vary", b"Origin"), (b"vary", b"Cookie")]}
    add_vary(message, b"Accept-Encoding")
    assert [value for name, value in message["headers"] if name.lower() == b"vary"] == [
        b"Origin, Cookie, Accept-Encoding"
    ]


def test_add_vary_on_a_message_without_headers():
    message = {"type": "http.response.start", "status": 204}
    add_vary(message, b"Origin")
    assert message["headers"] == [(b"vary", b"Origin")]


@pytest.mark.parametrize("accepted", ["identity", "br", ""])
async def test_a_client_that_does_not_accept_gzip_gets_plain_bytes_that_vary_on_accept_encoding(accepted: str):
    async with _client(Middleware(NegotiatedGZipMiddleware, minimum_size=500)) as client:
        response = await client.get("/large", headers={"accept-encoding": accepted})
    assert "content-encoding" not in response.headers
    assert response.headers["vary"] == "Accept-Encoding"
    assert response.text == BODY


@pytest.mark.parametrize("accepted", ["gzip", "br, gzip;q=0.5"])
async def test_a_client_that_accepts_gzip_gets_it(accepted: str):
    async with (
        _client(Middleware(NegotiatedGZipMiddleware, minimum_size=500)) as client,
        client.stream("GET", "/large", headers={"accept-encoding": accepted}) as response,
    ):
        raw = b"".join([chunk async for chunk in response.aiter_raw()])
    assert response.headers["content-encoding"] == "gzip"
    assert "Accept-Encoding" in response.headers["vary"]
    assert gzip.decompress(raw).decode() == BODY


async def test_a_request_without_origin_varies_on_origin_and_gets_no_cors_headers():
    async with _client(Middleware(CorsAllowlistMiddleware, allowed_origins=[ORIGIN])) as client:
        response = await client.get("/language")
    assert response.headers.get_list("vary") == ["Accept-Language, Origin"]
    assert "access-control-allow-origin" not in response.headers


async def test_an_allowed_origin_still_gets_its_cors_headers():
    async with _client(Middleware(CorsAllowlistMiddleware, allowed_origins=[ORIGIN])) as client:
        response = await client.get("/language", headers={"origin": ORIGIN})
    assert response.headers["access-control-allow-origin"] == ORIGIN
    assert "Origin" in response.headers["vary"]
