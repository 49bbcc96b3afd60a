"""The plant's status page, served with the security headers a browser needs."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from acme_plant.server import STOCK

SECURITY_HEADERS = {
    "content-security-policy": "default-src 'none'; frame-ancestors 'none'",
    "strict-transport-security": "max-age=31536000; includeSubDomains",
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
}


async def status(request: Request) -> Response:
    return JSONResponse({"skus": len(STOCK), "units": sum(STOCK.values())}, headers=SECURITY_HEADERS)


app = Starlette(routes=[Route("/status", status)])
