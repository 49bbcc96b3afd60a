"""deploy/render.yaml, checked against the structure of Render's Blueprint YAML reference (render.com/docs/
blueprint-spec): Render publishes its JSON Schema only on its own site, without a licence to copy it here, so this
test encodes the documented fields, required keys, enumerations and ranges that this Blueprint uses."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any, cast

import pytest
from support.deploy import RENDER_FILE, REPO_ROOT, load_yaml, settings_variables

from sentia_server.routes.health import health_routes
from sentia_server.runtime import Runtime

ROOT_FIELDS = {"services", "databases", "envVarGroups", "projects", "ungrouped", "previews"}
ENVIRONMENT_FIELDS = {"name", "services", "databases", "envVarGroups", "networking", "permissions"}
WEB_FIELDS = {
    "type", "name", "runtime", "plan", "region", "repo", "branch", "autoDeployTrigger", "domains", "healthCheckPath",
    "maxShutdownDelaySeconds", "preDeployCommand", "dockerCommand", "dockerfilePath", "dockerContext",
    "registryCredential", "numInstances", "scaling", "buildFilter", "rootDir", "envVars", "previews",
}  # fmt: skip
KEYVALUE_FIELDS = {"type", "name", "plan", "previewPlan", "region", "ipAllowList", "maxmemoryPolicy"}
DATABASE_FIELDS = {
    "name", "plan", "previewPlan", "diskSizeGB", "previewDiskSizeGB", "region", "ipAllowList", "postgresMajorVersion",
    "databaseName", "user", "readReplicas", "highAvailability",
}  # fmt: skip
REGIONS = {"oregon", "ohio", "virginia", "frankfurt", "singapore"}
SERVICE_PLANS = {"free", "starter", "standard", "pro", "pro plus", "pro max", "pro ultra"}
MAXMEMORY_POLICIES = {"allkeys-lru", "volatile-lru", "allkeys-random", "volatile-random", "volatile-ttl", "noeviction"}
# One way to give an environment variable its value, exactly one per entry.
ENV_SOURCES = {"value", "generateValue", "sync", "fromDatabase", "fromService", "fromGroup"}
SCALING = {"development": (1, 3), "testing": (1, 5), "production": (2, 10)}
SECRET_KEYS = {"SENTIA_JWT_SECRET", "SENTIA_API_KEY_HASH_KEY", "SENTIA_ENCRYPTION_KEYS"}


def blueprint_problems(blueprint: dict[str, Any]) -> list[str]:
    """Every way `blueprint` departs from the documented structure (an empty list when it conforms)."""
    problems: list[str] = []
    problems += [f"unknown root field {key}" for key in set(blueprint) - ROOT_FIELDS]
    groups = {group["name"] for group in blueprint.get("envVarGroups", [])}
    for group in blueprint.get("envVarGroups", []):
        for entry in group["envVars"]:
            if set(entry) != {"key", "value"} and set(entry) != {"key", "generateValue"}:
                problems.append(f"group {group['name']}: {entry.get('key')} must be a value or a generated value")
    names: list[str] = []
    for project in blueprint.get("projects", []):
        if not project.get("name") or not project.get("environments"):
            problems.append("a project needs a name and at least one environment")
        for environment in project.get("environments", []):
            where = f"{project.get('name')}/{environment.get('name')}"
            problems += [f"{where}: unknown field {key}" for key in set(environment) - ENVIRONMENT_FIELDS]
            for policy in ("networking", "permissions"):
                for value in environment.get(policy, {}).values():
                    if value not in {"enabled", "disabled"}:
                        problems.append(f"{where}: {policy} takes enabled or disabled")
            databases = {database["name"] for database in environment.get("databases", [])}
            services = {(service["type"], service["name"]) for service in environment.get("services", [])}
            for database in environment.get("databases", []):
                names.append(database["name"])
                problems += [f"{where}: database field {key}" for key in set(database) - DATABASE_FIELDS]
                if database.get("region", "oregon") not in REGIONS:
                    problems.append(f"{where}: database region {database['region']}")
                if not isinstance(database.get("postgresMajorVersion", ""), str):
                    problems.append(f"{where}: postgresMajorVersion must be a string")
            for service in environment.get("services", []):
                names.append(service["name"])
                problems += _service_problems(where, service, databases, services, groups)
    problems += [f"the name {name} is used twice" for name in {name for name in names if names.count(name) > 1}]
    return problems


def _service_problems(
    where: str, service: dict[str, Any], databases: set[str], services: set[tuple[str, str]], groups: set[str]
) -> list[str]:
    problems: list[str] = []
    kind = service.get("type")
    allowed = {"web": WEB_FIELDS, "keyvalue": KEYVALUE_FIELDS}.get(kind)
    if allowed is None:
        return [f"{where}: service type {kind} is not used by this Blueprint"]
    problems += [f"{where}/{service['name']}: unknown field {key}" for key in set(service) - allowed]
    if service.get("region", "oregon") not in REGIONS:
        problems.append(f"{where}/{service['name']}: region {service['region']}")
    if kind == "keyvalue":
        if "ipAllowList" not in service:
            problems.append(f"{where}/{service['name']}: a Key Value instance needs ipAllowList")
        if service.get("maxmemoryPolicy", "allkeys-lru") not in MAXMEMORY_POLICIES:
            problems.append(f"{where}/{service['name']}: maxmemoryPolicy {service['maxmemoryPolicy']}")
        return problems
    if service.get("runtime") != "docker":
        problems.append(f"{where}/{service['name']}: runtime must be docker")
    if service.get("plan", "starter") not in SERVICE_PLANS:
        problems.append(f"{where}/{service['name']}: plan {service['plan']}")
    if service.get("autoDeployTrigger", "commit") not in {"commit", "checksPass", "off"}:
        problems.append(f"{where}/{service['name']}: autoDeployTrigger {service['autoDeployTrigger']}")
    scaling = service.get("scaling", {})
    if set(scaling) - {"minInstances", "maxInstances", "targetCPUPercent", "targetMemoryPercent"}:
        problems.append(f"{where}/{service['name']}: unknown scaling field")
    if scaling and not (
        {"minInstances", "maxInstances"} <= set(scaling) and scaling["minInstances"] <= scaling["maxInstances"]
    ):
        problems.append(f"{where}/{service['name']}: scaling needs minInstances <= maxInstances")
    for target in ("targetCPUPercent", "targetMemoryPercent"):
        if target in scaling and not 1 <= scaling[target] <= 90:
            problems.append(f"{where}/{service['name']}: {target} must be 1-90")
    for entry in service.get("envVars", []):
        sources = set(entry) & ENV_SOURCES
        if len(sources) != 1 or ("fromGroup" not in sources) != ("key" in entry):
            problems.append(f"{where}/{service['name']}: env var {entry} needs a key and exactly one source")
            continue
        if entry.get("sync", False) is not False:
            problems.append(f"{where}/{service['name']}: sync may only be false")
        if "fromDatabase" in entry and entry["fromDatabase"]["name"] not in databases:
            problems.append(f"{where}/{service['name']}: no database {entry['fromDatabase']['name']} here")
        reference = entry.get("fromService")
        if reference and (reference["type"], reference["name"]) not in services:
            problems.append(f"{where}/{service['name']}: no {reference['type']} {reference['name']} here")
        if "fromGroup" in entry and entry["fromGroup"] not in groups:
            problems.append(f"{where}/{service['name']}: no environment group {entry['fromGroup']}")
    return problems


@pytest.fixture(scope="module")
def blueprint() -> dict[str, Any]:
    document = load_yaml(RENDER_FILE)
    assert isinstance(document, dict)
    return document


def _environments(blueprint: dict[str, Any]) -> dict[str, dict[str, Any]]:
    (project,) = blueprint["projects"]
    return {environment["name"]: environment for environment in project["environments"]}


def _web(environment: dict[str, Any]) -> dict[str, Any]:
    (web,) = [service for service in environment["services"] if service["type"] == "web"]
    return cast(dict[str, Any], web)


def test_the_blueprint_follows_the_documented_structure(blueprint):
    assert blueprint_problems(blueprint) == []


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (lambda b: b.update(service=[]), "unknown root field service"),
        (lambda b: _environments(b)["testing"]["services"][1].pop("ipAllowList"), "needs ipAllowList"),
        (lambda b: _web(_environments(b)["production"])["scaling"].update(targetCPUPercent=95), "must be 1-90"),
        (lambda b: _web(_environments(b)["development"]).update(numInstance=2), "unknown field numInstance"),
        (lambda b: _web(_environments(b)["testing"])["envVars"].append({"key": "X", "sync": False, "value": 1}), "one"),
        (lambda b: _web(_environments(b)["testing"])["envVars"][-1]["fromService"].update(name="x"), "no keyvalue x"),
        (lambda b: _web(_environments(b)["testing"])["envVars"][-2]["fromDatabase"].update(name="x"), "no database x"),
        (lambda b: _web(_environments(b)["testing"]).update(name="sentia-mcp-production"), "used twice"),
    ],
)  # fmt: skip
def test_the_structure_check_finds_departures(blueprint, change, problem):
    broken = copy.deepcopy(blueprint)
    change(broken)
    assert any(problem in found for found in blueprint_problems(broken)), blueprint_problems(broken)


def test_three_environments_scale_within_their_bounds(blueprint):
    environments = _environments(blueprint)
    assert set(environments) == set(SCALING)
    for name, (low, high) in SCALING.items():
        scaling = _web(environments[name])["scaling"]
        assert (scaling["minInstances"], scaling["maxInstances"]) == (low, high)
        assert (scaling["targetCPUPercent"], scaling["targetMemoryPercent"]) == (60, 70)
    assert environments["production"]["permissions"]["protection"] == "enabled"


def test_each_environment_has_postgres_and_an_lru_key_value(blueprint):
    for name, environment in _environments(blueprint).items():
        (cache,) = [service for service in environment["services"] if service["type"] == "keyvalue"]
        assert cache["maxmemoryPolicy"] == "allkeys-lru"
        assert cache["ipAllowList"] == []
        (database,) = environment["databases"]
        assert database["ipAllowList"] == [], f"{name}: the database must not be reachable from outside Render"
        variables = {entry.get("key"): entry for entry in _web(environment)["envVars"]}
        assert variables["SENTIA_DATABASE_URL"]["fromDatabase"] == {
            "name": database["name"],
            "property": "connectionString",
        }
        assert variables["SENTIA_REDIS_URL"]["fromService"]["name"] == cache["name"]
        assert variables["SENTIA_ENVIRONMENT"]["value"] == name


def test_the_web_service_builds_the_dockerfile_and_checks_readiness(blueprint):
    paths = {route.path for route in health_routes(cast(Runtime, None))}
    for environment in _environments(blueprint).values():
        web = _web(environment)
        assert (REPO_ROOT / web["dockerfilePath"]).resolve() == (REPO_ROOT / "Dockerfile").resolve()
        assert Path(REPO_ROOT / web["dockerContext"]).resolve() == REPO_ROOT
        assert web["healthCheckPath"] in paths
        assert web["preDeployCommand"] == "sentia-server migrate"


def test_secrets_have_no_values_and_every_setting_exists(blueprint):
    known = settings_variables()
    group_keys = [entry["key"] for group in blueprint["envVarGroups"] for entry in group["envVars"]]
    for environment in _environments(blueprint).values():
        entries = [entry for entry in _web(environment)["envVars"] if "key" in entry]
        for entry in entries:
            if entry["key"] in SECRET_KEYS:
                assert "value" not in entry, f"{entry['key']} has a value in the Blueprint"
        keys = {entry["key"] for entry in entries}
        assert keys >= SECRET_KEYS
        assert {key for key in keys | set(group_keys) if key != "PORT"} <= known
    production = {
        entry["key"]: entry for entry in _web(_environments(blueprint)["production"])["envVars"] if "key" in entry
    }
    assert all(production[key] == {"key": key, "sync": False} for key in SECRET_KEYS)
