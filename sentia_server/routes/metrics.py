"""The metrics endpoints.

`/api/metrics/prometheus` serves the Prometheus text format to a scraper presenting either the scrape token
(`SENTIA_METRICS_SCRAPE_TOKEN`, compared in constant time) or a credential with `system:read` (operator or above).
The business, performance and security reports need such a credential; operators see their own tenant, admins see
every tenant. Security counters and the threat level say what is being tried against the server, so none of this is
public.
"""

from __future__ import annotations

import hmac
from datetime import UTC, datetime, timedelta

from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from sentia_server.auth.challenge import REFUSED_CREDENTIAL_TEXT, bearer_challenge
from sentia_server.auth.permissions import Permission, is_allowed
from sentia_server.auth.principal import Principal, Role
from sentia_server.mcp import default_registry
from sentia_server.observability.reports import business_report, performance_report, security_report
from sentia_server.runtime import Runtime

PROMETHEUS_PATH = "/api/metrics/prometheus"
BUSINESS_PATH = "/api/metrics/business"
PERFORMANCE_PATH = "/api/metrics/performance"
SECURITY_PATH = "/api/metrics/security"


def _bearer(request: Request) -> str | None:
    scheme, _, credential = request.headers.get("authorization", "").partition(" ")
    return credential.strip() if scheme.lower() == "bearer" and credential.strip() else None


def _scrape_token_matches(request: Request, runtime: Runtime) -> bool:
    token, credential = runtime.settings.metrics_scrape_token, _bearer(request)
    if token is None or credential is None:
        return False
    return hmac.compare_digest(credential.encode(), token.get_secret_value().encode())


async def _authorize(request: Request, runtime: Runtime) -> Principal | Response:
    """The principal of an operator or admin credential, or the refusal to send."""
    settings = runtime.settings
    credential = _bearer(request)
    if credential is None:
        return JSONResponse(
            {"error": "invalid_token", "error_description": "send a credential as Authorization: Bearer"},
            status_code=401,
            headers={"www-authenticate": bearer_challenge(settings)},
        )
    principal = await runtime.credentials.authenticate(credential)
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
    return principal


def _window_days(request: Request, default: int) -> int | JSONResponse:
    raw = request.query_params.get("days")
    if raw is None:
        return default
    if not raw.isdigit() or not 1 <= int(raw) <= 3650:
        return JSONResponse(
            {
                "error": "invalid_request",
                "error_description": f"days must be a whole number from 1 to 3650, not {raw!r}",
            },
            status_code=400,
        )
    return int(raw)


def metrics_routes(runtime: Runtime) -> list[Route]:
    settings = runtime.settings
    categories = {spec.name: spec.category.value for spec in default_registry()}

    async def prometheus(request: Request) -> Response:
        """The threat level and the dependency gauges are computed first, so they are fresh in every scrape."""
        if not _scrape_token_matches(request, runtime):
            principal = await _authorize(request, runtime)
            if isinstance(principal, Response):
                return principal
        await runtime.security.current_level()
        health = {
            dependency.name: dependency.status != "failed" for dependency in (await runtime.check_health()).dependencies
        }
        runtime.metrics.set_dependencies(database_up=health["database"], cache_up=health["cache"])
        return Response(generate_latest(runtime.metrics.registry), media_type=CONTENT_TYPE_LATEST)

    async def business(request: Request) -> Response:
        principal = await _authorize(request, runtime)
        if isinstance(principal, Response):
            return principal
        days = _window_days(request, settings.metrics.report_window_days)
        if isinstance(days, Response):
            return days
        await runtime.tool_log.flush()  # the calls of the last moments count too
        until = datetime.now(UTC)
        report = await business_report(
            runtime.database,
            settings.metrics,
            categories,
            since=until - timedelta(days=days),
            until=until,
            tenant=None if principal.role is Role.ADMIN else principal.tenant,
        )
        return JSONResponse(report)

    async def performance(request: Request) -> Response:
        principal = await _authorize(request, runtime)
        if isinstance(principal, Response):
            return principal
        return JSONResponse(performance_report(runtime.metrics.performance))

    async def security(request: Request) -> Response:
        principal = await _authorize(request, runtime)
        if isinstance(principal, Response):
            return principal
        keys = await runtime.api_keys.list()
        if principal.role is not Role.ADMIN:
            keys = [key for key in keys if key.tenant == principal.tenant]
        report = await security_report(runtime.database, keys, settings.metrics, now=datetime.now(UTC))
        return JSONResponse(report)

    return [
        Route(PROMETHEUS_PATH, prometheus, methods=["GET"]),
        Route(BUSINESS_PATH, business, methods=["GET"]),
        Route(PERFORMANCE_PATH, performance, methods=["GET"]),
        Route(SECURITY_PATH, security, methods=["GET"]),
    ]
