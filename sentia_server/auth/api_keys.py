"""API keys: `sentia_<key id>_<secret>`. Only a SHA-256 hash is stored; the key is shown once, at creation.

The secret carries 256 random bits, so a fast unsalted hash is enough: there is nothing to brute-force.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update

from sentia_server.auth.principal import AuthMethod, Principal, Role
from sentia_server.storage.database import Database
from sentia_server.storage.tables import ApiKey, utcnow

KEY_PREFIX = "sentia"
_KEY_ID_BYTES = 8
_SECRET_BYTES = 32
HASH_SCHEME = "sha256"


@dataclass(frozen=True, slots=True)
class IssuedKey:
    """A freshly created key. `token` exists only here: it is not stored and cannot be shown again."""

    key_id: str
    token: str
    role: Role
    tenant: str
    name: str | None
    expires_at: datetime | None


@dataclass(frozen=True, slots=True)
class ApiKeyInfo:
    """What can be shown about a stored key."""

    key_id: str
    name: str | None
    role: Role
    tenant: str
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None

    @property
    def state(self) -> str:
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_at is not None and self.expires_at <= utcnow():
            return "expired"
        return "active"


def looks_like_api_key(token: str) -> bool:
    return token.startswith(f"{KEY_PREFIX}_")


def split_key(token: str) -> tuple[str, str] | None:
    """(key id, secret) of a well-formed key, else None."""
    parts = token.split("_", 2)
    if len(parts) != 3 or parts[0] != KEY_PREFIX:
        return None
    key_id, secret = parts[1], parts[2]
    if len(key_id) != _KEY_ID_BYTES * 2 or not all(c in "0123456789abcdef" for c in key_id) or len(secret) < 32:
        return None
    return key_id, secret


def hash_key(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class ApiKeyStore:
    """Creates, verifies, lists and revokes API keys in the `api_keys` table."""

    def __init__(self, database: Database) -> None:
        self._database = database

    async def create(
        self, *, role: Role, tenant: str, name: str | None = None, ttl: timedelta | None = None
    ) -> IssuedKey:
        key_id = secrets.token_hex(_KEY_ID_BYTES)
        token = f"{KEY_PREFIX}_{key_id}_{secrets.token_urlsafe(_SECRET_BYTES)}"
        created_at = utcnow()
        expires_at = created_at + ttl if ttl is not None else None
        async with self._database.session() as session:
            session.add(
                ApiKey(
                    id=key_id,
                    key_hash=hash_key(token),
                    hash_scheme=HASH_SCHEME,
                    name=name,
                    role=role.value,
                    tenant=tenant,
                    created_at=created_at,
                    expires_at=expires_at,
                )
            )
        return IssuedKey(key_id=key_id, token=token, role=role, tenant=tenant, name=name, expires_at=expires_at)

    async def authenticate(self, token: str) -> Principal | None:
        """The principal of a valid, unexpired, unrevoked key; None for anything else."""
        parts = split_key(token)
        if parts is None:
            return None
        async with self._database.session() as session:
            row = await session.get(ApiKey, parts[0])
        if row is None or not hmac.compare_digest(row.key_hash, hash_key(token)):
            return None
        if row.revoked_at is not None or (row.expires_at is not None and row.expires_at <= utcnow()):
            return None
        return Principal(
            subject=f"api-key:{row.id}", role=Role(row.role), tenant=row.tenant, auth_method=AuthMethod.API_KEY
        )

    async def get(self, key_id: str) -> ApiKeyInfo | None:
        async with self._database.session() as session:
            row = await session.get(ApiKey, key_id)
        return _info(row) if row is not None else None

    async def list(self) -> list[ApiKeyInfo]:
        async with self._database.session() as session:
            rows = (await session.scalars(select(ApiKey).order_by(ApiKey.created_at))).all()
        return [_info(row) for row in rows]

    async def revoke(self, key_id: str) -> bool:
        """Revoke a key; False when no active key has that id."""
        async with self._database.session() as session:
            result = await session.execute(
                update(ApiKey).where(ApiKey.id == key_id, ApiKey.revoked_at.is_(None)).values(revoked_at=utcnow())
            )
        return bool(getattr(result, "rowcount", 0))


def _info(row: ApiKey) -> ApiKeyInfo:
    return ApiKeyInfo(
        key_id=row.id,
        name=row.name,
        role=Role(row.role),
        tenant=row.tenant,
        created_at=row.created_at,
        expires_at=row.expires_at,
        revoked_at=row.revoked_at,
    )
