"""Which API keys are due for rotation, and the scrape token's strength."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from pydantic import ValidationError

from sentia_server.auth.api_keys import ApiKeyInfo
from sentia_server.auth.principal import Role
from sentia_server.config import Settings
from sentia_server.observability.reports import key_rotation, performance_report
from sentia_server.observability.settings import MetricsSettings
from sentia_server.observability.windows import DurationWindows

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)


def key(key_id: str, *, age_days: int, expires_in_days: int | None, revoked: bool = False) -> ApiKeyInfo:
    return ApiKeyInfo(
        key_id=key_id,
        name=None,
        role=Role.OPERATOR,
        tenant="acme",
        created_at=NOW - timedelta(days=age_days),
        expires_at=None if expires_in_days is None else NOW + timedelta(days=expires_in_days),
        revoked_at=NOW if revoked else None,
    )


@pytest.mark.parametrize(
    ("age_days", "expires_in_days", "due"),
    [
        (89, None, False),
        (90, None, True),
        (10, 14, False),
        (10, 13, True),
        (200, 400, True),
    ],
)
def test_a_key_is_due_when_old_or_expiring_soon(age_days: int, expires_in_days: int | None, due: bool):
    [row] = key_rotation([key("k1", age_days=age_days, expires_in_days=expires_in_days)], MetricsSettings(), NOW)
    assert row["rotation_due"] is due
    assert (row["age_days"], row["expires_in_days"]) == (age_days, expires_in_days)


def test_revoked_and_expired_keys_are_left_out_and_the_oldest_come_first():
    keys = [
        key("young", age_days=1, expires_in_days=None),
        key("revoked", age_days=100, expires_in_days=None, revoked=True),
        key("expired", age_days=100, expires_in_days=-1),
        key("old", age_days=120, expires_in_days=None),
    ]
    rows = key_rotation(keys, MetricsSettings(key_rotation_days=30), NOW)
    assert [(row["key_id"], row["rotation_due"]) for row in rows] == [("old", True), ("young", False)]


def test_the_performance_report_says_it_is_per_replica():
    assert performance_report(DurationWindows(120)) == {
        "scope": "replica",
        "window_seconds": 120,
        "overall": None,
        "tools": {},
    }


def test_a_short_scrape_token_is_refused_with_how_to_make_one(make_settings: Callable[..., Settings]):
    with pytest.raises(ValidationError, match=r"at least 32 characters: generate one with `openssl rand -hex 32`"):
        make_settings(metrics_scrape_token="too-short")
    assert make_settings(metrics_scrape_token="x" * 32).metrics_scrape_token is not None
