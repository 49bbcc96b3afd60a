"""The audit trail store: what it keeps and how it is queried, on every backend."""

from __future__ import annotations

from datetime import timedelta

import pytest

from sentia_server.runtime import Runtime
from sentia_server.storage.audit_events import ANONYMOUS, Action, AuditRecord, AuditTrail, Outcome
from sentia_server.storage.tables import utcnow

pytestmark = pytest.mark.anyio


@pytest.fixture
def trail(runtime: Runtime) -> AuditTrail:
    return runtime.audit


async def test_recent_filters_by_action_actor_and_time(trail: AuditTrail):
    now = utcnow()
    await trail.record(
        AuditRecord(Action.AUTH_FAILURE, Outcome.FAILURE, ANONYMOUS, client_address="192.0.2.1"),
        occurred_at=now - timedelta(hours=2),
    )
    await trail.record(
        AuditRecord(Action.API_KEY_CREATE, Outcome.SUCCESS, "cli:dana", target="api-key:1", detail={"role": "viewer"}),
        occurred_at=now - timedelta(minutes=30),
    )
    await trail.record(
        AuditRecord(Action.API_KEY_REVOKE, Outcome.SUCCESS, "cli:dana", target="api-key:1", request_id="r-1"),
        occurred_at=now,
    )
    assert [e.action for e in await trail.recent()] == ["api_key.revoke", "api_key.create", "auth.failure"]
    assert [e.action for e in await trail.recent(actor="cli:dana", limit=1)] == ["api_key.revoke"]
    (failure,) = await trail.recent(action=Action.AUTH_FAILURE)
    assert (failure.actor, failure.client_address, failure.outcome) == ("anonymous", "192.0.2.1", "failure")
    window = await trail.recent(since=now - timedelta(hours=1), until=now)
    assert [(e.action, e.detail) for e in window] == [("api_key.create", {"role": "viewer"})]
    assert await trail.recent(action="encryption.rotate") == []


async def test_the_limit_is_bounded(trail: AuditTrail):
    for _ in range(3):
        await trail.record(AuditRecord(Action.AUTH_LOCKOUT, Outcome.DENIED, ANONYMOUS))
    assert len(await trail.recent(limit=0)) == 1
    assert len(await trail.recent(limit=10_000)) == 3
