"""Liveness and readiness for load balancers and orchestrators. Neither needs credentials; neither shows internals."""

from __future__ import annotations

from dataclasses import asdict

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from sentia_server.runtime import Runtime


def health_routes(runtime: Runtime) -> list[Route]:
    async def liveness(_request: Request) -> JSONResponse:
        """The process is up and serving HTTP; says nothing about its dependencies."""
        return JSONResponse({"status": "ok", "version": runtime.version})

    async def readiness(_request: Request) -> JSONResponse:
        """200 when the database answers (the cache may be degraded to memory); 503 naming what failed otherwise."""
        report = await runtime.check_health()
        checks = {dependency.name: asdict(dependency) for dependency in report.dependencies}
        for check in checks.values():
            del check["name"]
        failed = [dependency.name for dependency in report.dependencies if dependency.status == "failed"]
        body: dict[str, object] = {"status": report.status, "checks": checks, **({"failed": failed} if failed else {})}
        return JSONResponse(body, status_code=503 if failed else 200)

    return [
        Route("/health", liveness, methods=["GET"]),
        Route("/health/ready", readiness, methods=["GET"]),
    ]
