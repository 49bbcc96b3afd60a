"""monitoring/grafana/dashboards/: well-formed Grafana dashboards, provisioned by the Compose stack against its
Prometheus data source, whose every query parses (promtool) and names only metrics the server exports or the
recording rules produce."""

from __future__ import annotations

import copy
import json
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from prometheus_client import CollectorRegistry
from support.deploy import COMPOSE_FILE, DEPLOY, PROMETHEUS_FILE, load_yaml
from support.tools import PROMTOOL, find_tool

from sentia_server.observability.metrics import ServerMetrics

DASHBOARD_DIR = PROMETHEUS_FILE.parent / "grafana" / "dashboards"
DASHBOARD = DASHBOARD_DIR / "sentia-overview.json"
DASHBOARDS = sorted(DASHBOARD_DIR.glob("*.json"))
PROVISIONING = DEPLOY / "grafana" / "provisioning"
RULES_DIR = PROMETHEUS_FILE.parent / "rules"
ROWS = ["Traffic", "Tools", "Vendors", "AI models", "Cache and dependencies", "Security", "Process"]
# Grafana's interval variables, replaced by a concrete duration before promtool reads a query.
GRAFANA_DURATIONS = re.compile(r"\$__(?:rate_interval|interval|range)\b|\$\{__(?:rate_interval|interval|range)\}")

