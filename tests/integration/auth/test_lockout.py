"""Lockout after repeated authentication failures, per remote address and per API key, on every backend."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from sentia_server.auth.jwt_tokens import mint_token
from sentia_server.auth.principal import Role
from sentia_server.config import Settings
from sentia_server.security.lockout import AuthLockout
from sentia_server.storage.audit_events import Action

from .conftest import AuthAppFactory

pytestmark = pytest.mark.anyio

WRONG_KEY = "sentia_0123456789abcdef_" + "W" * 43


async def test_the_limit_locks_the_address_out_even_for_a_correct_key(auth_app: AuthAppFactory):
    async with auth_app(auth_lockout_attempts=3, auth_lockout_window_seconds=900) as served:
        async with served.client("203.0.113.7") as attacker:
            for _ in range(3):
                assert (await served.initialize(attacker, WRONG_KEY)).status_code == 401
            locked = await served.initialize(attacker, served.admin_key)
            assert locked.status_code == 429
            assert 890 <= int(locked.headers["retry-after"]) <= 900
            assert locked.json()["error"] == "too_many_attempts"
            assert "3 in 900 seconds" in locked.json()["error_description"]
            assert served.admin_key not in locked.text
        async with served.client("198.51.100.20") as neighbour:
            assert (await served.initialize(neighbour, served.admin_key)).status_code == 200


async def test_failures_against_one_key_lock_that_key_from_any_address(auth_app: AuthAppFactory):
    async with auth_app(auth_lockout_attempts=2) as served:
        key_id = served.admin_key.split("_")[1]
        guessed = f"sentia_{key_id}_" + "G" * 43
        for address in ("192.0.2.1", "192.0.2.2"):
            async with served.client(address) as client:
                assert (await served.initialize(client, guessed)).status_code == 401
        async with served.client("192.0.2.3") as owner:
            refused = await served.initialize(owner, served.admin_key)
            assert refused.status_code == 429
            # The key is locked, not the owner's address: a JWT from there still works.
            token = mint_token(
                served.settings, subject="owner", role=Role.VIEWER, tenant="acme", ttl=timedelta(minutes=5)
            )
            assert (await served.initialize(owner, token)).status_code == 200


async def test_requests_without_a_credential_are_challenged_but_not_counted(auth_app: AuthAppFactory):
    async with auth_app(auth_lockout_attempts=2) as served, served.client() as client:
        for _ in range(5):
            assert (await served.initialize(client)).status_code == 401
        assert (await served.initialize(client, served.admin_key)).status_code == 200
        assert await served.runtime.audit.recent(action=Action.AUTH_FAILURE) == []


async def test_the_lock_ends_when_the_window_passes(auth_app: AuthAppFactory):
    async with auth_app(auth_lockout_attempts=1, auth_lockout_window_seconds=1) as served, served.client() as client:
        assert (await served.initialize(client, "not-a-token")).status_code == 401
        assert (await served.initialize(client, served.admin_key)).status_code == 429
        await asyncio.sleep(1.2)
        assert (await served.initialize(client, served.admin_key)).status_code == 200


async def test_failures_and_the_lockout_are_audited_without_the_credential(auth_app: AuthAppFactory):
    async with auth_app(auth_lockout_attempts=2) as served, served.client("203.0.113.9") as client:
        await served.initialize(client, WRONG_KEY)
        await served.initialize(client, "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.")
        failures = await served.runtime.audit.recent(action=Action.AUTH_FAILURE)
        (lockout,) = await served.runtime.audit.recent(action=Action.AUTH_LOCKOUT)
    assert [(f.actor, f.client_address, f.outcome) for f in failures] == [("anonymous", "203.0.113.9", "failure")] * 2
    assert [f.detail for f in failures] == [
        {"kind": "jwt", "reason": "algorithm_not_accepted", "path": "/mcp"},
        {"kind": "api_key", "reason": "unknown_key", "path": "/mcp"},
    ]
    assert failures[1].target == "api-key:0123456789abcdef"
    assert failures[0].request_id and failures[0].request_id != failures[1].request_id
    assert (lockout.outcome, lockout.client_address, lockout.detail) == (
        "denied",
        "203.0.113.9",
        {"attempts": 2, "window_seconds": 900},
    )
    stored = " ".join(repr((f.detail, f.target)) for f in [*failures, lockout])
    assert "W" * 20 not in stored and "eyJ" not in stored


async def test_replicas_sharing_redis_share_the_count(make_settings, redis_url: str, redis_key_prefix: str):
    settings: Settings = make_settings(
        redis_url=redis_url, cache_key_prefix=redis_key_prefix.rstrip(":"), auth_lockout_attempts=2
    )
    first, second = AuthLockout.from_settings(settings), AuthLockout.from_settings(settings)
    try:
        assert not await first.record_failure(["address:192.0.2.50"])
        assert await second.record_failure(["address:192.0.2.50"])
        assert await first.locked_for(["address:192.0.2.50"]) is not None
        assert await first.locked_for(["address:192.0.2.51"]) is None
    finally:
        await first.aclose()
        await second.aclose()


async def test_an_unreachable_redis_still_locks_in_process(make_settings):
    settings: Settings = make_settings(redis_url="redis://127.0.0.1:1/0", auth_lockout_attempts=1)
    lockout = AuthLockout.from_settings(settings)
    try:
        assert await lockout.record_failure(["address:192.0.2.60"])
        assert await lockout.locked_for(["address:192.0.2.60"]) is not None
    finally:
        await lockout.aclose()
