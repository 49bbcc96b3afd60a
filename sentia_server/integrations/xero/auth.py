"""Xero OAuth 2.0: custom connections (client credentials) and standard apps (authorization code + PKCE).

- Custom connection: POST https://identity.xero.com/connect/token with HTTP Basic `client_id:client_secret` and
  `grant_type=client_credentials`; the access token lives 30 minutes and there is no refresh token, so a new one is
  requested shortly before expiry and once after a 401.
  https://developer.xero.com/documentation/guides/oauth2/custom-connections/
- Standard app: the user consents at login.xero.com; the code is exchanged (with the PKCE verifier) for an access
  token and a refresh token. Refresh tokens last 60 days and rotate: each refresh returns a new one that must be
  stored at once, because the old one stops working.
  https://developer.xero.com/documentation/guides/oauth2/auth-flow/ and .../oauth2/pkce-flow/
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import secrets
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Protocol
from urllib.parse import urlencode

import httpx

from sentia_server.integrations.http import VendorError, VendorHttpClient
from sentia_server.integrations.xero.errors import VENDOR, body_of

AUTHORIZE_URL = "https://login.xero.com/identity/connect/authorize"
GRANT_ENDPOINT = "/connect/token"
EXPIRY_MARGIN_SECONDS = 120.0
"""A token this close to expiry is replaced before use, so a call never starts with a token about to lapse."""
RENEWAL_AFTER_401_SECONDS = 10.0
"""After a 401 a token is renewed only if it is older than this: when several calls are refused at once the first
renews it and the others use the new one, and a token refused right after it was issued is not renewed again."""

Clock = Callable[[], float]

_TOKEN_ERROR_HINTS = {
    "invalid_client": "check SENTIA_XERO__CLIENT_ID and SENTIA_XERO__CLIENT_SECRET",
    "invalid_grant": "the authorisation has expired or was revoked; connect the Xero organisation again",
    "invalid_scope": "request only scopes the app was granted (SENTIA_XERO__SCOPES)",
    "unauthorized_client": "this app may not use this grant; client credentials need a Xero Custom Connection",
    "unsupported_grant_type": "this app may not use this grant; check SENTIA_XERO__AUTH_FLOW",
}


@dataclass(frozen=True)
class TokenSet:
    """Tokens from the identity service. `expires_at` is a Unix time; secrets are kept out of the repr."""

    access_token: str = field(repr=False)
    expires_at: float
    refresh_token: str | None = field(default=None, repr=False)
    scope: str = ""
    obtained_at: float = 0.0

    def expiring(self, now: float, margin: float = EXPIRY_MARGIN_SECONDS) -> bool:
        return now >= self.expires_at - margin

    def needs_renewal(self, now: float, *, refused: bool) -> bool:
        """Before expiry, or after a 401 when the token is not one just obtained."""
        return self.expiring(now) or (refused and now - self.obtained_at >= RENEWAL_AFTER_401_SECONDS)


class TokenStore(Protocol):
    """Where a standard app's tokens live between calls and processes. `save` must replace the stored set
    atomically: a refresh token rotates on every use, and losing the new one loses the authorisation. A store shared
    by several processes may keep a set another process saved first instead (compare-and-swap); `load` after `save`
    returns the set to use."""

    async def load(self, key: str) -> TokenSet | None: ...

    async def save(self, key: str, tokens: TokenSet) -> None: ...


class InMemoryTokenStore:
    """A TokenStore for tests and single-process runs."""

    def __init__(self) -> None:
        self._tokens: dict[str, TokenSet] = {}

    async def load(self, key: str) -> TokenSet | None:
        return self._tokens.get(key)

    async def save(self, key: str, tokens: TokenSet) -> None:
        self._tokens[key] = tokens


def pkce_pair() -> tuple[str, str]:
    """A PKCE code verifier (43 to 128 characters) and its S256 challenge."""
    verifier = secrets.token_urlsafe(64)
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def authorization_url(
    *,
    client_id: str,
    redirect_uri: str,
    scopes: str,
    state: str,
    code_challenge: str,
    authorize_url: str = AUTHORIZE_URL,
) -> str:
    """The consent page to send the user to. `offline_access` is what makes Xero issue a refresh token."""
    scope = " ".join(dict.fromkeys(["offline_access", *scopes.split()]))
    query = urlencode(
        {
            "response_type": "code",
            "client_id": client_id,
            "redirect_uri": redirect_uri,
            "scope": scope,
            "state": state,
            "code_challenge": code_challenge,
            "code_challenge_method": "S256",
        }
    )
    return f"{authorize_url}?{query}"


async def request_token(
    identity: VendorHttpClient,
    form: Mapping[str, str],
    *,
    client_id: str,
    client_secret: str | None,
    clock: Clock = time.time,
) -> TokenSet:
    """POST the form to the token endpoint. With a secret the client authenticates with HTTP Basic; a PKCE app
    without one sends its client_id in the form."""
    body = dict(form)
    headers = {"content-type": "application/x-www-form-urlencoded"}
    if client_secret:
        pair = f"{client_id}:{client_secret}".encode()
        headers["authorization"] = "Basic " + base64.b64encode(pair).decode("ascii")
    else:
        body["client_id"] = client_id
    grant = form.get("grant_type", "token")
    response = await identity.request(
        "POST", GRANT_ENDPOINT, content=urlencode(body).encode(), headers=headers, expected=frozenset({200, 400, 401})
    )
    answer = body_of(response)
    if response.status_code != 200:
        raise _token_error(grant, response, answer)
    if not isinstance(answer, dict) or not isinstance(answer.get("access_token"), str):
        raise VendorError(
            VENDOR,
            f"the identity service answered the {grant} grant without an access token",
            status=response.status_code,
            hint="try again later",
            retryable=True,
        )
    refresh = answer.get("refresh_token")
    now = clock()
    return TokenSet(
        access_token=answer["access_token"],
        expires_at=now + _seconds(answer.get("expires_in")),
        refresh_token=refresh if isinstance(refresh, str) else None,
        scope=str(answer.get("scope", "")),
        obtained_at=now,
    )


def _seconds(value: Any) -> float:
    """`expires_in`, or Xero's documented 30 minutes when it is absent or not a number."""
    try:
        return float(value)
    except (TypeError, ValueError):
        return 1800.0


