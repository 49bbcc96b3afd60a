"""The metrics endpoints: who may read them, and reports computed from what was recorded."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal

import httpx
import pytest
from integration.metrics.conftest import PROMETHEUS, SCRAPE_TOKEN, MetricsApp

from sentia_server.app import create_app
from sentia_server.auth.principal import Role
from sentia_server.config import Settings
from sentia_server.storage.ai_usage import AiUsageRecord, AiUsageRepository
from sentia_server.storage.audit_events import Action, AuditRecord, Outcome
from sentia_server.storage.security_events import SecurityEventRecord
from sentia_server.storage.tables import utcnow

pytestmark = pytest.mark.anyio

REPORTS = ["/api/metrics/business", "/api/metrics/performance", "/api/metrics/security"]


@pytest.mark.parametrize("path", [PROMETHEUS, *REPORTS])
async def test_a_missing_or_unknown_credential_is_a_401_and_a_viewer_a_403(metrics_app: MetricsApp, path: str):
    missing = await metrics_app.client.get(path)
    assert missing.status_code == 401 and missing.headers["www-authenticate"].startswith("Bearer ")
    unknown = await metrics_app.client.get(path, headers={"authorization": "Bearer not-a-key"})
    assert unknown.status_code == 401 and 'error="invalid_token"' in unknown.headers["www-authenticate"]
    viewer = await metrics_app.client.get(path, headers=metrics_app.auth(Role.VIEWER))
    assert viewer.status_code == 403
    assert viewer.json()["error_description"] == (
        "metrics need the system:read permission (operator or above); this credential has the role viewer"
    )
    operator = await metrics_app.client.get(path, headers=metrics_app.auth(Role.OPERATOR))
    assert operator.status_code == 200


@pytest.mark.parametrize("path", REPORTS)
async def test_the_scrape_token_opens_only_the_exposition(metrics_app: MetricsApp, path: str):
    response = await metrics_app.client.get(path, headers={"authorization": f"Bearer {SCRAPE_TOKEN}"})
    assert response.status_code == 401


async def test_without_a_configured_scrape_token_a_scraper_needs_a_credential(
    make_settings: Callable[..., Settings],
):
    app = create_app(make_settings())
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1:3001") as client:
            refused = await client.get(PROMETHEUS, headers={"authorization": f"Bearer {SCRAPE_TOKEN}"})
            key = await app.state.runtime.api_keys.create(role=Role.ADMIN, tenant="acme")
            accepted = await client.get(PROMETHEUS, headers={"authorization": f"Bearer {key.token}"})
    assert refused.status_code == 401
    assert accepted.status_code == 200
    assert accepted.headers["content-type"].startswith("text/plain; version=")
    assert "# TYPE sentia_mcp_tool_calls_total counter" in accepted.text


async def test_the_business_report_counts_recorded_calls_and_ai_cost(metrics_app: MetricsApp):
    for _ in range(3):
        await metrics_app.call_tool(Role.OPERATOR, "system-status", {})
    await metrics_app.call_tool(Role.VIEWER, "system-status", {})  # denied: counted, saves nothing
    usage = AiUsageRepository(metrics_app.runtime.database)
    for tenant, cost in (("acme", "0.50"), ("other", "2.00")):
        await usage.record(
            AiUsageRecord(
                tenant=tenant,
                principal_subject="u",
                tool="openai-analyze",
                provider="openai",
                model="gpt-4o",
                input_tokens=1000,
                output_tokens=200,
                cost_usd=Decimal(cost),
                attempts=1,
                outcome="success",
            )
        )
    settings = metrics_app.runtime.settings
    settings.metrics.minutes_saved_per_call["system"] = 20.0
    response = await metrics_app.client.get("/api/metrics/business", headers=metrics_app.auth(Role.OPERATOR))
    report = response.json()
    assert report["tenant"] == "acme"
    assert report["tools"] == [
        {"tool": "system-status", "category": "system", "calls": 4, "successes": 3, "minutes_saved": 60.0}
    ]
    assert report["ai"]["models"] == [
        {
            "provider": "openai",
            "model": "gpt-4o",
            "calls": 1,
            "input_tokens": 1000,
            "output_tokens": 200,
            "cost_usd": 0.5,
        }
    ]
    hourly = settings.metrics.hourly_cost_usd
    assert report["totals"] == {
        "calls": 4,
        "successes": 3,
        "hours_saved": 1.0,
        "value_usd": hourly,
        "net_value_usd": round(hourly - 0.5, 2),
        "roi": round((hourly - 0.5) / 0.5, 2),
    }
    assert report["assumptions"]["hourly_cost_usd"] == hourly

    admin = (await metrics_app.client.get("/api/metrics/business", headers=metrics_app.auth(Role.ADMIN))).json()
    assert admin["tenant"] is None and admin["ai"]["cost_usd"] == 2.5


async def test_the_business_report_without_ai_cost_has_no_roi_and_the_window_is_validated(metrics_app: MetricsApp):
    headers = metrics_app.auth(Role.ADMIN)
    report = (await metrics_app.client.get("/api/metrics/business?days=7", headers=headers)).json()
    assert report["totals"]["roi"] is None and report["tools"] == []
    for days in ("0", "3651", "-1", "week"):
        refused = await metrics_app.client.get(f"/api/metrics/business?days={days}", headers=headers)
        assert refused.status_code == 400
        assert refused.json()["error_description"] == f"days must be a whole number from 1 to 3650, not '{days}'"


async def test_the_performance_report_gives_percentiles_per_tool_and_overall(metrics_app: MetricsApp):
    headers = metrics_app.auth(Role.ADMIN)
    empty = (await metrics_app.client.get("/api/metrics/performance", headers=headers)).json()
    assert empty == {"scope": "replica", "window_seconds": 900, "overall": None, "tools": {}}
    await metrics_app.call_tool(Role.ADMIN, "system-status", {})
    await metrics_app.call_tool(Role.ADMIN, "list-tools", {})
    report = (await metrics_app.client.get("/api/metrics/performance", headers=headers)).json()
    assert set(report["tools"]) == {"system-status", "list-tools"}
    assert report["overall"]["count"] == 2
    status = report["tools"]["system-status"]
    assert status["count"] == 1 and status["p50_ms"] == status["p95_ms"] == status["p99_ms"] > 0


async def test_the_security_report_counts_events_lockouts_and_keys_due(metrics_app: MetricsApp):
    runtime = metrics_app.runtime
    store = runtime.security.store
    await store.record(SecurityEventRecord(event_type="xss", severity="low"))
    await store.record(SecurityEventRecord(event_type="xss", severity="high"))
    await store.record(SecurityEventRecord(event_type="sql_injection", severity="high"))
    await store.record(SecurityEventRecord(event_type="xss", severity="low"), occurred_at=utcnow() - timedelta(days=2))
    lockout = AuditRecord(action=Action.AUTH_LOCKOUT, outcome=Outcome.DENIED, actor="192.0.2.9")
    await runtime.audit.record(lockout)
    await runtime.audit.record(lockout, occurred_at=utcnow() - timedelta(days=3))
    expiring = await runtime.api_keys.create(role=Role.OPERATOR, tenant="acme", name="ci", ttl=timedelta(days=5))
    elsewhere = await runtime.api_keys.create(role=Role.OPERATOR, tenant="other", ttl=timedelta(days=1))

    report = (await metrics_app.client.get("/api/metrics/security", headers=metrics_app.auth(Role.OPERATOR))).json()
    assert report["events"] == {"total": 3, "by_type": {"xss": {"low": 1, "high": 1}, "sql_injection": {"high": 1}}}
    assert report["lockouts"]["count"] == 1 and report["lockouts"]["last_at"] is not None
    keys = report["api_keys"]
    assert keys["active"] == len(Role) + 1
    assert [row["key_id"] for row in keys["rotation_due"]] == [expiring.key_id]
    assert keys["rotation_due"][0]["expires_in_days"] in (4, 5) and keys["rotation_due"][0]["name"] == "ci"
    assert keys["rotation_policy"] == {"max_age_days": 90, "expiry_warning_days": 14}

    admin = (await metrics_app.client.get("/api/metrics/security", headers=metrics_app.auth(Role.ADMIN))).json()
    assert {row["key_id"] for row in admin["api_keys"]["rotation_due"]} == {expiring.key_id, elsewhere.key_id}
