"""The threat level: the security events of the recent past, weighted by severity, mapped to five levels.

One probe with an attack payload is `low`; a few in a short time `elevated`; a scanner or a credential-stuffing run
`high` or `critical`. Any critical event makes the level at least `high`.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import IntEnum
from typing import Literal

from sentia_server.security.threats.patterns import Severity
from sentia_server.security.threats.settings import ThreatSettings

SEVERITY_WEIGHTS: Mapping[str, int] = {
    Severity.LOW.value: 1,
    Severity.MEDIUM.value: 3,
    Severity.HIGH.value: 8,
    Severity.CRITICAL.value: 20,
}


class ThreatLevel(IntEnum):
    """Ordered levels; the integer is the value of the `sentia_mcp_threat_level` gauge."""

    NONE = 0
    LOW = 1
    ELEVATED = 2
    HIGH = 3
    CRITICAL = 4

    @property
    def label(self) -> ThreatLevelLabel:
        return _LABELS[self]


ThreatLevelLabel = Literal["none", "low", "elevated", "high", "critical"]
_LABELS: dict[ThreatLevel, ThreatLevelLabel] = {
    ThreatLevel.NONE: "none",
    ThreatLevel.LOW: "low",
    ThreatLevel.ELEVATED: "elevated",
    ThreatLevel.HIGH: "high",
    ThreatLevel.CRITICAL: "critical",
}


def threat_score(severity_counts: Mapping[str, int]) -> int:
    """The weighted sum of event counts by severity; an unknown severity weighs like `medium`."""
    return sum(
        SEVERITY_WEIGHTS.get(severity, SEVERITY_WEIGHTS["medium"]) * count
        for severity, count in severity_counts.items()
    )


def threat_level(severity_counts: Mapping[str, int], settings: ThreatSettings) -> ThreatLevel:
    score = threat_score(severity_counts)
    if score >= settings.level_critical_score:
        level = ThreatLevel.CRITICAL
    elif score >= settings.level_high_score:
        level = ThreatLevel.HIGH
    elif score >= settings.level_elevated_score:
        level = ThreatLevel.ELEVATED
    else:
        level = ThreatLevel.LOW if score > 0 else ThreatLevel.NONE
    if severity_counts.get(Severity.CRITICAL.value, 0) > 0:
        level = max(level, ThreatLevel.HIGH)
    return level
