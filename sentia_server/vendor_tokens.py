"""Vendor tokens shared by every replica: Xero's TokenStore over the encrypted `vendor_tokens` table, and the Xero
client of the process built with it when the app uses the authorization code flow.

Refreshes are serialised across replicas by the table's compare-and-swap: a replica whose save lost keeps the
winner's tokens (the refresh path reloads after saving), and a replica whose refresh was refused because the winner
had already spent the refresh token uses the winner's tokens too, instead of refreshing again.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import httpx
import structlog

from sentia_server.config import Settings
from sentia_server.integrations.http import RateLimiter, VendorError, VendorNotConfigured
from sentia_server.integrations.settings import XeroSettings
from sentia_server.integrations.xero import XeroClient, build_xero_client
from sentia_server.integrations.xero.auth import TokenSet
from sentia_server.runtime import Runtime
from sentia_server.security.encryption import KEYS_VARIABLE, DecryptionError
from sentia_server.storage.vendor_tokens import TokenValues, VendorTokenRepository

log = structlog.get_logger(__name__)

XERO = "xero"
XERO_CALLBACK_PATH = "/oauth/xero/callback"
XeroFactory = Callable[[XeroSettings, "httpx.AsyncBaseTransport | None", RateLimiter], XeroClient]


class DatabaseTokenStore:
    """A vendor's TokenStore (see `integrations.xero.auth.TokenStore`) over `vendor_tokens`. It remembers the
    version of the set it last loaded for each account, so that `save` replaces only that version."""

    def __init__(self, repository: VendorTokenRepository, *, vendor: str = XERO) -> None:
        self._repository = repository
        self._vendor = vendor
        self._versions: dict[str, int] = {}
        self._tenants: dict[str, str | None] = {}

    async def load(self, key: str) -> TokenSet | None:
        try:
            stored = await self._repository.load(self._vendor, key)
        except DecryptionError as error:
            raise VendorError(
                self._vendor,
                f"the stored tokens cannot be decrypted: {error}",
                hint="restore the key that encrypted them, or connect the organisation again at /oauth/xero/authorize",
            ) from None
        if stored is None:
            self._versions.pop(key, None)
            return None
        self._versions[key] = stored.version
        self._tenants[key] = stored.values.tenant
        return _token_set(stored.values)

    async def save(self, key: str, tokens: TokenSet) -> None:
        values = _values(tokens, tenant=self._tenants.get(key))
        saved = await self._repository.save(self._vendor, key, values, expected_version=self._versions.get(key))
        if saved is None:
            log.info("vendor tokens were saved by another replica first; keeping theirs", vendor=self._vendor)
            await self.load(key)
            return
        self._versions[key] = saved.version

    async def connect(self, key: str, tokens: TokenSet, *, tenant: str | None) -> None:
        """Store the tokens of a new consent, replacing whatever was stored."""
        saved = await self._repository.replace(self._vendor, key, _values(tokens, tenant=tenant))
        self._versions[key] = saved.version
        self._tenants[key] = tenant


def _values(tokens: TokenSet, *, tenant: str | None) -> TokenValues:
    return TokenValues(
        access_token=tokens.access_token,
        refresh_token=tokens.refresh_token,
        expires_at=datetime.fromtimestamp(tokens.expires_at, UTC),
        obtained_at=datetime.fromtimestamp(tokens.obtained_at, UTC),
        scope=tokens.scope,
        tenant=tenant,
    )


def _token_set(values: TokenValues) -> TokenSet:
    return TokenSet(
        access_token=values.access_token,
        expires_at=values.expires_at.timestamp(),
        refresh_token=values.refresh_token,
        scope=values.scope,
        obtained_at=values.obtained_at.timestamp(),
    )


def xero_token_store(runtime: Runtime) -> DatabaseTokenStore:
    """The database token store; VendorNotConfigured (naming the setting) when no encryption key is configured."""
    keyring = runtime.settings.encryption_keyring
    if keyring is None:
        raise VendorNotConfigured(
            XERO, [f"{KEYS_VARIABLE} (the authorization code flow keeps Xero's refresh tokens encrypted)"]
        )
    return DatabaseTokenStore(VendorTokenRepository(runtime.database, keyring))


def xero_client_factory(runtime: Runtime, **options: Any) -> XeroFactory:
    """Builds the Xero client, with the database token store when the app uses the authorization code flow.
    `options` go to `build_xero_client` (tests pass a clock, a retry policy and a sleep)."""

    def build(
        settings: XeroSettings, transport: httpx.AsyncBaseTransport | None, rate_limiter: RateLimiter
    ) -> XeroClient:
        store = xero_token_store(runtime) if settings.auth_flow == "authorization_code" else None
        return build_xero_client(settings, transport, rate_limiter, token_store=store, **options)

    return build


def xero_client(runtime: Runtime) -> XeroClient:
    """The process's Xero client (built on first use)."""
    return runtime.vendors.get(XERO, xero_client_factory(runtime))


def xero_redirect_uri(settings: Settings) -> str:
    """SENTIA_XERO__REDIRECT_URI, or the callback route under the server's public URL."""
    return settings.xero.redirect_uri or f"{settings.resolved_public_url}{XERO_CALLBACK_PATH}"
