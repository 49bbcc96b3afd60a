"""Connecting a Xero organisation through Xero's consent page: OAuth 2.0 authorization code with PKCE (S256).

`GET /oauth/xero/authorize` (an admin's API key or JWT as `Authorization: Bearer`) redirects to the consent page;
with `Accept: application/json` it answers the URL instead, for an admin who calls it with curl and opens the URL in
a browser. The state and the PKCE verifier wait in the cache, encrypted, for 10 minutes and are used once.
`GET /oauth/xero/callback` is where Xero sends the browser back: it checks the state, exchanges the code with the
verifier, stores the tokens encrypted, and says which organisations are connected.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
import secrets
from dataclasses import asdict, dataclass
from typing import Any

import structlog
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from sentia_server.auth.challenge import bearer_challenge
from sentia_server.auth.principal import Principal, Role
from sentia_server.integrations.http import VendorError
from sentia_server.integrations.xero.auth import authorization_url, exchange_code, pkce_pair
from sentia_server.observability.context import request_id_var
from sentia_server.runtime import Runtime
from sentia_server.security.encryption import KEYS_VARIABLE, DecryptionError
from sentia_server.storage.audit_events import Action, AuditRecord, Outcome
from sentia_server.vendor_tokens import xero_client, xero_redirect_uri, xero_token_store

log = structlog.get_logger(__name__)

AUTHORIZE_PATH = "/oauth/xero/authorize"
CALLBACK_PATH = "/oauth/xero/callback"
STATE_TTL_SECONDS = 600
_STATE_KEY_PREFIX = "oauth:xero:state:"
_OAUTH_ERROR_CODE = re.compile(r"^[a-z_]{1,64}$")
_START_AGAIN = f"start again at {AUTHORIZE_PATH}"


@dataclass(frozen=True, slots=True)
class _PendingConsent:
    verifier: str
    redirect_uri: str
    subject: str
    tenant: str


def oauth_routes(runtime: Runtime) -> list[Route]:
    async def authorize(request: Request) -> Response:
        """Send an admin to Xero's consent page, with a single-use state and a PKCE challenge."""
        principal = await _admin(runtime, request)
        if isinstance(principal, Response):
            return principal
        settings = runtime.settings
        xero = settings.xero
        if xero.auth_flow != "authorization_code":
            return _error(
                request,
                409,
                "wrong_auth_flow",
                "SENTIA_XERO__AUTH_FLOW is client_credentials (a Custom Connection, which needs no consent); set it "
                "to authorization_code to connect organisations through Xero's consent page",
            )
        missing = xero.missing_settings()
        if missing:
            return _error(request, 503, "not_configured", f"Xero is not configured: set {', '.join(missing)}")
        keyring = settings.encryption_keyring
        if keyring is None:
            return _error(
                request,
                503,
                "not_configured",
                f"set {KEYS_VARIABLE}: the tokens Xero issues are stored encrypted and no encryption key is set",
            )
        state = secrets.token_urlsafe(32)
        verifier, challenge = pkce_pair()
        redirect_uri = xero_redirect_uri(settings)
        pending = _PendingConsent(verifier, redirect_uri, principal.subject, principal.tenant)
        key = state_cache_key(state)
        sealed = keyring.encrypt(json.dumps(asdict(pending)).encode(), associated_data=key.encode())
        await runtime.cache.set(key, sealed.encode(), STATE_TTL_SECONDS)
        url = authorization_url(
            client_id=xero.client_id or "",
            redirect_uri=redirect_uri,
            scopes=xero.scopes,
            state=state,
            code_challenge=challenge,
            authorize_url=xero.authorize_url,
        )
        log.info("xero consent started", subject=principal.subject, tenant=principal.tenant)
        if "application/json" in request.headers.get("accept", ""):
            return JSONResponse({"authorization_url": url, "expires_in": STATE_TTL_SECONDS})
        return RedirectResponse(url, status_code=302)

    async def callback(request: Request) -> Response:
        """Finish the consent: state check, code exchange, tokens stored, organisations listed."""
        query = request.query_params
        state = query.get("state")
        pending = await _take_state(runtime, state) if state else None
        if "error" in query:
            code = query["error"] if _OAUTH_ERROR_CODE.match(query["error"]) else "unknown_error"
            reason = "the user refused access" if code == "access_denied" else f"Xero answered {code}"
            return _error(request, 400, code, f"Xero did not authorise the connection ({reason}); {_START_AGAIN}")
        if pending is None:
            return _error(
                request,
                400,
                "invalid_state",
                f"the state is missing, unknown, expired (it lasts {STATE_TTL_SECONDS // 60} minutes) or already "
                f"used; {_START_AGAIN}",
            )
        if not query.get("code"):
            return _error(
                request, 400, "invalid_request", f"the callback carries no authorization code; {_START_AGAIN}"
            )
        try:
            client = xero_client(runtime)
            store = xero_token_store(runtime)
        except VendorError as error:
            return _error(request, 503, "not_configured", str(error))
        xero = runtime.settings.xero
        secret = xero.client_secret.get_secret_value() if xero.client_secret else None
        client_id = xero.client_id or ""
        try:
            tokens = await exchange_code(
                client.identity,
                client_id=client_id,
                client_secret=secret,
                code=query["code"],
                redirect_uri=pending.redirect_uri,
                code_verifier=pending.verifier,
            )
        except VendorError as error:
            return _error(request, 502, "token_exchange_failed", f"{error}; {_START_AGAIN}")
        await store.connect(client_id, tokens, tenant=pending.tenant)
        await runtime.audit.record(
            AuditRecord(
                action=Action.XERO_CONNECT,
                outcome=Outcome.SUCCESS,
                actor=pending.subject,
                tenant=pending.tenant,
                target=f"xero:{client_id}",
                request_id=request_id_var.get(),
            )
        )
        try:
            connections = await client.connections(refresh=True)
        except VendorError as error:
            return _error(
                request,
                502,
                "connections_failed",
                f"the authorisation is stored, but listing the connected organisations failed: {error}",
            )
        organisations = [{"tenant_id": c.tenant_id, "tenant_name": c.tenant_name} for c in connections]
        log.info("xero connected", subject=pending.subject, tenant=pending.tenant, organisations=len(organisations))
        body = {"status": "connected", "organisations": organisations}
        if _wants_html(request):
            items = "".join(
                f"<li>{html.escape(o['tenant_name'])} ({html.escape(o['tenant_id'])})</li>" for o in organisations
            )
            return HTMLResponse(_page("Xero connected", f"<p>Connected organisations:</p><ul>{items}</ul>"))
        return JSONResponse(body)

    return [
        Route(AUTHORIZE_PATH, authorize, methods=["GET"]),
        Route(CALLBACK_PATH, callback, methods=["GET"]),
    ]


