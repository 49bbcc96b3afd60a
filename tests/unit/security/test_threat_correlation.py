"""Severity counts to threat levels, and the validation of the level thresholds."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from sentia_server.security.threats.correlation import ThreatLevel, threat_level, threat_score
from sentia_server.security.threats.settings import ThreatSettings

SETTINGS = ThreatSettings()


@pytest.mark.parametrize(
    ("counts", "level"),
    [
        ({}, ThreatLevel.NONE),
        ({"high": 0}, ThreatLevel.NONE),
        ({"low": 1}, ThreatLevel.LOW),
        ({"high": 1}, ThreatLevel.LOW),
        ({"medium": 3, "low": 1}, ThreatLevel.ELEVATED),
        ({"high": 4}, ThreatLevel.HIGH),
        ({"high": 10}, ThreatLevel.CRITICAL),
        ({"critical": 1}, ThreatLevel.HIGH),
        ({"critical": 4}, ThreatLevel.CRITICAL),
    ],
)
def test_levels_follow_the_weighted_score(counts: dict[str, int], level: ThreatLevel):
    assert threat_level(counts, SETTINGS) is level


def test_scores_weigh_severities_and_treat_unknown_ones_as_medium():
    assert threat_score({"low": 2, "medium": 1, "high": 1, "critical": 1, "odd": 1}) == 2 + 3 + 8 + 20 + 3


def test_labels_are_lowercase_names():
    assert [level.label for level in ThreatLevel] == ["none", "low", "elevated", "high", "critical"]


def test_thresholds_come_from_the_settings():
    strict = ThreatSettings(level_elevated_score=1, level_high_score=2, level_critical_score=3)
    assert threat_level({"low": 2}, strict) is ThreatLevel.HIGH


def test_thresholds_must_increase():
    with pytest.raises(ValidationError, match="LEVEL_ELEVATED_SCORE < LEVEL_HIGH_SCORE < LEVEL_CRITICAL_SCORE"):
        ThreatSettings(level_elevated_score=30, level_high_score=30)
