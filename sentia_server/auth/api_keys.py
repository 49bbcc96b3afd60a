"""API keys: `sentia_<key id>_<secret>`, shown once at creation; only a keyed hash is stored.

The hash is HMAC-SHA256 under a server-side key (`SENTIA_API_KEY_HASH_KEY`; in development and tests, when it is
unset, a random key kept in `<data dir>/api-key-hash.key`). Someone who can write to the database but does not hold
that key cannot plant a working key, and a copy of the table alone verifies nothing. Rows hashed with the older
unkeyed scheme (`sha256`) still verify and are re-hashed with the keyed scheme on their first successful use.
Every key expires (90 days unless said otherwise); a rotation issues a new key with the same role, tenant and name
and revokes the old one now or after a grace period.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import cast

from cachetools import TTLCache
from sqlalchemy import select, update

from sentia_server.auth.attempt import CredentialRefused
from sentia_server.auth.principal import AuthMethod, Principal, Role
from sentia_server.cache.single_flight import SingleFlight
from sentia_server.config import Settings
from sentia_server.storage.database import Database
from sentia_server.storage.tables import ApiKey, utcnow

KEY_PREFIX = "sentia"
_KEY_ID_BYTES = 8
_SECRET_BYTES = 32
HASH_SCHEME = "hmac-sha256"
LEGACY_HASH_SCHEME = "sha256"
HASH_KEY_FILE = "api-key-hash.key"
HASH_KEY_VARIABLE = "SENTIA_API_KEY_HASH_KEY"
_MIN_FILE_KEY_BYTES = 32
DEFAULT_TTL = timedelta(days=90)
_VERIFIED_CACHE_SIZE = 4096
_KEY_ID = re.compile(f"[0-9a-f]{{{_KEY_ID_BYTES * 2}}}")


class HashKeyError(Exception):
    """The API key hash key cannot be read; the message names the file, never its content."""


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


@dataclass(frozen=True, slots=True)
class RotatedKey:
    """The key that replaces `previous`, and when the previous one stops working."""

    issued: IssuedKey
    previous: ApiKeyInfo
    previous_ends_at: datetime


def looks_like_api_key(token: str) -> bool:
    return token.startswith(f"{KEY_PREFIX}_")


def split_key(token: str) -> tuple[str, str] | None:
    """(key id, secret) of a well-formed key, else None."""
    parts = token.split("_", 2)
    if len(parts) != 3 or parts[0] != KEY_PREFIX:
        return None
    key_id, secret = parts[1], parts[2]
    if _KEY_ID.fullmatch(key_id) is None or len(secret) < 32:
        return None
    return key_id, secret


def legacy_hash(token: str) -> str:
    """The unkeyed hash of keys created before keyed hashing; kept only to verify (and re-hash) those rows."""
    return hashlib.sha256(token.encode()).hexdigest()


class ApiKeyHasher:
    """HMAC-SHA256 of a key under the server's hash key, read (or, without a configured key, created) on first use."""

    def __init__(self, key: bytes | None = None, *, key_file: Path | None = None) -> None:
        if key is None and key_file is None:
            raise HashKeyError(f"an API key hasher needs a key: set {HASH_KEY_VARIABLE}")
        self._key = key
        self._key_file = key_file

    @classmethod
    def from_settings(cls, settings: Settings) -> ApiKeyHasher:
        if settings.api_key_hash_key is not None:
            return cls(settings.api_key_hash_key.get_secret_value().encode())
        return cls(key_file=settings.data_dir / HASH_KEY_FILE)

    def __repr__(self) -> str:
        return "ApiKeyHasher(<key hidden>)"

    def digest(self, token: str) -> str:
        return hmac.digest(self._secret(), token.encode(), "sha256").hex()  # the one-shot form runs in C

    def matches(self, stored_hash: str, scheme: str, token: str) -> bool:
        """Constant-time comparison of `token` with a stored hash of either scheme; an unknown scheme never matches."""
        if scheme == HASH_SCHEME:
            return hmac.compare_digest(stored_hash, self.digest(token))
        if scheme == LEGACY_HASH_SCHEME:
            return hmac.compare_digest(stored_hash, legacy_hash(token))
        return False

    def _secret(self) -> bytes:
        if self._key is None:
            self._key = _file_key(cast("Path", self._key_file))
        return self._key


