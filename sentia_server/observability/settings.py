"""The assumptions behind the metrics reports (`SENTIA_METRICS__<FIELD>`): what a tool call saves, what an hour
costs, how far back the reports look, and when a key is due for rotation."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


def _default_minutes_saved() -> dict[str, float]:
    return {
        "system": 0.0,
        "xero": 5.0,
        "shopify": 3.0,
        "amazon": 4.0,
        "unleashed": 4.0,
        "manufacturing": 10.0,
        "ai": 15.0,
    }


class MetricsSettings(BaseModel):
    """Defaults are estimates of a person doing the same lookup by hand; set them to the business's own figures."""

    model_config = ConfigDict(extra="forbid")

    minutes_saved_per_call: dict[str, float] = Field(
        default_factory=_default_minutes_saved,
        description="Minutes a successful tool call saves, by tool category; a category not listed saves 0.",
    )
    hourly_cost_usd: float = Field(default=45.0, ge=0, description="Cost of one hour of the people the tools help.")
    report_window_days: int = Field(
        default=30, ge=1, le=3650, description="How far back /api/metrics/business looks by default."
    )
    performance_window_seconds: int = Field(
        default=900, ge=60, le=86_400, description="The sliding window of /api/metrics/performance, per replica."
    )
    security_window_hours: int = Field(
        default=24, ge=1, le=24 * 90, description="How far back /api/metrics/security counts events and lockouts."
    )
    key_rotation_days: int = Field(default=90, ge=1, description="An API key this old is due for rotation.")
    key_expiry_warning_days: int = Field(
        default=14, ge=0, description="An API key expiring within this many days is due for rotation."
    )
