"""Thresholds of the behavioural detectors and of the threat level (`SENTIA_THREATS__<FIELD>`)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, model_validator


class ThreatSettings(BaseModel):
    """Defaults suit one server behind one load balancer; docs/security.md, "Threat detection", explains each."""

    model_config = ConfigDict(extra="forbid")

    auth_failure_threshold: int = Field(
        default=10, ge=2, description="Failed authentications (401) from one client address that raise an event."
    )
    auth_failure_window_seconds: int = Field(default=300, ge=1)
    tool_sweep_threshold: int = Field(
        default=20, ge=2, description="Distinct tools one principal calls within the window that raise an event."
    )
    tool_sweep_window_seconds: int = Field(default=120, ge=1)
    request_spike_threshold: int = Field(
        default=600, ge=10, description="Requests from one client address within the window that raise an event."
    )
    request_spike_window_seconds: int = Field(default=60, ge=1)
    level_window_seconds: int = Field(
        default=900, ge=60, description="How far back the threat level looks at stored security events."
    )
    level_elevated_score: int = Field(
        default=10, ge=1, description="Score (low 1, medium 3, high 8, critical 20 per event) for `elevated`."
    )
    level_high_score: int = Field(default=30, ge=1)
    level_critical_score: int = Field(default=80, ge=1)

    @model_validator(mode="after")
    def _ordered(self) -> ThreatSettings:
        if not self.level_elevated_score < self.level_high_score < self.level_critical_score:
            raise ValueError(
                "SENTIA_THREATS__LEVEL_ELEVATED_SCORE < LEVEL_HIGH_SCORE < LEVEL_CRITICAL_SCORE must hold; got "
                f"{self.level_elevated_score}, {self.level_high_score}, {self.level_critical_score}"
            )
        return self