async def _admin(runtime: Runtime, request: Request) -> Principal | Response:
    """The admin the bearer credential proves, or the 401/403 to answer."""
    scheme, _, credential = request.headers.get("authorization", "").partition(" ")
    challenge = {"www-authenticate": bearer_challenge(runtime.settings, error="invalid_token")}
    if scheme.lower() != "bearer" or not credential.strip():
        return _error(
            request, 401, "invalid_token", "send an admin's API key or JWT as Authorization: Bearer", headers=challenge
        )
    principal = await runtime.credentials.authenticate(credential.strip())
    if principal is None:
        return _error(request, 401, "invalid_token", "the credential is unknown, expired or revoked", headers=challenge)
    if principal.role is not Role.ADMIN:
        return _error(
            request,
            403,
            "insufficient_scope",
            f"connecting a Xero organisation needs the admin role; this credential has {principal.role.value}",
            headers={
                "www-authenticate": bearer_challenge(
                    runtime.settings, error="insufficient_scope", scope=Role.ADMIN.value
                )
            },
        )
    return principal


def state_cache_key(state: str) -> str:
    """The cache key of a state: its hash, so that the cache never holds a usable state."""
    return _STATE_KEY_PREFIX + hashlib.sha256(state.encode()).hexdigest()


async def _take_state(runtime: Runtime, state: str) -> _PendingConsent | None:
    """The consent started with `state`, removed so that it cannot be used twice; None when unknown or expired."""
    keyring = runtime.settings.encryption_keyring
    key = state_cache_key(state)
    sealed = await runtime.cache.get(key)
    if sealed is None or keyring is None:
        return None
    await runtime.cache.delete(key)
    try:
        data: dict[str, Any] = json.loads(keyring.decrypt(sealed.decode(), associated_data=key.encode()))
    except (DecryptionError, ValueError):
        log.warning("xero consent state could not be read", reason="undecryptable")
        return None
    return _PendingConsent(**data)


def _wants_html(request: Request) -> bool:
    return "text/html" in request.headers.get("accept", "")


def _error(
    request: Request, status: int, code: str, message: str, *, headers: dict[str, str] | None = None
) -> Response:
    """`{"error", "error_description"}`, or a short page for a browser."""
    if _wants_html(request):
        body = _page("Xero connection failed", f"<p>{html.escape(message)}</p><p>Error: {html.escape(code)}</p>")
        return HTMLResponse(body, status_code=status, headers=headers)
    return JSONResponse({"error": code, "error_description": message}, status_code=status, headers=headers)


def _page(title: str, content: str) -> str:
    head = f'<!doctype html><html lang="en"><head><title>{title}</title></head>'
    return f"{head}<body><h1>{title}</h1>{content}</body></html>"
