"""deploy/docker-compose.production.yml: valid against the Compose Specification's JSON Schema, every file it names
present (or supplied by the operator from a documented template), secrets only from outside the file, and a server
configuration the real Settings accept in production mode."""

from __future__ import annotations

import base64
import copy
import json
import os
import re
import secrets
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from click import Command
from support.deploy import (
    COMPOSE_FILE,
    COMPOSE_SCHEMA,
    DEPLOY,
    PROMETHEUS_FILE,
    REPO_ROOT,
    commented_env_names,
    env_file_entries,
    interpolate,
    interpolated_names,
    load_yaml,
    settings_variables,
)

from sentia_server.cli import main as server_cli
from sentia_server.config import Environment, Settings
from sentia_testkit import cli as testkit_cli

SERVICES = {"migrate", "server", "simulators", "postgres", "redis", "nginx", "prometheus", "grafana"}
# Files the operator creates on the Docker host from a template in the repository; never committed.
OPERATOR_FILES = {
    "sentia.env": "sentia.env.example",
    "secrets/encryption-keys": "secrets/README.md",
    "secrets/metrics-scrape-token": "secrets/README.md",
    "secrets/grafana-admin-password": "secrets/README.md",
}
SECRET_NAME = re.compile(r"PASSWORD|SECRET|TOKEN|(?<!CACHE_)KEY(?!_FILE)", re.IGNORECASE)


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    document = load_yaml(COMPOSE_FILE)
    assert isinstance(document, dict)
    return document