def _file_key(path: Path) -> bytes:
    """The key in `path`, which is created (mode 0600, 32 random bytes, base64) the first time."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass
    else:
        with os.fdopen(descriptor, "w", encoding="ascii") as handle:
            handle.write(base64.b64encode(os.urandom(_MIN_FILE_KEY_BYTES)).decode("ascii") + "\n")
    try:
        key = base64.b64decode(path.read_text(encoding="ascii").strip(), validate=True)
    except (OSError, UnicodeDecodeError, binascii.Error, ValueError) as error:
        raise HashKeyError(f"the API key hash key file {path} cannot be read: {type(error).__name__}") from None
    if len(key) < _MIN_FILE_KEY_BYTES:
        raise HashKeyError(f"the API key hash key file {path} holds fewer than {_MIN_FILE_KEY_BYTES} bytes")
    return key


@dataclass(frozen=True, slots=True)
class _StoredKey:
    """What verifying a key needs of its row, with the principal it proves built once: kept for verified keys."""

    key_hash: str
    hash_scheme: str
    revoked_at: datetime | None
    expires_at: datetime | None
    principal: Principal

    @classmethod
    def of(cls, row: ApiKey) -> _StoredKey:
        principal = Principal(
            subject=f"api-key:{row.id}", role=Role(row.role), tenant=row.tenant, auth_method=AuthMethod.API_KEY
        )
        return cls(row.key_hash, row.hash_scheme, row.revoked_at, row.expires_at, principal)


class ApiKeyStore:
    """Creates, verifies, rotates, lists and revokes API keys in the `api_keys` table."""

    def __init__(
        self,
        database: Database,
        hasher: ApiKeyHasher,
        *,
        default_ttl: timedelta = DEFAULT_TTL,
        verified_cache_seconds: float = 0.0,
    ) -> None:
        self._database = database
        self._hasher = hasher
        self._default_ttl = default_ttl
        # Snapshots of keys verified in the last few seconds, so a busy client costs no database read per call.
        # Revocation and rotation here evict at once; a change made by another process is seen after at most
        # `verified_cache_seconds`. Only rows already verified are kept, and every use re-checks secret and expiry.
        self._verified: TTLCache[str, _StoredKey] | None = (
            TTLCache(maxsize=_VERIFIED_CACHE_SIZE, ttl=verified_cache_seconds) if verified_cache_seconds > 0 else None
        )
        # When a busy key's snapshot expires, every call then in flight misses at once: they share one read.
        self._reads: SingleFlight[_StoredKey | None] = SingleFlight()
        self._changes = 0
        """Revocations and rotations committed through this store."""

    async def create(
        self, *, role: Role, tenant: str, name: str | None = None, ttl: timedelta | None = None
    ) -> IssuedKey:
        """A new key, expiring after `ttl` (default: the store's default, 90 days)."""
        now = utcnow()
        issued = self._new_key(role, tenant, name, ttl, now)
        async with self._database.session() as session:
            session.add(self._row(issued, now))
        return issued

    async def verify(self, token: str) -> Principal:
        """The principal of a valid key; CredentialRefused (with a reason class) for anything else."""
        parts = split_key(token)
        if parts is None:
            raise CredentialRefused("the API key is malformed", reason="malformed")
        key = cached = self._verified.get(parts[0]) if self._verified is not None else None
        changes = self._changes
        if key is None:
            key = await self._read(parts[0])
            if key is None:
                raise CredentialRefused("no API key has this id", reason="unknown_key")
        if not self._hasher.matches(key.key_hash, key.hash_scheme, token):
            raise CredentialRefused("the API key's secret does not match", reason="wrong_secret")
        if key.revoked_at is not None:
            raise CredentialRefused("the API key is revoked", reason="revoked")
        if key.expires_at is not None and key.expires_at <= utcnow():
            raise CredentialRefused("the API key has expired", reason="expired")
        if key.hash_scheme != HASH_SCHEME:
            await self._rehash(parts[0], key.hash_scheme, token)
        elif self._verified is not None and cached is None and changes == self._changes:
            self._verified[parts[0]] = key  # a hit must not extend its own lifetime
        return key.principal

    async def authenticate(self, token: str) -> Principal | None:
        """The principal of a valid, unexpired, unrevoked key; None for anything else."""
        try:
            return await self.verify(token)
        except CredentialRefused:
            return None

    async def rotate(self, key_id: str, *, grace: timedelta | None = None) -> RotatedKey | None:
        """Replace an active key with a new one of the same role, tenant and name. The old key is revoked now, or
        (with `grace`) expires after it, if it would not expire sooner anyway. None when no active key has that id."""
        now = utcnow()
        async with self._database.session() as session:
            row = await session.get(ApiKey, key_id)
            if row is None or _info(row).state != "active":
                return None
            issued = self._new_key(Role(row.role), row.tenant, row.name, None, now)
            session.add(self._row(issued, now))
            if grace is None or grace <= timedelta(0):
                row.revoked_at = now
                ends_at = now
            else:
                ends_at = now + grace
                if row.expires_at is None or row.expires_at > ends_at:
                    row.expires_at = ends_at
                ends_at = row.expires_at
            previous = _info(row)
        self._forget(key_id)
        return RotatedKey(issued=issued, previous=previous, previous_ends_at=ends_at)

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
        self._forget(key_id)
        return bool(getattr(result, "rowcount", 0))

    async def _read(self, key_id: str) -> _StoredKey | None:
        """The key as stored now; None when no key has this id. With snapshots kept, concurrent reads of one key
        made since the last change through this store share one database read; without them, each reads."""
        if self._verified is None:
            return await self._read_row(key_id)
        stored, _shared = await self._reads.run(f"{key_id}:{self._changes}", lambda: self._read_row(key_id))
        return stored

    async def _read_row(self, key_id: str) -> _StoredKey | None:
        async with self._database.session() as session:
            row = await session.get(ApiKey, key_id)
        return None if row is None else _StoredKey.of(row)

    def _forget(self, key_id: str) -> None:
        """Called once a change is committed: a read that began before it is neither kept nor shared after it."""
        self._changes += 1
        if self._verified is not None:
            self._verified.pop(key_id, None)

    def _new_key(self, role: Role, tenant: str, name: str | None, ttl: timedelta | None, now: datetime) -> IssuedKey:
        key_id = secrets.token_hex(_KEY_ID_BYTES)
        token = f"{KEY_PREFIX}_{key_id}_{secrets.token_urlsafe(_SECRET_BYTES)}"
        expires_at = now + (ttl if ttl is not None else self._default_ttl)
        return IssuedKey(key_id=key_id, token=token, role=role, tenant=tenant, name=name, expires_at=expires_at)

    def _row(self, issued: IssuedKey, now: datetime) -> ApiKey:
        return ApiKey(
            id=issued.key_id,
            key_hash=self._hasher.digest(issued.token),
            hash_scheme=HASH_SCHEME,
            name=issued.name,
            role=issued.role.value,
            tenant=issued.tenant,
            created_at=now,
            expires_at=issued.expires_at,
        )

    async def _rehash(self, key_id: str, scheme: str, token: str) -> None:
        """Move a row verified under an older scheme to the keyed hash (only if no one else did it meanwhile)."""
        async with self._database.session() as session:
            await session.execute(
                update(ApiKey)
                .where(ApiKey.id == key_id, ApiKey.hash_scheme == scheme)
                .values(key_hash=self._hasher.digest(token), hash_scheme=HASH_SCHEME)
            )


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