def _token_error(grant: str, response: httpx.Response, answer: Any) -> VendorError:
    code = answer.get("error") if isinstance(answer, dict) else None
    code = code if isinstance(code, str) else "unknown_error"
    return VendorError(
        VENDOR,
        f"the identity service refused the {grant} grant ({code})",
        status=response.status_code,
        hint=_TOKEN_ERROR_HINTS.get(code, "check the Xero app settings"),
    )


async def client_credentials_token(
    identity: VendorHttpClient, *, client_id: str, client_secret: str, scopes: str, clock: Clock = time.time
) -> TokenSet:
    form = {"grant_type": "client_credentials", "scope": scopes}
    return await request_token(identity, form, client_id=client_id, client_secret=client_secret, clock=clock)


async def exchange_code(
    identity: VendorHttpClient,
    *,
    client_id: str,
    client_secret: str | None,
    code: str,
    redirect_uri: str,
    code_verifier: str,
    clock: Clock = time.time,
) -> TokenSet:
    """Exchange the code the consent page returned for access and refresh tokens."""
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": redirect_uri,
        "code_verifier": code_verifier,
    }
    return await request_token(identity, form, client_id=client_id, client_secret=client_secret, clock=clock)


async def refresh_tokens(
    identity: VendorHttpClient,
    *,
    client_id: str,
    client_secret: str | None,
    refresh_token: str,
    clock: Clock = time.time,
) -> TokenSet:
    """A new access token and the rotated refresh token that replaces `refresh_token`."""
    form = {"grant_type": "refresh_token", "refresh_token": refresh_token}
    tokens = await request_token(identity, form, client_id=client_id, client_secret=client_secret, clock=clock)
    if tokens.refresh_token is None:  # Xero always rotates; keep the old one rather than lose the authorisation
        tokens = replace(tokens, refresh_token=refresh_token)
    return tokens


def _bearer(tokens: TokenSet) -> dict[str, str]:
    return {"authorization": f"Bearer {tokens.access_token}"}


class ClientCredentialsAuth:
    """Bearer tokens of a custom connection, renewed before expiry and once after a 401."""

    def __init__(
        self,
        identity: VendorHttpClient,
        *,
        client_id: str,
        client_secret: str,
        scopes: str,
        clock: Clock = time.time,
    ) -> None:
        self._identity = identity
        self._client_id = client_id
        self._client_secret = client_secret
        self._scopes = scopes
        self._clock = clock
        self._tokens: TokenSet | None = None
        self._lock = asyncio.Lock()

    async def headers(self, request: httpx.Request, *, refresh: bool) -> Mapping[str, str]:
        async with self._lock:
            tokens = self._tokens
            if tokens is None or tokens.needs_renewal(self._clock(), refused=refresh):
                tokens = await client_credentials_token(
                    self._identity,
                    client_id=self._client_id,
                    client_secret=self._client_secret,
                    scopes=self._scopes,
                    clock=self._clock,
                )
                self._tokens = tokens
            return _bearer(tokens)


class AuthorizationCodeAuth:
    """Bearer tokens of a standard app, from a TokenStore; refreshed (and the rotated refresh token stored)
    before expiry and once after a 401."""

    def __init__(
        self,
        identity: VendorHttpClient,
        *,
        client_id: str,
        client_secret: str | None,
        store: TokenStore,
        key: str,
        clock: Clock = time.time,
    ) -> None:
        self._identity = identity
        self._client_id = client_id
        self._client_secret = client_secret
        self._store = store
        self._key = key
        self._clock = clock
        self._lock = asyncio.Lock()

    async def headers(self, request: httpx.Request, *, refresh: bool) -> Mapping[str, str]:
        async with self._lock:
            tokens = await self._store.load(self._key)
            if tokens is None:
                raise VendorError(
                    VENDOR,
                    "has not been authorised for this server yet",
                    hint="complete the Xero consent flow (authorization code with PKCE) so that a refresh token "
                    "is stored",
                )
            if tokens.needs_renewal(self._clock(), refused=refresh):
                if tokens.refresh_token is None:
                    raise VendorError(
                        VENDOR,
                        "access token expired and no refresh token is stored",
                        hint="connect the Xero organisation again, with the offline_access scope",
                    )
                try:
                    renewed = await refresh_tokens(
                        self._identity,
                        client_id=self._client_id,
                        client_secret=self._client_secret,
                        refresh_token=tokens.refresh_token,
                        clock=self._clock,
                    )
                except VendorError:
                    # Another process may have spent the same refresh token first: use the set it stored.
                    latest = await self._store.load(self._key)
                    if latest is None or latest == tokens or latest.expiring(self._clock()):
                        raise
                    return _bearer(latest)
                await self._store.save(self._key, renewed)
                tokens = await self._store.load(self._key) or renewed
            return _bearer(tokens)
