"""Liveness and readiness for load balancers and orchestrators. Neither needs credentials; neither shows internals.

Readiness fails (503) only when the server cannot do its job: the database does not answer or lacks migrations.
A degraded cache (Redis down, serving from memory) or a vendor in trouble is reported with status 200 and
`"status": "degraded"`: taking the replica out of rotation would not bring the vendor back, and would stop every
tool that does not need it. Vendor states are what the last real calls saw; probes never call a vendor.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from sentia_server.integrations.health import VendorState
from sentia_server.runtime import DependencyHealth, Runtime


def dependency_detail(dependency: DependencyHealth) -> dict[str, object]:
    """One dependency as JSON; migration revisions only where they apply (the database, when it answers)."""
    body: dict[str, object] = {
        "status": dependency.status,
        "backend": dependency.backend,
        "latency_ms": dependency.latency_ms,
        "detail": dependency.detail,
    }
    if dependency.head_revision is not None:
        body["migrations"] = {"current": dependency.revision, "head": dependency.head_revision}
    return body


def vendor_details(vendors: tuple[VendorState, ...]) -> dict[str, dict[str, object]]:
    return {vendor.name: vendor.as_dict() for vendor in vendors}


def health_routes(runtime: Runtime) -> list[Route]:
    async def liveness(_request: Request) -> JSONResponse:
        """The process is up and serving HTTP; says nothing about its dependencies, so it never calls them. The
        vendors' last known states cost nothing to read and are included."""
        return JSONResponse(
            {
                "status": "ok",
                "version": runtime.version,
                "uptime_seconds": round(runtime.uptime_seconds, 3),
                "vendors": vendor_details(runtime.vendor_health()),
            }
        )

    async def readiness(_request: Request) -> JSONResponse:
        """200 when the database answers at the expected migration (cache or vendors may be degraded); 503 naming
        what failed otherwise."""
        report = await runtime.check_health()
        checks = {dependency.name: dependency_detail(dependency) for dependency in report.dependencies}
        failed = [dependency.name for dependency in report.dependencies if dependency.status == "failed"]
        body: dict[str, object] = {
            "status": report.status,
            "checks": checks,
            "vendors": vendor_details(report.vendors),
            **({"failed": failed} if failed else {}),
        }
        return JSONResponse(body, status_code=503 if failed else 200)

    return [
        Route("/health", liveness, methods=["GET"]),
        Route("/health/ready", readiness, methods=["GET"]),
    ]
