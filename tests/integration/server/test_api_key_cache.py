"""Verified API keys are trusted for a few seconds without a database read, and revocation still bites in time."""

from __future__ import annotations

from contextlib import asynccontextmanager
from datetime import timedelta
from typing import Any

import anyio
import pytest

from sentia_server.auth import api_keys as api_keys_module
from sentia_server.auth.api_keys import ApiKeyHasher, ApiKeyStore
from sentia_server.auth.attempt import CredentialRefused
from sentia_server.auth.principal import Role
from sentia_server.storage.database import Database

pytestmark = pytest.mark.anyio


class SessionCounter:
    """Counts the sessions a store opens on its database."""

    def __init__(self, database: Database) -> None:
        self.opened, self._session = 0, database.session

    @asynccontextmanager
    async def session(self):
        self.opened += 1
        async with self._session() as session:
            yield session


class HeldReads(SessionCounter):
    """Holds the first session open after its read, before its commit, until `release` is set."""

    def __init__(self, database: Database) -> None:
        super().__init__(database)
        self.read_done, self.release = anyio.Event(), anyio.Event()

    @asynccontextmanager
    async def session(self):
        first = self.opened == 0
        async with super().session() as session:
            yield session
            if first:
                self.read_done.set()
                await self.release.wait()


def store_for(runtime, seconds: float, sessions: type[SessionCounter] = SessionCounter) -> tuple[ApiKeyStore, Any]:
    counter = sessions(runtime.database)
    store = ApiKeyStore(runtime.database, ApiKeyHasher.from_settings(runtime.settings), verified_cache_seconds=seconds)
    store._database = counter  # type: ignore[assignment]  # the store only calls .session()
    return store, counter


async def test_a_verified_key_is_not_read_again_within_the_cache_time(runtime):
    store, counter = store_for(runtime, 30)
    issued = await runtime.api_keys.create(role=Role.OPERATOR, tenant="acme")
    first = await store.verify(issued.token)
    for _ in range(5):
        assert await store.verify(issued.token) == first
    assert counter.opened == 1


async def test_without_a_cache_time_every_verification_reads_the_database(runtime):
    store, counter = store_for(runtime, 0)
    issued = await runtime.api_keys.create(role=Role.OPERATOR, tenant="acme")
    for _ in range(3):
        await store.verify(issued.token)
    assert counter.opened == 3


async def test_a_cached_key_still_needs_its_secret(runtime):
    store, _ = store_for(runtime, 30)
    issued = await runtime.api_keys.create(role=Role.OPERATOR, tenant="acme")
    await store.verify(issued.token)
    forged = issued.token[:-4] + ("AAAA" if not issued.token.endswith("AAAA") else "BBBB")
    with pytest.raises(CredentialRefused, match="secret does not match"):
        await store.verify(forged)


async def test_a_cached_key_still_expires(runtime, monkeypatch):
    store, _ = store_for(runtime, 30)
    issued = await store.create(role=Role.OPERATOR, tenant="acme", ttl=timedelta(days=1))
    await store.verify(issued.token)
    later = issued.expires_at + timedelta(seconds=1)
    monkeypatch.setattr(api_keys_module, "utcnow", lambda: later)
    with pytest.raises(CredentialRefused, match="expired"):
        await store.verify(issued.token)


async def test_revoking_through_the_same_store_takes_effect_at_once(runtime):
    store, _ = store_for(runtime, 30)
    issued = await store.create(role=Role.OPERATOR, tenant="acme")
    await store.verify(issued.token)
    assert await store.revoke(issued.key_id)
    with pytest.raises(CredentialRefused, match="revoked"):
        await store.verify(issued.token)


async def test_rotating_through_the_same_store_takes_effect_at_once(runtime):
    store, _ = store_for(runtime, 30)
    issued = await store.create(role=Role.OPERATOR, tenant="acme")
    await store.verify(issued.token)
    rotated = await store.rotate(issued.key_id)
    assert rotated is not None
    with pytest.raises(CredentialRefused, match="revoked"):
        await store.verify(issued.token)
    assert (await store.verify(rotated.issued.token)).tenant == "acme"


async def test_concurrent_verifications_of_an_uncached_key_share_one_read(runtime):
    store, counter = store_for(runtime, 30)
    issued = await runtime.api_keys.create(role=Role.OPERATOR, tenant="acme")
    principals = []

    async def verify() -> None:
        principals.append(await store.verify(issued.token))

    async with anyio.create_task_group() as group:
        for _ in range(20):
            group.start_soon(verify)
    assert counter.opened == 1
    assert len(principals) == 20 and {principal.subject for principal in principals} == {f"api-key:{issued.key_id}"}


async def test_without_a_cache_time_concurrent_verifications_read_each(runtime):
    store, counter = store_for(runtime, 0)
    issued = await runtime.api_keys.create(role=Role.OPERATOR, tenant="acme")
    async with anyio.create_task_group() as group:
        for _ in range(5):
            group.start_soon(store.verify, issued.token)
    assert counter.opened == 5


async def test_a_read_that_began_before_a_revocation_is_neither_kept_nor_shared(runtime):
    store, held = store_for(runtime, 30, HeldReads)
    issued = await runtime.api_keys.create(role=Role.OPERATOR, tenant="acme")
    outcomes: list[object] = []

    async def verify() -> None:
        try:
            outcomes.append(await store.verify(issued.token))
        except CredentialRefused as refusal:
            outcomes.append(refusal.reason)

    async with anyio.create_task_group() as group:
        group.start_soon(verify)
        await held.read_done.wait()  # the row is read, not yet revoked; the read's transaction is still open
        assert await store.revoke(issued.key_id)
        with anyio.fail_after(10):  # joining the held read would wait for ever
            await verify()  # after the revocation: its own read, not the one still in flight
        held.release.set()
    assert outcomes[0] == "revoked"
    assert getattr(outcomes[1], "tenant", None) == "acme"  # the earlier read answers its own caller...
    with pytest.raises(CredentialRefused, match="revoked"):  # ...and is not kept for the next one
        await store.verify(issued.token)
    assert held.opened == 4  # the held read, the revocation, and one read after it for each later verification


async def test_a_revocation_elsewhere_is_honoured_within_the_cache_time(runtime):
    """Another process (the CLI, another replica) revokes: this one refuses the key at most the cache time later."""
    store, _ = store_for(runtime, 0.2)
    issued = await runtime.api_keys.create(role=Role.OPERATOR, tenant="acme")
    await store.verify(issued.token)
    elsewhere = ApiKeyStore(runtime.database, ApiKeyHasher.from_settings(runtime.settings))
    assert await elsewhere.revoke(issued.key_id)
    for _ in range(100):  # refused within the 0.2 s cache time; 5 s at most before the test gives up
        if await store.authenticate(issued.token) is None:
            break
        await anyio.sleep(0.05)
    with pytest.raises(CredentialRefused, match="revoked"):
        await store.verify(issued.token)


def test_the_runtime_store_uses_the_configured_cache_time(make_settings):
    from sentia_server.runtime import build_runtime

    runtime = build_runtime(make_settings(api_key_cache_seconds=0))
    assert runtime.api_keys._verified is None
    runtime = build_runtime(make_settings(api_key_cache_seconds=2.5))
    assert runtime.api_keys._verified is not None and runtime.api_keys._verified.ttl == 2.5
