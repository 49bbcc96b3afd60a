"""API keys in the database: why a key is refused, 90-day expiry, rotation, and re-hashing of older rows."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from sentia_server.auth.api_keys import HASH_SCHEME, LEGACY_HASH_SCHEME, ApiKeyStore, legacy_hash
from sentia_server.auth.attempt import CredentialRefused
from sentia_server.auth.principal import Role
from sentia_server.runtime import Runtime
from sentia_server.storage.tables import ApiKey, utcnow

pytestmark = pytest.mark.anyio


@pytest.fixture
def store(runtime: Runtime) -> ApiKeyStore:
    return runtime.api_keys


async def reason(store: ApiKeyStore, token: str) -> str:
    with pytest.raises(CredentialRefused) as raised:
        await store.verify(token)
    return raised.value.reason


async def test_keys_expire_after_90_days_unless_told_otherwise(store: ApiKeyStore):
    default = await store.create(role=Role.VIEWER, tenant="acme")
    short = await store.create(role=Role.VIEWER, tenant="acme", ttl=timedelta(days=7))
    assert default.expires_at is not None and short.expires_at is not None
    assert round((default.expires_at - utcnow()) / timedelta(days=1)) == 90
    assert round((short.expires_at - utcnow()) / timedelta(days=1)) == 7


async def test_each_refusal_has_its_reason_class(store: ApiKeyStore):
    issued = await store.create(role=Role.ADMIN, tenant="acme")
    assert await reason(store, "sentia_short") == "malformed"
    assert await reason(store, "sentia_0000000000000000_" + "A" * 43) == "unknown_key"
    assert await reason(store, issued.token[:-2] + "zz") == "wrong_secret"
    expired = await store.create(role=Role.ADMIN, tenant="acme", ttl=timedelta(seconds=-1))
    assert await reason(store, expired.token) == "expired"
    await store.revoke(issued.key_id)
    assert await reason(store, issued.token) == "revoked"


async def test_a_wrong_secret_does_not_reveal_whether_the_key_is_revoked(store: ApiKeyStore):
    issued = await store.create(role=Role.ADMIN, tenant="acme")
    await store.revoke(issued.key_id)
    assert await reason(store, issued.token[:-2] + "zz") == "wrong_secret"


async def test_a_row_with_the_older_unkeyed_hash_still_works_and_is_rehashed(store: ApiKeyStore, runtime: Runtime):
    issued = await store.create(role=Role.OPERATOR, tenant="acme")
    async with runtime.database.session() as session:
        await session.execute(
            update(ApiKey)
            .where(ApiKey.id == issued.key_id)
            .values(key_hash=legacy_hash(issued.token), hash_scheme=LEGACY_HASH_SCHEME)
        )
    principal = await store.verify(issued.token)
    assert principal.role is Role.OPERATOR
    async with runtime.database.session() as session:
        row = (await session.scalars(select(ApiKey).where(ApiKey.id == issued.key_id))).one()
    assert row.hash_scheme == HASH_SCHEME
    assert row.key_hash != legacy_hash(issued.token)
    assert (await store.verify(issued.token)).subject == principal.subject


async def test_a_legacy_row_is_not_rehashed_by_a_wrong_secret(store: ApiKeyStore, runtime: Runtime):
    issued = await store.create(role=Role.OPERATOR, tenant="acme")
    async with runtime.database.session() as session:
        await session.execute(
            update(ApiKey)
            .where(ApiKey.id == issued.key_id)
            .values(key_hash=legacy_hash(issued.token), hash_scheme="sha256")
        )
    assert await reason(store, issued.token[:-2] + "zz") == "wrong_secret"
    async with runtime.database.session() as session:
        assert (await session.get(ApiKey, issued.key_id)).hash_scheme == LEGACY_HASH_SCHEME  # type: ignore[union-attr]


async def test_rotation_without_grace_revokes_the_old_key_at_once(store: ApiKeyStore):
    old = await store.create(role=Role.MANAGER, tenant="acme", name="dashboard", ttl=timedelta(days=30))
    rotated = await store.rotate(old.key_id)
    assert rotated is not None
    new = rotated.issued
    assert (new.role, new.tenant, new.name) == (Role.MANAGER, "acme", "dashboard")
    assert new.key_id != old.key_id and new.token != old.token
    assert rotated.previous.state == "revoked"
    assert await reason(store, old.token) == "revoked"
    assert (await store.verify(new.token)).subject == f"api-key:{new.key_id}"
    assert new.expires_at is not None and round((new.expires_at - utcnow()) / timedelta(days=1)) == 90


async def test_rotation_with_grace_lets_the_old_key_work_until_the_grace_ends(store: ApiKeyStore):
    old = await store.create(role=Role.VIEWER, tenant="acme")
    rotated = await store.rotate(old.key_id, grace=timedelta(hours=24))
    assert rotated is not None
    assert round((rotated.previous_ends_at - utcnow()) / timedelta(hours=1)) == 24
    assert (await store.verify(old.token)).role is Role.VIEWER
    assert (await store.verify(rotated.issued.token)).role is Role.VIEWER
    info = await store.get(old.key_id)
    assert info is not None and info.expires_at == rotated.previous_ends_at


async def test_grace_never_extends_a_key_that_expires_sooner(store: ApiKeyStore):
    old = await store.create(role=Role.VIEWER, tenant="acme", ttl=timedelta(hours=2))
    rotated = await store.rotate(old.key_id, grace=timedelta(hours=48))
    assert rotated is not None and rotated.previous.expires_at == old.expires_at
    assert rotated.previous_ends_at == old.expires_at


async def test_only_an_active_key_can_be_rotated(store: ApiKeyStore):
    revoked = await store.create(role=Role.VIEWER, tenant="acme")
    await store.revoke(revoked.key_id)
    expired = await store.create(role=Role.VIEWER, tenant="acme", ttl=timedelta(seconds=-1))
    assert await store.rotate(revoked.key_id) is None
    assert await store.rotate(expired.key_id) is None
    assert await store.rotate("ffffffffffffffff") is None
    assert len(await store.list()) == 2
