"""Vendor OAuth tokens in `vendor_tokens`, encrypted, saved by compare-and-swap on the row's version.

A refresh token rotates on every use, so two replicas that refresh at once must not both store their result: a save
names the version it read and replaces the row only if it still has that version. The loser reads the winner's
tokens instead. Each value is encrypted with associated data naming the vendor, the account and the column, so a
value copied into another row or column does not decrypt.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, cast

from sqlalchemy import CursorResult, select, update
from sqlalchemy.exc import IntegrityError

from sentia_server.security.encryption import DecryptionError, Keyring
from sentia_server.storage.database import Database
from sentia_server.storage.tables import VendorToken, utcnow

REPLACE_ATTEMPTS = 5


@dataclass(frozen=True, slots=True)
class TokenValues:
    """What a save writes: the tokens in clear (encrypted on the way in) and their lifetime."""

    access_token: str = field(repr=False)
    expires_at: datetime
    obtained_at: datetime
    refresh_token: str | None = field(default=None, repr=False)
    scope: str = ""
    tenant: str | None = None


@dataclass(slots=True)
class Reencryption:
    """What a re-encryption did: rows re-encrypted, rows already under the first key, and rows it could not read
    (left as they are, e.g. under a key no longer configured)."""

    reencrypted: int = 0
    current: int = 0
    errors: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class StoredTokens:
    """What a load returns: the decrypted tokens and the version a later save must name to replace them."""

    values: TokenValues
    version: int
    key_id: str
    updated_at: datetime


class VendorTokenRepository:
    def __init__(self, database: Database, keyring: Keyring) -> None:
        self._database = database
        self._keyring = keyring

    async def load(self, vendor: str, account_key: str) -> StoredTokens | None:
        """The account's tokens, or None when it was never connected. DecryptionError when a key is missing or a
        value was altered."""
        query = select(VendorToken).where(VendorToken.vendor == vendor, VendorToken.account_key == account_key)
        async with self._database.session() as session:
            row = (await session.scalars(query)).one_or_none()
        if row is None:
            return None
        refresh = row.refresh_token
        values = TokenValues(
            access_token=self._open(row.access_token, vendor, account_key, "access_token"),
            refresh_token=None if refresh is None else self._open(refresh, vendor, account_key, "refresh_token"),
            expires_at=row.expires_at,
            obtained_at=row.obtained_at,
            scope=row.scope,
            tenant=row.tenant,
        )
        return StoredTokens(values, row.version, row.key_id, row.updated_at)

    async def save(
        self, vendor: str, account_key: str, values: TokenValues, *, expected_version: int | None
    ) -> StoredTokens | None:
        """Store `values` if the row is still at `expected_version` (None: if there is no row yet); returns what
        was stored, or None when another writer saved first (then `load` returns the winner's tokens)."""
        now = utcnow()
        columns: dict[str, Any] = {
            "access_token": self._seal(values.access_token, vendor, account_key, "access_token"),
            "refresh_token": None
            if values.refresh_token is None
            else self._seal(values.refresh_token, vendor, account_key, "refresh_token"),
            "key_id": self._keyring.primary_key_id,
            "expires_at": values.expires_at,
            "obtained_at": values.obtained_at,
            "scope": values.scope,
            "tenant": values.tenant,
            "updated_at": now,
        }
        if expected_version is None:
            try:
                async with self._database.session() as session:
                    session.add(VendorToken(vendor=vendor, account_key=account_key, version=1, **columns))
            except IntegrityError:  # another writer inserted the row first
                return None
            return StoredTokens(values, 1, self._keyring.primary_key_id, now)
        statement = (
            update(VendorToken)
            .where(
                VendorToken.vendor == vendor,
                VendorToken.account_key == account_key,
                VendorToken.version == expected_version,
            )
            .values(version=expected_version + 1, **columns)
        )
        async with self._database.session() as session:
            result = cast("CursorResult[Any]", await session.execute(statement))
        if result.rowcount != 1:
            return None
        return StoredTokens(values, expected_version + 1, self._keyring.primary_key_id, now)

    async def replace(self, vendor: str, account_key: str, values: TokenValues) -> StoredTokens:
        """Store `values` whatever is stored now (a new consent supersedes the old authorisation)."""
        for _ in range(REPLACE_ATTEMPTS):
            async with self._database.session() as session:
                current = await session.scalar(
                    select(VendorToken.version).where(
                        VendorToken.vendor == vendor, VendorToken.account_key == account_key
                    )
                )
            saved = await self.save(vendor, account_key, values, expected_version=current)
            if saved is not None:
                return saved
        raise RuntimeError(
            f"the {vendor} tokens of {account_key} changed {REPLACE_ATTEMPTS} times while being replaced; try again"
        )

    async def reencrypt_all(self) -> Reencryption:
        """Re-encrypt every row not entirely under the first key of the keyring. The version is left alone (the
        tokens do not change), and a row saved by a refresh meanwhile is skipped: that save used the first key."""
        async with self._database.session() as session:
            rows = (await session.scalars(select(VendorToken).order_by(VendorToken.id))).all()
        report = Reencryption()
        for row in rows:
            try:
                columns = self._resealed(row)
            except DecryptionError as error:
                report.errors.append(f"{row.vendor} {row.account_key}: {error}")
                continue
            if columns is None:
                report.current += 1
                continue
            statement = (
                update(VendorToken)
                .where(VendorToken.id == row.id, VendorToken.version == row.version)
                .values(key_id=self._keyring.primary_key_id, **columns)
            )
            async with self._database.session() as session:
                result = cast("CursorResult[Any]", await session.execute(statement))
            report.reencrypted += result.rowcount
            report.current += 1 - result.rowcount
        return report

    def _resealed(self, row: VendorToken) -> dict[str, str | None] | None:
        """The row's values sealed under the first key, or None when they already are."""
        values = {"access_token": row.access_token, "refresh_token": row.refresh_token}
        primary = self._keyring.primary_key_id
        present = [value for value in values.values() if value is not None]
        if row.key_id == primary and all(self._keyring.key_id_of(value) == primary for value in present):
            return None
        return {
            column: None
            if value is None
            else self._seal(self._open(value, row.vendor, row.account_key, column), row.vendor, row.account_key, column)
            for column, value in values.items()
        }

    def _seal(self, value: str, vendor: str, account_key: str, column: str) -> str:
        return self._keyring.encrypt(value.encode(), associated_data=_associated_data(vendor, account_key, column))

    def _open(self, value: str, vendor: str, account_key: str, column: str) -> str:
        return self._keyring.decrypt(value, associated_data=_associated_data(vendor, account_key, column)).decode()


def _associated_data(vendor: str, account_key: str, column: str) -> bytes:
    """Binds a value to its table, row and column (a JSON array, so no two tuples share an encoding)."""
    return json.dumps(["vendor_tokens", vendor, account_key, column]).encode()