_SUFFIXES = {"counter": ("_total",), "histogram": ("_bucket", "_count", "_sum"), "gauge": ("",)}
_STRINGS = re.compile(r'"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'|`[^`]*`')
_MATCHERS = re.compile(r"\{[^}]*\}")
_RANGES = re.compile(r"\[[^\]]*\]")
_GROUPING = re.compile(r"\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", re.IGNORECASE)
_TOKENS = re.compile(r"(?P<number>\d[\w.]*)|(?P<name>[A-Za-z_:][A-Za-z0-9_:]*)(?P<call>\s*\()?")
_KEYWORDS = {"and", "or", "unless", "bool", "offset", "inf", "nan", "group_left", "group_right"}


def load_dashboard(path: Path = DASHBOARD) -> dict[str, Any]:
    document = json.loads(path.read_text(encoding="utf-8"))
    assert isinstance(document, dict)
    return document


def datasource_uid() -> str:
    sources = load_yaml(PROVISIONING / "datasources" / "prometheus.yml")["datasources"]
    prometheus = [source for source in sources if source["type"] == "prometheus"]
    assert len(prometheus) == 1
    return str(prometheus[0]["uid"])


def all_panels(dashboard: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Every panel, including those nested in collapsed rows."""
    for panel in dashboard.get("panels", []):
        yield panel
        yield from panel.get("panels", [])


def queries(dashboard: dict[str, Any]) -> list[tuple[str, str]]:
    """(where, PromQL) for every query of every panel."""
    return [
        (f"panel {panel.get('id')} {target.get('refId')}", target["expr"])
        for panel in all_panels(dashboard)
        for target in panel.get("targets", [])
        if "expr" in target
    ]


def structure_problems(dashboard: dict[str, Any], uid: str) -> list[str]:
    """What keeps Grafana from showing the dashboard as meant: ids, grid positions, targets, data source."""
    problems: list[str] = []
    if not isinstance(dashboard.get("schemaVersion"), int) or dashboard["schemaVersion"] < 39:
        problems.append(f"schemaVersion {dashboard.get('schemaVersion')!r} is older than Grafana 11's")
    if not dashboard.get("uid") or not dashboard.get("title"):
        problems.append("the dashboard needs a uid and a title")
    seen: set[int] = set()
    for panel in all_panels(dashboard):
        name = f"panel {panel.get('id')} ({panel.get('title')})"
        if not isinstance(panel.get("id"), int) or panel["id"] in seen:
            problems.append(f"{name}: the id is missing or not unique")
        seen.add(panel.get("id", -1))
        grid = panel.get("gridPos", {})
        if not all(isinstance(grid.get(key), int) for key in ("h", "w", "x", "y")):
            problems.append(f"{name}: gridPos needs integer h, w, x and y")
        elif grid["x"] + grid["w"] > 24 or grid["w"] < 1 or grid["h"] < 1:
            problems.append(f"{name}: gridPos {grid} does not fit the 24-column grid")
        if panel.get("type") == "row":
            continue
        if panel.get("datasource", {}).get("uid") != uid:
            problems.append(f"{name}: the data source is not the provisioned {uid!r}")
        targets = panel.get("targets", [])
        if not targets:
            problems.append(f"{name}: no query")
        refs = [target.get("refId") for target in targets]
        if len(set(refs)) != len(refs) or not all(refs):
            problems.append(f"{name}: every target needs its own refId")
        for target in targets:
            if not str(target.get("expr", "")).strip():
                problems.append(f"{name} {target.get('refId')}: no expr")
            if target.get("datasource", {}).get("uid", uid) != uid:
                problems.append(f"{name} {target.get('refId')}: the data source is not the provisioned {uid!r}")
    return problems


def metric_names(expr: str) -> set[str]:
    """The metric names a PromQL expression selects: identifiers outside strings, label matchers, ranges and
    grouping clauses that are neither a function or aggregation (followed by `(`), a keyword, nor a number."""
    text = _STRINGS.sub('""', expr)
    text = _MATCHERS.sub(" ", text)
    text = _RANGES.sub(" ", text)
    text = _GROUPING.sub(" ", text)
    return {
        match["name"]
        for match in _TOKENS.finditer(text)
        if match["name"] and not match["call"] and match["name"].lower() not in _KEYWORDS
    }


def recording_rules() -> set[str]:
    return {
        rule["record"]
        for path in sorted(RULES_DIR.glob("*.rules.yml"))
        for group in load_yaml(path)["groups"]
        for rule in group["rules"]
        if "record" in rule
    }


def known_metrics() -> set[str]:
    """The series names the server exposes (with the suffixes of their types), process_* included, and the names the
    recording rules produce."""
    exported = {
        family.name + suffix
        for family in ServerMetrics(CollectorRegistry()).registry.collect()
        for suffix in _SUFFIXES[family.type]
    }
    return exported | recording_rules()


def unknown_metrics(dashboard: dict[str, Any], known: set[str]) -> dict[str, set[str]]:
    """Per query, the metric names it uses that nobody exports."""
    found = {where: metric_names(expr) - known for where, expr in queries(dashboard)}
    return {where: names for where, names in found.items() if names}


def check_with_promtool(promtool: Path, dashboard: dict[str, Any], folder: Path) -> subprocess.CompletedProcess[str]:
    """`promtool check rules` on a rules file holding each query as a recording rule."""
    rules = [
        {"record": f"dashboard:query_{index}", "expr": GRAFANA_DURATIONS.sub("1m", expr)}
        for index, (_, expr) in enumerate(queries(dashboard))
    ]
    path = folder / "dashboard.rules.yml"
    path.write_text(yaml.safe_dump({"groups": [{"name": "dashboard", "rules": rules}]}), encoding="utf-8")
    return subprocess.run(
        [str(promtool), "check", "rules", str(path)], capture_output=True, text=True, timeout=120, check=False
    )


@pytest.fixture(scope="module")
def promtool() -> Path:
    return find_tool(PROMTOOL)


@pytest.fixture(scope="module")
def dashboard() -> dict[str, Any]:
    return load_dashboard()


def test_every_dashboard_file_is_well_formed():
    assert DASHBOARD in DASHBOARDS
    uid = datasource_uid()
    for path in DASHBOARDS:
        assert structure_problems(load_dashboard(path), uid) == [], path.name


def test_the_dashboard_has_a_row_for_each_area(dashboard):
    rows = [panel["title"] for panel in dashboard["panels"] if panel["type"] == "row"]
    assert rows == ROWS
    assert len(queries(dashboard)) >= 20


def test_the_structure_check_finds_each_kind_of_mistake(dashboard):
    uid = datasource_uid()
    broken = copy.deepcopy(dashboard)
    panels = [panel for panel in broken["panels"] if panel["type"] != "row"]
    panels[1]["id"] = panels[0]["id"]
    del panels[2]["gridPos"]["w"]
    panels[3]["gridPos"]["x"] = 20
    panels[4]["datasource"]["uid"] = "another"
    panels[5]["targets"][0]["refId"] = ""
    panels[6]["targets"][0]["expr"] = " "
    panels[7]["targets"] = []
    panels[8]["targets"][0]["datasource"] = {"uid": "another"}
    broken["schemaVersion"] = 27
    del broken["uid"]
    problems = structure_problems(broken, uid)

    def name(index: int) -> str:
        return f"panel {panels[index]['id']} ({panels[index]['title']})"

    expected = [
        "schemaVersion 27 is older than Grafana 11's",
        "the dashboard needs a uid and a title",
        f"{name(1)}: the id is missing or not unique",
        f"{name(2)}: gridPos needs integer h, w, x and y",
        f"{name(3)}: gridPos {panels[3]['gridPos']} does not fit the 24-column grid",
        f"{name(4)}: the data source is not the provisioned {uid!r}",
        f"{name(5)}: every target needs its own refId",
        f"{name(6)} A: no expr",
        f"{name(7)}: no query",
        f"{name(8)} A: the data source is not the provisioned {uid!r}",
    ]
    assert sorted(problems) == sorted(expected)


@pytest.mark.parametrize("path", DASHBOARDS, ids=lambda path: path.name)
def test_every_query_parses(promtool: Path, path: Path, tmp_path: Path):
    dashboard = load_dashboard(path)
    result = check_with_promtool(promtool, dashboard, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"SUCCESS: {len(queries(dashboard))} rules found" in result.stdout


def test_a_query_that_does_not_parse_is_refused(promtool: Path, dashboard, tmp_path: Path):
    broken = copy.deepcopy(dashboard)
    target = next(panel for panel in broken["panels"] if panel["type"] == "timeseries")["targets"][0]
    target["expr"] = target["expr"].replace(")", "", 1)
    result = check_with_promtool(promtool, broken, tmp_path)
    assert result.returncode != 0
    assert "parse error" in result.stdout + result.stderr


def test_every_metric_the_dashboards_use_is_exported(dashboard):
    known = known_metrics()
    for path in DASHBOARDS:
        assert unknown_metrics(load_dashboard(path), known) == {}, path.name
    used = {name for _, expr in queries(dashboard) for name in metric_names(expr)}
    assert {"process_resident_memory_bytes", "process_cpu_seconds_total"} <= used
    assert recording_rules() <= used, "the dashboard uses every recording rule"
    for path in DASHBOARDS:
        assert "__name__" not in path.read_text(encoding="utf-8"), "select metrics by name, so the check sees them"


def test_a_dashboard_naming_an_unknown_metric_fails(dashboard):
    broken = json.loads(
        json.dumps(dashboard).replace("sentia_mcp_vendor_requests_total", "sentia_mcp_vendor_calls_total")
    )
    unknown = unknown_metrics(broken, known_metrics())
    assert list(unknown.values()) == [{"sentia_mcp_vendor_calls_total"}]


@pytest.mark.parametrize(
    ("expr", "names"),
    [
        (
            'sum by (route) (rate(sentia_mcp_http_requests_total{status=~"5.."}[5m]))',
            {"sentia_mcp_http_requests_total"},
        ),
        ("histogram_quantile(0.95, sum by (le) (rate(a_bucket[$__rate_interval])))", {"a_bucket"}),
        ("job:x:rate5m / on (job) group_left b offset 5m > bool 1e3", {"job:x:rate5m", "b"}),
        ('c{job="and or"} and d unless e or f', {"c", "d", "e", "f"}),
        ("max(x) * 3600", {"x"}),
    ],
)
def test_metric_names_are_read_from_promql(expr: str, names: set[str]):
    assert metric_names(expr) == names


def test_compose_mounts_the_dashboards_where_the_provider_reads_them():
    compose = load_yaml(COMPOSE_FILE)
    volumes = compose["services"]["grafana"]["volumes"]
    mounts = dict(volume.rsplit(":", 2)[:2] for volume in volumes if volume.startswith("."))
    providers = load_yaml(PROVISIONING / "dashboards" / "sentia.yml")["providers"]
    assert len(providers) == 1
    path = providers[0]["options"]["path"]
    source = next(host for host, container in mounts.items() if container == path)
    assert (DEPLOY / source).resolve() == DASHBOARD_DIR
    assert mounts["./grafana/provisioning"] == "/etc/grafana/provisioning"
    assert providers[0]["allowUiUpdates"] is False
