from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from sentia_server.auth.api_keys import ApiKeyHasher, ApiKeyStore
from sentia_server.auth.principal import AuthMethod, Principal, Role
from sentia_server.storage.tables import ApiKey

pytestmark = pytest.mark.anyio


@pytest.fixture
def store(runtime) -> ApiKeyStore:
    return runtime.api_keys


async def test_created_key_authenticates_as_its_role_and_tenant(store: ApiKeyStore):
    issued = await store.create(role=Role.OPERATOR, tenant="acme", name="ci", ttl=timedelta(days=90))
    assert issued.token.startswith(f"sentia_{issued.key_id}_")
    principal = await store.authenticate(issued.token)
    assert principal == Principal(f"api-key:{issued.key_id}", Role.OPERATOR, "acme", AuthMethod.API_KEY)


async def test_only_a_hash_of_the_key_is_stored(store: ApiKeyStore, runtime):
    issued = await store.create(role=Role.VIEWER, tenant="acme")
    async with runtime.database.session() as session:
        row = (await session.scalars(select(ApiKey))).one()
    assert (row.hash_scheme, row.key_hash) == (
        "hmac-sha256",
        ApiKeyHasher.from_settings(runtime.settings).digest(issued.token),
    )
    assert issued.token not in (row.key_hash, row.id, row.name or "")


@pytest.mark.parametrize(
    "tamper",
    [
        lambda token: token[:-1] + ("A" if token[-1] != "A" else "B"),
        lambda token: token.replace("sentia_", "sentib_"),
        lambda token: "sentia_0000000000000000_" + token.split("_", 2)[2],
        lambda token: token.split("_", 2)[0] + "_" + token.split("_", 2)[1],
        lambda token: "",
    ],
)
async def test_tampered_keys_are_refused(store: ApiKeyStore, tamper):
    issued = await store.create(role=Role.ADMIN, tenant="acme")
    assert await store.authenticate(tamper(issued.token)) is None


async def test_expired_and_revoked_keys_are_refused(store: ApiKeyStore):
    expired = await store.create(role=Role.ADMIN, tenant="acme", ttl=timedelta(seconds=-1))
    assert await store.authenticate(expired.token) is None

    revoked = await store.create(role=Role.ADMIN, tenant="acme")
    assert await store.revoke(revoked.key_id)
    assert await store.authenticate(revoked.token) is None
    assert not await store.revoke(revoked.key_id)
    assert not await store.revoke("0123456789abcdef")


async def test_list_shows_state_never_the_key(store: ApiKeyStore):
    active = await store.create(role=Role.VIEWER, tenant="acme", name="dashboard")
    revoked = await store.create(role=Role.VIEWER, tenant="acme")
    await store.revoke(revoked.key_id)
    expired = await store.create(role=Role.VIEWER, tenant="acme", ttl=timedelta(seconds=-1))
    states = {info.key_id: info.state for info in await store.list()}
    assert states == {active.key_id: "active", revoked.key_id: "revoked", expired.key_id: "expired"}
    info = await store.get(active.key_id)
    assert info is not None and info.name == "dashboard"
    assert info.expires_at is not None and (info.expires_at - info.created_at).days == 90
    assert await store.get("ffffffffffffffff") is None
