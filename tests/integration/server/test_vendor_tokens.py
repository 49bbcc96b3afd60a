"""Vendor tokens in the database, on both backends: encrypted at rest, bound to their row, saved by compare-and-swap,
and refreshes by two replicas at once that end with one stored set both use."""

from __future__ import annotations

import asyncio
import base64
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from sqlalchemy import select, update

from sentia_server.integrations.http import VendorError, VendorHttpClient
from sentia_server.integrations.xero.auth import AuthorizationCodeAuth, TokenSet
from sentia_server.runtime import Runtime
from sentia_server.security.encryption import DecryptionError, Keyring
from sentia_server.storage.tables import VendorToken
from sentia_server.storage.vendor_tokens import TokenValues, VendorTokenRepository
from sentia_server.vendor_tokens import DatabaseTokenStore
from sentia_testkit.simulators.xero import CLIENT_ID, CLIENT_SECRET, XeroSimulator

pytestmark = pytest.mark.anyio

KEYS = f"k1:{base64.b64encode(bytes(range(32))).decode()}"
ROTATED = f"k2:{base64.b64encode(bytes(range(32, 64))).decode()},{KEYS}"
NOW = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)


def values(access: str = "access-1", refresh: str | None = "refresh-1", tenant: str = "acme") -> TokenValues:
    return TokenValues(
        access_token=access,
        refresh_token=refresh,
        expires_at=NOW + timedelta(minutes=30),
        obtained_at=NOW,
        scope="offline_access accounting.transactions",
        tenant=tenant,
    )


@pytest.fixture
def repository(runtime: Runtime) -> VendorTokenRepository:
    return VendorTokenRepository(runtime.database, Keyring.parse(KEYS))


async def rows(runtime: Runtime) -> list[VendorToken]:
    async with runtime.database.session() as session:
        return list((await session.scalars(select(VendorToken).order_by(VendorToken.id))).all())


async def test_tokens_round_trip_and_are_encrypted_at_rest(runtime: Runtime, repository: VendorTokenRepository):
    assert await repository.load("xero", "client-1") is None
    saved = await repository.save("xero", "client-1", values(), expected_version=None)
    assert saved is not None and (saved.version, saved.key_id) == (1, "k1")
    loaded = await repository.load("xero", "client-1")
    assert loaded is not None and loaded.values == values() and loaded.version == 1
    assert loaded.values.expires_at.tzinfo is not None
    (row,) = await rows(runtime)
    assert row.access_token.startswith("v1.k1.") and row.refresh_token is not None
    assert row.refresh_token.startswith("v1.k1.")
    stored_text = " ".join(str(value) for value in vars(row).values())
    assert "access-1" not in stored_text and "refresh-1" not in stored_text
    assert "access-1" not in repr(loaded) and "refresh-1" not in repr(loaded)

    without_refresh = await repository.save("xero", "client-2", values(refresh=None), expected_version=None)
    assert without_refresh is not None
    reloaded = await repository.load("xero", "client-2")
    assert reloaded is not None and reloaded.values.refresh_token is None


async def test_a_value_copied_to_another_row_or_column_does_not_decrypt(
    runtime: Runtime, repository: VendorTokenRepository
):
    await repository.save("xero", "client-1", values(), expected_version=None)
    await repository.save("xero", "client-2", values("access-2", "refresh-2"), expected_version=None)
    first, _second = await rows(runtime)
    async with runtime.database.session() as session:
        await session.execute(
            update(VendorToken).where(VendorToken.account_key == "client-2").values(refresh_token=first.refresh_token)
        )
    with pytest.raises(DecryptionError, match="it belongs to another record"):
        await repository.load("xero", "client-2")
    async with runtime.database.session() as session:
        await session.execute(
            update(VendorToken).where(VendorToken.account_key == "client-1").values(access_token=first.refresh_token)
        )
    with pytest.raises(DecryptionError, match="it belongs to another record"):
        await repository.load("xero", "client-1")