@pytest.fixture(scope="module")
def validator() -> jsonschema.protocols.Validator:
    schema = json.loads(COMPOSE_SCHEMA.read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def test_the_file_is_valid_against_the_compose_specification(compose, validator):
    errors = sorted(validator.iter_errors(compose), key=lambda error: list(error.path))
    assert not errors, "\n".join(f"{'/'.join(map(str, e.path))}: {e.message}" for e in errors)


def test_the_schema_check_rejects_what_compose_would_reject(compose, validator):
    """The vendored schema really constrains the file: an unknown service key and a wrongly typed field fail."""
    unknown_key = copy.deepcopy(compose)
    unknown_key["services"]["server"]["healthcheck"]["every"] = "30s"
    wrong_type = copy.deepcopy(compose)
    wrong_type["services"]["redis"]["read_only"] = ["yes"]
    assert not validator.is_valid(unknown_key)
    assert not validator.is_valid(wrong_type)


def test_the_schema_is_the_vendored_specification_with_its_licence():
    folder = COMPOSE_SCHEMA.parent
    assert "Apache License" in (folder / "LICENSE").read_text(encoding="utf-8")
    assert json.loads(COMPOSE_SCHEMA.read_text(encoding="utf-8"))["title"] == "Compose Specification"


def test_the_stack_has_every_service(compose):
    assert set(compose["services"]) == SERVICES


def _referenced_paths(compose: dict[str, Any]) -> list[tuple[str, Path]]:
    """(where, path) for every host path the file names: build contexts and Dockerfiles, env files, bind mounts,
    secret and config files."""
    found: list[tuple[str, Path]] = []
    for name, service in compose["services"].items():
        build = service.get("build")
        if build is not None:
            context = DEPLOY / build["context"]
            found.append((f"{name}.build.context", context))
            found.append((f"{name}.build.dockerfile", context / build.get("dockerfile", "Dockerfile")))
        for entry in service.get("env_file", []):
            found.append((f"{name}.env_file", DEPLOY / (entry["path"] if isinstance(entry, dict) else entry)))
        for volume in service.get("volumes", []):
            source = volume.split(":", 1)[0] if isinstance(volume, str) else volume.get("source", "")
            if source.startswith((".", "/")):
                found.append((f"{name}.volumes", DEPLOY / source))
    for section in ("secrets", "configs"):
        for name, entry in compose.get(section, {}).items():
            if "file" in entry:
                found.append((f"{section}.{name}", DEPLOY / entry["file"]))
    return found


def test_every_referenced_file_exists_or_is_supplied_from_a_documented_template(compose):
    references = _referenced_paths(compose)
    assert len(references) >= 10
    supplied: set[str] = set()
    for where, path in references:
        relative = os.path.relpath(path.resolve(), DEPLOY)
        if path.exists():
            continue
        assert relative in OPERATOR_FILES, f"{where} names {relative}, which does not exist"
        template = DEPLOY / OPERATOR_FILES[relative]
        assert template.is_file(), f"{relative} has no template {template.name}"
        if template.name == "README.md":
            assert f"`{Path(relative).name}`" in template.read_text(encoding="utf-8"), f"{template} omits {relative}"
        supplied.add(relative)
    assert supplied == set(OPERATOR_FILES)


def test_operator_files_are_never_committed():
    paths = [f"deploy/{relative}" for relative in OPERATOR_FILES] + ["deploy/.env", "deploy/nginx/certs/tls.key"]
    result = subprocess.run(
        ["git", "check-ignore", "--no-index", *paths], cwd=REPO_ROOT, capture_output=True, text=True, check=False
    )
    assert sorted(result.stdout.split()) == sorted(paths)
    kept = subprocess.run(
        ["git", "check-ignore", "--no-index", "deploy/secrets/README.md", "deploy/nginx/certs/README.md"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert kept.stdout == ""


def _environment_values(compose: dict[str, Any]) -> list[tuple[str, str, str]]:
    values = []
    for name, service in compose["services"].items():
        environment = service.get("environment", {})
        assert isinstance(environment, dict), f"{name}: write environment as a mapping"
        values.extend((name, key, str(value)) for key, value in environment.items())
    return values


def test_no_secret_is_written_in_the_file(compose):
    secret_like = [
        (service, key, value) for service, key, value in _environment_values(compose) if SECRET_NAME.search(key)
    ]
    assert secret_like, "the check found nothing to look at"
    for service, key, value in secret_like:
        from_outside = value.startswith(("${", "/run/secrets/")) or key.endswith(("_FILE", "__FILE"))
        assert from_outside, f"{service}.{key} is written in the file"
    database_url = compose["services"]["server"]["environment"]["SENTIA_DATABASE_URL"]
    assert "${POSTGRES_PASSWORD" in database_url


def test_every_interpolated_variable_is_documented_in_env_example():
    documented = env_file_entries(DEPLOY / ".env.example")
    assert interpolated_names(COMPOSE_FILE.read_text(encoding="utf-8")) <= set(documented)
    assert all(value == "" for value in documented.values()), ".env.example must hold no values"


def test_server_settings_exist_in_config(compose):
    known = settings_variables()
    for service in ("server", "migrate"):
        names = set(compose["services"][service]["environment"])
        assert names <= known, f"{service}: unknown settings {sorted(names - known)}"
    example = DEPLOY / "sentia.env.example"
    named = set(env_file_entries(example)) | commented_env_names(example)
    assert {"SENTIA_JWT_SECRET", "SENTIA_API_KEY_HASH_KEY"} <= named
    assert named <= known, f"sentia.env.example names unknown settings {sorted(named - known)}"


def test_the_example_secrets_are_empty():
    entries = env_file_entries(DEPLOY / "sentia.env.example")
    assert entries["SENTIA_JWT_SECRET"] == "" and entries["SENTIA_API_KEY_HASH_KEY"] == ""
    filled = {key: value for key, value in entries.items() if SECRET_NAME.search(key) and value}
    assert not filled, f"sentia.env.example holds values for {sorted(filled)}"


def test_the_server_configuration_is_accepted_in_production(compose, tmp_path, monkeypatch):
    """The environment Compose gives the server, with the operator's files filled in, passes the real Settings
    checks of production mode (allowed hosts, JWT key, hash key, encryption keys)."""
    key_file = tmp_path / "encryption-keys"
    key_file.write_text("k1:" + base64.b64encode(secrets.token_bytes(32)).decode() + "\n")
    interpolation = {"SENTIA_PUBLIC_HOST": "mcp.example.org", "POSTGRES_PASSWORD": secrets.token_urlsafe(24)}
    operator_env = env_file_entries(DEPLOY / "sentia.env.example")
    operator_env.update(SENTIA_JWT_SECRET=secrets.token_urlsafe(48), SENTIA_API_KEY_HASH_KEY=secrets.token_urlsafe(48))
    environment = {
        key: interpolate(str(value), interpolation)
        for key, value in compose["services"]["server"]["environment"].items()
    }
    environment["SENTIA_ENCRYPTION_KEY_FILE"] = str(key_file)
    for name in list(os.environ):
        if name.startswith("SENTIA_"):
            monkeypatch.delenv(name)
    for key, value in {**operator_env, **environment}.items():
        monkeypatch.setenv(key, value)
    settings = Settings(_env_file=None)
    assert settings.environment is Environment.PRODUCTION
    assert settings.resolved_database_url.startswith("postgresql+asyncpg://sentia:")
    assert settings.encryption_keyring is not None
    assert settings.resolved_public_url == "https://mcp.example.org"


def test_interpolation_refuses_a_missing_required_variable():
    with pytest.raises(KeyError, match="POSTGRES_PASSWORD"):
        interpolate("${POSTGRES_PASSWORD:?set it}", {})
    assert interpolate("sentia-server:${SENTIA_IMAGE_TAG:-local}", {}) == "sentia-server:local"


def _options(command: Command) -> set[str]:
    return {option for parameter in command.params for option in getattr(parameter, "opts", [])}


def test_server_commands_and_healthcheck_use_real_cli_options(compose):
    server = compose["services"]["server"]
    assert server["command"] == ["sentia-server", "serve", "--transport", "http"]
    assert compose["services"]["migrate"]["command"] == ["sentia-server", "migrate"]
    test = server["healthcheck"]["test"]
    assert test[:3] == ["CMD", "sentia-server", "healthcheck"]
    used = {part for part in test[3:] if part.startswith("--")}
    assert used <= _options(server_cli.commands["healthcheck"])  # type: ignore[attr-defined]
    assert {"--transport"} <= _options(server_cli.commands["serve"])  # type: ignore[attr-defined]
    url = test[test.index("--url") + 1]
    host = url.removeprefix("http://")
    assert host in server["environment"]["SENTIA_ALLOWED_HOSTS"].split(","), "the healthcheck's Host would be refused"


def test_the_simulators_run_only_in_the_staging_profile(compose):
    simulators = compose["services"]["simulators"]
    assert simulators["profiles"] == ["staging"]
    assert [name for name, service in compose["services"].items() if "profiles" in service] == ["simulators"]
    command = simulators["command"]
    assert command[:2] == ["sentia-testkit", "simulate"]
    arguments = testkit_cli.build_parser().parse_args(command[1:])
    assert (arguments.host, arguments.port) == ("0.0.0.0", 8900)


def test_every_long_running_service_restarts_has_limits_and_a_healthcheck(compose):
    for name, service in compose["services"].items():
        limits = service["deploy"]["resources"]["limits"]
        assert limits.get("memory") and limits.get("cpus"), f"{name} has no resource limits"
        if name == "migrate":
            assert service["restart"] == "no"
            continue
        assert service["restart"] == "unless-stopped", name
        if name not in {"simulators", "grafana"}:
            assert service["healthcheck"]["test"][0] == "CMD", name


def test_the_server_starts_after_its_dependencies_are_ready(compose):
    depends = compose["services"]["server"]["depends_on"]
    assert depends["migrate"]["condition"] == "service_completed_successfully"
    assert depends["postgres"]["condition"] == depends["redis"]["condition"] == "service_healthy"


def test_redis_is_a_bounded_lru_cache(compose):
    command = compose["services"]["redis"]["command"]
    assert command[command.index("--maxmemory-policy") + 1] == "allkeys-lru"
    assert command[command.index("--maxmemory") + 1].endswith("mb")
    assert compose["services"]["server"]["environment"]["SENTIA_REDIS_URL"] == "redis://redis:6379/0"


def test_prometheus_gets_its_config_and_the_scrape_token(compose):
    prometheus = compose["services"]["prometheus"]
    mounts = dict(volume.rsplit(":", 1)[0].split(":", 1) for volume in prometheus["volumes"] if volume.startswith("."))
    config_target = mounts["../monitoring/prometheus.yml"]
    assert (DEPLOY / "../monitoring/prometheus.yml").resolve() == PROMETHEUS_FILE
    job = next(job for job in load_yaml(PROMETHEUS_FILE)["scrape_configs"] if job["job_name"] == "sentia-server")
    credentials = Path(config_target).parent / job["authorization"]["credentials_file"]
    targets = {secret["target"] for secret in prometheus["secrets"]}
    assert str(credentials) in targets
    host = job["static_configs"][0]["targets"][0]
    assert host in compose["services"]["server"]["environment"]["SENTIA_ALLOWED_HOSTS"].split(",")
    assert host.split(":")[0] in compose["services"]


def test_grafana_provisioning_is_present(compose):
    volumes = compose["services"]["grafana"]["volumes"]
    provisioning = next(volume for volume in volumes if volume.startswith("./grafana/provisioning:"))
    folder = DEPLOY / provisioning.split(":")[0]
    datasource = load_yaml(folder / "datasources" / "prometheus.yml")
    assert datasource["datasources"][0]["url"] == "http://prometheus:9090"
    assert "ADMIN_PASSWORD__FILE" in "".join(compose["services"]["grafana"]["environment"])


# Test-only distributions of the testkit extra (module name: distribution) that the runtime image does not install.
_TESTKIT_ONLY = {"pytest": "pytest", "_pytest": "pytest", "faker": "faker", "hypothesis": "hypothesis"}
_BLOCKING_RUNNER = """
import importlib.abc, sys
BLOCKED = set(sys.argv[1].split(","))
class Block(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name.split(".")[0] in BLOCKED:
            raise ImportError(f"{name} is not installed in the runtime image")
        return None
sys.meta_path.insert(0, Block())
from sentia_testkit.cli import main
sys.exit(main(sys.argv[2:]))
"""


def test_the_simulators_need_only_what_the_runtime_image_installs(compose):
    """The staging simulators run from the server image, which installs `sentia[server]` only: the testkit's
    simulators must build without the test-only packages."""
    pyproject = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    server_extra = " ".join(pyproject["project"]["optional-dependencies"]["server"])
    assert not any(distribution in server_extra for distribution in _TESTKIT_ONLY.values())
    command = compose["services"]["simulators"]["command"]
    arguments = [*command[1:], "--print-env"]
    result = subprocess.run(
        [sys.executable, "-c", _BLOCKING_RUNNER, ",".join(_TESTKIT_ONLY), *arguments],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    settings = dict(line.split("=", 1) for line in result.stdout.splitlines() if "=" in line)
    assert settings["SENTIA_XERO__API_BASE_URL"] == "http://0.0.0.0:8900/xero"
    known = settings_variables()
    unknown = [name for name in settings if not any(name == k or name.startswith(f"{k}__") for k in known)]
    assert not unknown, f"the simulators print settings the server does not read: {unknown}"


def test_images_built_here_target_the_dockerfile_runtime_stage(compose):
    stages = set(
        re.findall(r"^FROM \S+ AS (\S+)$", (REPO_ROOT / "Dockerfile").read_text(encoding="utf-8"), re.MULTILINE)
    )
    built = {name: service["build"] for name, service in compose["services"].items() if "build" in service}
    assert set(built) == {"migrate", "server", "simulators"}
    assert {build["target"] for build in built.values()} == {"runtime"} and "runtime" in stages
    assert len({service["image"] for name, service in compose["services"].items() if name in built}) == 1
