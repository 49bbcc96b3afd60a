"""monitoring/rules/: valid for promtool, unit-tested by promtool (each alert fires and does not fire), loaded by
monitoring/prometheus.yml, and written only over metrics the server exports."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from prometheus_client import CollectorRegistry
from support.deploy import PROMETHEUS_FILE, load_yaml
from support.tools import PROMTOOL, find_tool

from sentia_server.observability.metrics import ServerMetrics

RULES_DIR = PROMETHEUS_FILE.parent / "rules"
RULES = RULES_DIR / "sentia.rules.yml"
RULE_TESTS = RULES_DIR / "tests" / "sentia.rules.test.yml"
ALERTS = {
    "SentiaHighErrorRate",
    "SentiaHighLatency",
    "SentiaHighMemory",
    "SentiaIntegrationDown",
    "SentiaLowToolSuccessRate",
    "SentiaDatabaseDown",
    "SentiaSecurityThreat",
}


@pytest.fixture(scope="module")
def promtool() -> Path:
    return find_tool(PROMTOOL)


def run(promtool: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(promtool), *args], capture_output=True, text=True, timeout=120, check=False)


def rules() -> list[dict[str, str]]:
    return [rule for group in load_yaml(RULES)["groups"] for rule in group["rules"]]


def test_promtool_checks_the_rules(promtool: Path):
    result = run(promtool, "check", "rules", str(RULES))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "SUCCESS: 12 rules found" in result.stdout


def test_promtool_unit_tests_pass(promtool: Path):
    result = run(promtool, "test", "rules", str(RULE_TESTS))
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_rule_test_expecting_the_wrong_alert_fails(promtool: Path, tmp_path: Path):
    """The unit tests can fail: the same file with one expectation changed is refused."""
    broken = RULE_TESTS.read_text(encoding="utf-8").replace(
        "instance: a:3001\n              vendor: unleashed", "instance: a:3001\n              vendor: xero"
    )
    assert broken != RULE_TESTS.read_text(encoding="utf-8")
    copy = tmp_path / "tests" / "broken.test.yml"
    copy.parent.mkdir()
    copy.write_text(broken, encoding="utf-8")
    (tmp_path / RULES.name).write_text(RULES.read_text(encoding="utf-8"), encoding="utf-8")
    result = run(promtool, "test", "rules", str(copy))
    assert result.returncode != 0
    assert "SentiaIntegrationDown" in result.stdout + result.stderr


def test_every_alert_is_tested_both_ways():
    tests = load_yaml(RULE_TESTS)["tests"]
    firing = {case["alertname"] for test in tests for case in test.get("alert_rule_test", []) if case["exp_alerts"]}
    silent = {case["alertname"] for test in tests for case in test.get("alert_rule_test", []) if not case["exp_alerts"]}
    declared = {rule["alert"] for rule in rules() if "alert" in rule}
    assert declared == ALERTS
    assert firing == silent == ALERTS


def test_the_rules_use_only_metrics_the_server_exports():
    suffixes = {"counter": ("_total",), "histogram": ("_bucket", "_count", "_sum"), "gauge": ("",)}
    exported = {
        family.name + suffix
        for family in ServerMetrics(CollectorRegistry()).registry.collect()
        for suffix in suffixes[family.type]
    }
    recorded = {rule["record"] for rule in rules() if "record" in rule}
    used = {
        name
        for rule in rules()
        for name in re.findall(r"\b((?:sentia_mcp|process)_[a-z_]+|job:[a-z_:0-9]+)", rule["expr"])
    }
    assert used
    assert used - recorded <= exported, sorted(used - recorded - exported)
    assert "process_resident_memory_bytes" in used


def test_prometheus_loads_the_rules_where_compose_mounts_them():
    patterns = load_yaml(PROMETHEUS_FILE)["rule_files"]
    assert [path for pattern in patterns for path in PROMETHEUS_FILE.parent.glob(pattern)] == [RULES]
    compose = load_yaml(PROMETHEUS_FILE.parents[1] / "deploy" / "docker-compose.production.yml")
    assert "../monitoring/rules:/etc/prometheus/rules:ro" in compose["services"]["prometheus"]["volumes"]
