"""The JSON reports behind /api/metrics/business, /performance and /security, computed from what the server
recorded (tool_executions, ai_usage, security_events, audit_events, api_keys), never from estimates alone: the
only assumptions are the ones in `MetricsSettings`, and each report states them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select

from sentia_server.auth.api_keys import ApiKeyInfo
from sentia_server.observability.settings import MetricsSettings
from sentia_server.observability.windows import DurationSummary, DurationWindows
from sentia_server.storage.audit_events import Action
from sentia_server.storage.database import Database
from sentia_server.storage.tables import AiUsage, AuditEvent, SecurityEvent, ToolExecution

UNKNOWN_CATEGORY = "unknown"


async def business_report(
    database: Database,
    settings: MetricsSettings,
    categories: Mapping[str, str],
    *,
    since: datetime,
    until: datetime,
    tenant: str | None,
) -> dict[str, Any]:
    """Tool usage, AI cost, time saved and ROI between `since` and `until`, for one tenant or (None) all."""
    calls = select(ToolExecution.tool, ToolExecution.status, func.count()).where(
        ToolExecution.occurred_at >= since, ToolExecution.occurred_at < until
    )
    usage = select(
        AiUsage.provider,
        AiUsage.model,
        func.count(),
        func.coalesce(func.sum(AiUsage.input_tokens), 0),
        func.coalesce(func.sum(AiUsage.output_tokens), 0),
        func.coalesce(func.sum(AiUsage.cost_usd), 0),
    ).where(AiUsage.occurred_at >= since, AiUsage.occurred_at < until)
    if tenant is not None:
        calls = calls.where(ToolExecution.tenant == tenant)
        usage = usage.where(AiUsage.tenant == tenant)
    async with database.session() as session:
        call_rows = (await session.execute(calls.group_by(ToolExecution.tool, ToolExecution.status))).all()
        usage_rows = (await session.execute(usage.group_by(AiUsage.provider, AiUsage.model))).all()

    tools: dict[str, dict[str, Any]] = {}
    for tool, status, count in call_rows:
        entry = tools.setdefault(
            tool, {"tool": tool, "category": categories.get(tool, UNKNOWN_CATEGORY), "calls": 0, "successes": 0}
        )
        entry["calls"] += count
        if status == "success":
            entry["successes"] += count
    for entry in tools.values():
        entry["minutes_saved"] = round(
            entry["successes"] * settings.minutes_saved_per_call.get(entry["category"], 0), 2
        )

    models: list[dict[str, Any]] = [
        {
            "provider": provider,
            "model": model,
            "calls": count,
            "input_tokens": int(input_tokens),
            "output_tokens": int(output_tokens),
            "cost_usd": round(float(cost), 6),
        }
        for provider, model, count, input_tokens, output_tokens, cost in usage_rows
    ]
    minutes = sum(entry["minutes_saved"] for entry in tools.values())
    value = minutes / 60 * settings.hourly_cost_usd
    ai_cost = sum(model["cost_usd"] for model in models)
    return {
        "window": {"from": since.isoformat(), "to": until.isoformat()},
        "tenant": tenant,
        "assumptions": {
            "minutes_saved_per_call": settings.minutes_saved_per_call,
            "hourly_cost_usd": settings.hourly_cost_usd,
        },
        "tools": sorted(tools.values(), key=lambda entry: (-entry["calls"], entry["tool"])),
        "ai": {"cost_usd": round(ai_cost, 6), "models": models},
        "totals": {
            "calls": sum(entry["calls"] for entry in tools.values()),
            "successes": sum(entry["successes"] for entry in tools.values()),
            "hours_saved": round(minutes / 60, 2),
            "value_usd": round(value, 2),
            "net_value_usd": round(value - ai_cost, 2),
            "roi": round((value - ai_cost) / ai_cost, 2) if ai_cost > 0 else None,
        },
    }


def _summary(summary: DurationSummary | None) -> dict[str, Any] | None:
    return None if summary is None else asdict(summary)


def performance_report(windows: DurationWindows) -> dict[str, Any]:
    """Percentiles of tool durations over the sliding window of this replica."""
    return {
        "scope": "replica",
        "window_seconds": windows.window_seconds,
        "overall": _summary(windows.overall()),
        "tools": {tool: asdict(summary) for tool, summary in windows.per_key().items()},
    }


def key_rotation(keys: Iterable[ApiKeyInfo], settings: MetricsSettings, now: datetime) -> list[dict[str, Any]]:
    """Active API keys with their age, and whether each is due for rotation (old, or expiring soon)."""
    rows = []
    for key in keys:
        if key.state != "active":
            continue
        age_days = (now - key.created_at).days
        expires_in = None if key.expires_at is None else (key.expires_at - now).days
        due = age_days >= settings.key_rotation_days or (
            expires_in is not None and expires_in < settings.key_expiry_warning_days
        )
        rows.append(
            {
                "key_id": key.key_id,
                "name": key.name,
                "role": key.role.value,
                "tenant": key.tenant,
                "age_days": age_days,
                "expires_in_days": expires_in,
                "rotation_due": due,
            }
        )
    return sorted(rows, key=lambda row: (-row["age_days"], row["key_id"]))


async def security_report(
    database: Database, keys: Iterable[ApiKeyInfo], settings: MetricsSettings, *, now: datetime
) -> dict[str, Any]:
    """Security events by type and severity and lockouts over the window, and the API keys due for rotation."""
    since = now - timedelta(hours=settings.security_window_hours)
    events = (
        select(SecurityEvent.event_type, SecurityEvent.severity, func.count())
        .where(SecurityEvent.occurred_at >= since)
        .group_by(SecurityEvent.event_type, SecurityEvent.severity)
    )
    lockouts = select(func.count(), func.max(AuditEvent.occurred_at)).where(
        AuditEvent.action == Action.AUTH_LOCKOUT.value, AuditEvent.occurred_at >= since
    )
    async with database.session() as session:
        event_rows = (await session.execute(events)).all()
        lockout_count, last_lockout = (await session.execute(lockouts)).one()
    by_type: dict[str, dict[str, int]] = {}
    for event_type, severity, count in event_rows:
        by_type.setdefault(event_type, {})[severity] = count
    api_keys = key_rotation(keys, settings, now)
    return {
        "window": {"from": since.isoformat(), "to": now.isoformat()},
        "events": {"total": sum(count for *_, count in event_rows), "by_type": by_type},
        "lockouts": {
            "count": lockout_count,
            "last_at": None if last_lockout is None else last_lockout.isoformat(),
        },
        "api_keys": {
            "active": len(api_keys),
            "rotation_due": [row for row in api_keys if row["rotation_due"]],
            "rotation_policy": {
                "max_age_days": settings.key_rotation_days,
                "expiry_warning_days": settings.key_expiry_warning_days,
            },
            "keys": api_keys,
        },
    }