async def test_two_saves_from_the_same_version_exactly_one_wins(runtime: Runtime, repository: VendorTokenRepository):
    inserts = await asyncio.gather(
        repository.save("xero", "client-1", values("a-first"), expected_version=None),
        repository.save("xero", "client-1", values("b-first"), expected_version=None),
    )
    assert sum(saved is not None for saved in inserts) == 1
    updates = await asyncio.gather(
        repository.save("xero", "client-1", values("a-second", "ra"), expected_version=1),
        repository.save("xero", "client-1", values("b-second", "rb"), expected_version=1),
    )
    winners = [saved for saved in updates if saved is not None]
    assert len(winners) == 1 and winners[0].version == 2
    stored = await repository.load("xero", "client-1")
    assert stored is not None and stored.values == winners[0].values and stored.version == 2
    assert await repository.save("xero", "client-1", values("stale"), expected_version=1) is None
    assert len(await rows(runtime)) == 1


async def test_replace_supersedes_whatever_is_stored_and_rotated_keys_still_read_old_rows(runtime: Runtime):
    old = VendorTokenRepository(runtime.database, Keyring.parse(KEYS))
    await old.save("xero", "client-1", values(), expected_version=None)
    rotated = VendorTokenRepository(runtime.database, Keyring.parse(ROTATED))
    loaded = await rotated.load("xero", "client-1")
    assert loaded is not None and loaded.key_id == "k1" and loaded.values == values()
    replaced = await rotated.replace("xero", "client-1", values("access-new", "refresh-new", tenant="beta"))
    assert (replaced.version, replaced.key_id) == (2, "k2")
    (row,) = await rows(runtime)
    assert row.access_token.startswith("v1.k2.") and row.tenant == "beta"
    fresh = await rotated.replace("xero", "client-9", values())
    assert fresh.version == 1
    with pytest.raises(DecryptionError, match="key 'k2', which is not among the configured keys"):
        await old.load("xero", "client-1")


async def test_replace_gives_up_when_the_row_keeps_changing(
    runtime: Runtime, repository: VendorTokenRepository, monkeypatch: pytest.MonkeyPatch
):
    async def always_lost(*_args: object, **_kwargs: object) -> None:
        return None

    monkeypatch.setattr(repository, "save", always_lost)
    with pytest.raises(RuntimeError, match="the xero tokens of client-1 changed 5 times while being replaced"):
        await repository.replace("xero", "client-1", values())


def token_set(access: str, refresh: str | None, *, expires_in: float = 1800, obtained: float | None = None) -> TokenSet:
    now = time.time() if obtained is None else obtained
    return TokenSet(access, now + expires_in, refresh, "offline_access", now)


async def test_the_store_keeps_the_tokens_another_replica_saved_first(repository: VendorTokenRepository):
    first, second = DatabaseTokenStore(repository), DatabaseTokenStore(repository)
    assert await first.load("client-1") is None
    await first.connect("client-1", token_set("a0", "r0", obtained=1_800_000_000.0), tenant="acme")
    original = await second.load("client-1")
    assert original is not None and original.access_token == "a0"
    assert original.obtained_at == 1_800_000_000.0
    assert await first.load("client-1") == original

    await first.save("client-1", token_set("a1", "r1"))
    await second.save("client-1", token_set("a2", "r2"))  # read version 1 too: it loses
    kept = await second.load("client-1")
    assert kept is not None and (kept.access_token, kept.refresh_token) == ("a1", "r1")
    stored = await repository.load("xero", "client-1")
    assert stored is not None and stored.version == 2 and stored.values.tenant == "acme"

    await second.save("client-1", token_set("a3", "r3"))  # now it has the current version: it wins
    stored = await repository.load("xero", "client-1")
    assert stored is not None and (stored.values.access_token, stored.version) == ("a3", 3)


async def test_tokens_that_no_longer_decrypt_are_reported_with_what_to_do(runtime: Runtime):
    await VendorTokenRepository(runtime.database, Keyring.parse(KEYS)).save(
        "xero", "client-1", values(), expected_version=None
    )
    other_key = Keyring.parse(f"k2:{base64.b64encode(bytes(32)).decode()}")
    store = DatabaseTokenStore(VendorTokenRepository(runtime.database, other_key))
    with pytest.raises(VendorError, match=r"xero: the stored tokens cannot be decrypted: .*; restore the key") as error:
        await store.load("client-1")
    assert "connect the organisation again at /oauth/xero/authorize" in str(error.value)


class GatedTransport(httpx.AsyncBaseTransport):
    """The simulator, except that requests wait until `gate` is set: a replica paused mid-refresh."""

    def __init__(self, simulator: XeroSimulator, gate: asyncio.Event) -> None:
        self._simulator = simulator
        self.gate = gate
        self.waiting = asyncio.Event()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.waiting.set()
        await self.gate.wait()
        await request.aread()
        return self._simulator.handle(request)


