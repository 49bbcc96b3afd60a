"""Simulators as a local HTTP server: one ASGI app that mounts each simulator under `/<vendor>`."""

from __future__ import annotations

from collections.abc import Mapping

import httpx
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import Receive, Scope, Send

from sentia_testkit.simulators.core import Simulator


class SimulatorApp:
    """Routes `/<vendor>/<path>` to that vendor's simulator as `<path>`; `/` lists the simulators."""

    def __init__(self, simulators: Mapping[str, Simulator]) -> None:
        self.simulators = dict(simulators)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        request = Request(scope, receive)
        prefix, _, rest = request.url.path.lstrip("/").partition("/")
        simulator = self.simulators.get(prefix)
        if simulator is None:
            response: Response = JSONResponse(
                {"simulators": sorted(self.simulators), "hint": "send requests to /<vendor>/<vendor path>"},
                status_code=404 if prefix else 200,
            )
            await response(scope, receive, send)
            return
        outgoing = httpx.Request(
            request.method,
            httpx.URL(path="/" + rest, query=request.url.query.encode()),
            headers=[(k, v) for k, v in request.headers.items() if k.lower() != "host"],
            content=await request.body(),
        )
        answer = await simulator.handle_async(outgoing)
        response = Response(
            content=answer.content,
            status_code=answer.status_code,
            headers={
                k: v for k, v in answer.headers.items() if k.lower() not in ("content-length", "content-encoding")
            },
        )
        await response(scope, receive, send)
