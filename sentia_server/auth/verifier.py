"""One entry point for every credential: an API key or a JWT in, a `Principal` (or nothing) out.

`CredentialVerifier` is also the MCP SDK's `TokenVerifier`, so the SDK's bearer middleware answers unauthenticated
requests with 401. Each refusal is logged and noted on the request's `AuthAttempt` as a reason class, so that the
HTTP layer can audit it and count it towards a lockout; the credential itself is never logged.
"""

from __future__ import annotations

import asyncio
from contextvars import ContextVar

import structlog
from mcp.server.auth.middleware.auth_context import get_access_token
from mcp.server.auth.provider import AccessToken

from sentia_server.auth.api_keys import ApiKeyStore, looks_like_api_key
from sentia_server.auth.attempt import CredentialRefused, note_refusal
from sentia_server.auth.jwt_tokens import JwtVerifier
from sentia_server.auth.principal import AuthMethod, Principal, Role

log = structlog.get_logger(__name__)

_verdicts: ContextVar[dict[str, AccessToken | None] | None] = ContextVar("sentia_credential_verdicts", default=None)


class RememberedVerdicts:
    """Within one request, a credential verified once is not verified (or its refusal logged) again when a second
    layer asks: the direct `tools/call` endpoint verifies first and hands some requests on to the SDK's bearer
    middleware. Opened per request and forgotten at its end, so a revocation counts from the next request."""

    def __init__(self) -> None:
        self._token = _verdicts.set({})

    def forget(self) -> None:
        _verdicts.reset(self._token)


class CredentialVerifier:
    def __init__(self, api_keys: ApiKeyStore, jwts: JwtVerifier) -> None:
        self._api_keys = api_keys
        self._jwts = jwts

    async def authenticate(self, credential: str) -> Principal | None:
        """The principal a credential proves, or None; the reason for a refusal is logged, the credential never."""
        kind = "api_key" if looks_like_api_key(credential) else "jwt"
        try:
            return await self._verify(kind, credential)
        except CredentialRefused as refusal:
            log.info("credential refused", kind=kind, reason=refusal.reason, detail=str(refusal))
            note_refusal(kind, refusal.reason)
            return None

    async def _verify(self, kind: str, credential: str) -> Principal:
        if kind == "api_key":
            return await self._api_keys.verify(credential)
        if not self._jwts.enabled:
            raise CredentialRefused("no JWT verification key is configured", reason="jwt_not_configured")
        if self._jwts.fetches_keys:
            # Reading the identity provider's JWKS may wait on the network: keep it off the event loop.
            return await asyncio.to_thread(self._jwts.verify, credential)
        return self._jwts.verify(credential)

    async def verify_token(self, token: str) -> AccessToken | None:
        verdicts = _verdicts.get()
        if verdicts is not None and token in verdicts:
            return verdicts[token]
        access = await self._access_token(token)
        if verdicts is not None:
            verdicts[token] = access
        return access

    async def _access_token(self, token: str) -> AccessToken | None:
        principal = await self.authenticate(token)
        if principal is None:
            return None
        return AccessToken(
            token=token,
            client_id=principal.subject,
            subject=principal.subject,
            scopes=[principal.role.value],
            claims={"role": principal.role.value, "tenant": principal.tenant, "auth_method": principal.auth_method},
        )


def principal_from_request_context() -> Principal | None:
    """The principal the HTTP bearer middleware authenticated for the current request, if any."""
    token = get_access_token()
    if token is None or token.claims is None:
        return None
    return Principal(
        subject=token.subject or token.client_id,
        role=Role(token.claims["role"]),
        tenant=str(token.claims["tenant"]),
        auth_method=AuthMethod(token.claims["auth_method"]),
    )