@pytest.fixture
def simulator() -> XeroSimulator:
    return XeroSimulator()


@pytest.fixture
async def identities(
    simulator: XeroSimulator,
) -> AsyncIterator[tuple[VendorHttpClient, VendorHttpClient, GatedTransport]]:
    open_gate = asyncio.Event()
    open_gate.set()
    paused = GatedTransport(simulator, asyncio.Event())
    first = VendorHttpClient("xero", "https://identity.xero.com", transport=GatedTransport(simulator, open_gate))
    second = VendorHttpClient("xero", "https://identity.xero.com", transport=paused)
    yield first, second, paused
    await first.aclose()
    await second.aclose()


def replica(identity: VendorHttpClient, repository: VendorTokenRepository) -> AuthorizationCodeAuth:
    store = DatabaseTokenStore(repository)
    return AuthorizationCodeAuth(identity, client_id=CLIENT_ID, client_secret=CLIENT_SECRET, store=store, key=CLIENT_ID)


async def connect_expiring(simulator: XeroSimulator, repository: VendorTokenRepository) -> str:
    issued = simulator.backend.issue_access("accounting.transactions", refresh=True)
    spent = token_set(issued["access_token"], issued["refresh_token"], expires_in=30, obtained=time.time() - 1770)
    await DatabaseTokenStore(repository).connect(CLIENT_ID, spent, tenant="acme")
    return str(issued["refresh_token"])


async def test_a_replica_whose_refresh_token_was_spent_by_another_uses_the_other_ones_tokens(
    simulator: XeroSimulator, repository: VendorTokenRepository, identities
):
    first_identity, second_identity, paused = identities
    original_refresh = await connect_expiring(simulator, repository)
    first, second = replica(first_identity, repository), replica(second_identity, repository)
    request = httpx.Request("GET", "https://api.xero.com/connections")

    late = asyncio.create_task(second.headers(request, refresh=False))
    await paused.waiting.wait()  # the second replica has loaded the expiring set and is refreshing it
    winner = await first.headers(request, refresh=False)
    paused.gate.set()
    assert await late == winner  # its refresh was refused (invalid_grant): it reloaded the winner's tokens

    stored = await repository.load("xero", CLIENT_ID)
    assert stored is not None and stored.version == 2
    assert winner == {"authorization": f"Bearer {stored.values.access_token}"}
    assert stored.values.refresh_token in simulator.backend.refresh_tokens
    assert original_refresh not in simulator.backend.refresh_tokens
    grants = [r for r in simulator.requests_to("token") if b"grant_type=refresh_token" in r.content]
    assert len(grants) == 2


async def test_a_replica_whose_save_lost_uses_the_tokens_saved_first(
    simulator: XeroSimulator, repository: VendorTokenRepository, identities, monkeypatch: pytest.MonkeyPatch
):
    first_identity, second_identity, paused = identities
    await connect_expiring(simulator, repository)
    rotate = simulator.backend.rotate
    # Xero accepts a refresh token again for a grace period: here the second refresh succeeds too.
    monkeypatch.setattr(
        simulator.backend, "rotate", lambda _token: rotate(next(iter(simulator.backend.refresh_tokens)))
    )
    first, second = replica(first_identity, repository), replica(second_identity, repository)
    request = httpx.Request("GET", "https://api.xero.com/connections")

    late = asyncio.create_task(second.headers(request, refresh=False))
    await paused.waiting.wait()
    winner = await first.headers(request, refresh=False)
    paused.gate.set()
    assert await late == winner  # both refreshes succeeded (Xero's grace period); the later save lost

    stored = await repository.load("xero", CLIENT_ID)
    assert stored is not None and stored.version == 2
    assert winner == {"authorization": f"Bearer {stored.values.access_token}"}


async def test_a_refused_refresh_with_nothing_newer_stored_is_reported(
    simulator: XeroSimulator, repository: VendorTokenRepository, identities
):
    first_identity, _second, _paused = identities
    spent = await connect_expiring(simulator, repository)
    simulator.backend.refresh_tokens.pop(spent)  # revoked at Xero
    with pytest.raises(VendorError, match=r"refused the refresh_token grant \(invalid_grant\)"):
        await replica(first_identity, repository).headers(
            httpx.Request("GET", "https://api.xero.com/connections"), refresh=False
        )
