"""`GET /metrics`: the Prometheus text format, for a scraper that presents a credential with `system:read`
(an operator key or above; Prometheus sends it with `authorization: {credentials_file: ...}`). The security counters
and the threat level say what is being tried against the server, so they are not public."""

from __future__ import annotations

from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from sentia_server.auth.challenge import REFUSED_CREDENTIAL_TEXT, bearer_challenge
from sentia_server.auth.permissions import Permission, is_allowed
from sentia_server.runtime import Runtime

METRICS_PATH = "/metrics"


def metrics_routes(runtime: Runtime) -> list[Route]:
    settings = runtime.settings

    async def metrics(request: Request) -> Response:
        """The current threat level is computed first, so the gauge is fresh in every scrape."""
        scheme, _, credential = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not credential.strip():
            return JSONResponse(
                {"error": "invalid_token", "error_description": "send a credential as Authorization: Bearer"},
                status_code=401,
                headers={"www-authenticate": bearer_challenge(settings)},
            )
        principal = await runtime.credentials.authenticate(credential.strip())
        if principal is None:
            return JSONResponse(
                {"error": "invalid_token", "error_description": REFUSED_CREDENTIAL_TEXT},
                status_code=401,
                headers={"www-authenticate": bearer_challenge(settings, error="invalid_token")},
            )
        if not is_allowed(principal.role, Permission.SYSTEM_READ):
            return JSONResponse(
                {
                    "error": "insufficient_scope",
                    "error_description": f"metrics need the {Permission.SYSTEM_READ.value} permission (operator or "
                    f"above); this credential has the role {principal.role.value}",
                },
                status_code=403,
            )
        await runtime.security.current_level()
        return Response(generate_latest(runtime.metrics), media_type=CONTENT_TYPE_LATEST)

    return [Route(METRICS_PATH, metrics, methods=["GET"])]
