"""The "Hardening", "Threat detection" and "Logs and secrets" sections of docs/security.md: samples run, settings
and defaults match the code, the documented headers are the ones sent."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from sentia_server.config import Settings
from sentia_server.security.http import SECURITY_HEADERS
from sentia_server.security.threats.correlation import SEVERITY_WEIGHTS
from sentia_server.security.threats.settings import ThreatSettings

DOC = Path(__file__).resolve().parents[3] / "docs" / "security.md"
SECTIONS = ("## Hardening", "## Threat detection", "## Logs and secrets")
_FENCE = re.compile(r"^```(\w+)\n(.*?)^```", re.MULTILINE | re.DOTALL)


def section(title: str) -> str:
    text = DOC.read_text()
    start = text.index(title)
    following = text.find("\n## ", start + len(title))
    return text[start : following if following != -1 else len(text)]


@pytest.mark.parametrize("title", SECTIONS)
def test_the_sections_exist(title: str):
    assert len(section(title)) > 500


def test_the_python_samples_run():
    samples = [body for language, body in _FENCE.findall(section("## Threat detection")) if language == "python"]
    assert samples
    for sample in samples:
        exec(compile(sample, str(DOC), "exec"), {})


def test_the_prometheus_sample_is_valid_yaml_for_the_metrics_path():
    [sample] = [body for language, body in _FENCE.findall(section("## Threat detection")) if language == "yaml"]
    [job] = yaml.safe_load(sample)["scrape_configs"]
    assert job["metrics_path"] == "/api/metrics/prometheus"


def test_every_setting_named_exists():
    named = set(re.findall(r"`SENTIA_([A-Z_]+)`", "".join(section(title) for title in SECTIONS)))
    assert named
    for name in named:
        top, _, nested = name.lower().partition("__")
        assert top in Settings.model_fields, name
        if nested:
            assert nested in ThreatSettings.model_fields, name


def test_threat_defaults_and_weights_are_the_documented_ones():
    text = section("## Threat detection")
    documented = re.findall(r"`SENTIA_THREATS__([A-Z_]+)` \(`(\d+)`\)", text)
    assert len(documented) == len(ThreatSettings.model_fields)
    defaults = ThreatSettings()
    for name, value in documented:
        assert getattr(defaults, name.lower()) == int(value), name
    assert "(low 1, medium 3, high 8, critical 20)" in text
    assert SEVERITY_WEIGHTS == {"low": 1, "medium": 3, "high": 8, "critical": 20}


def test_the_documented_headers_are_sent():
    text = section("## Hardening")
    for name, value in SECURITY_HEADERS.items():
        if name in ("content-security-policy", "strict-transport-security", "x-content-type-options"):
            assert value in text, name
    assert Settings.model_fields["max_json_depth"].default == 32 and "(default 32)" in text
