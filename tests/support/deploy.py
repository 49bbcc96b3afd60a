"""Reading the deployment artifacts (deploy/, monitoring/, security/) the way their tools do, for the tests that
validate them."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel

from sentia_server.config import Settings

REPO_ROOT = Path(__file__).resolve().parents[2]
DEPLOY = REPO_ROOT / "deploy"
COMPOSE_FILE = DEPLOY / "docker-compose.production.yml"
K8S_DIR = DEPLOY / "k8s"
RENDER_FILE = DEPLOY / "render.yaml"
NGINX_DIR = DEPLOY / "nginx"
PROMETHEUS_FILE = REPO_ROOT / "monitoring" / "prometheus.yml"
POLICY_FILE = REPO_ROOT / "security" / "container-security-policy.yaml"
DOCKERFILE = REPO_ROOT / "Dockerfile"
COMPOSE_SCHEMA = REPO_ROOT / "specs" / "compose-spec" / "compose-spec.json"

# Compose's interpolation forms this stack uses: ${VAR}, ${VAR:-default} and ${VAR:?error}.
_INTERPOLATION = re.compile(r"\$\{(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?:(?P<op>:[-?])(?P<arg>[^}]*))?\}")


def load_yaml(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def load_yaml_documents(path: Path) -> list[Any]:
    return [document for document in yaml.safe_load_all(path.read_text(encoding="utf-8")) if document is not None]


def interpolated_names(text: str) -> set[str]:
    """Every variable a Compose file interpolates."""
    return {match["name"] for match in _INTERPOLATION.finditer(text)}


def interpolate(value: str, variables: Mapping[str, str]) -> str:
    """`value` with Compose interpolation applied; a missing `${VAR:?…}` or `${VAR}` is an error, as in Compose with
    a required variable."""

    def replace(match: re.Match[str]) -> str:
        name, op, arg = match["name"], match["op"], match["arg"]
        if variables.get(name):
            return variables[name]
        if op == ":-":
            return arg or ""
        raise KeyError(f"{name} is not set ({arg or 'required'})")

    return _INTERPOLATION.sub(replace, value)


def settings_variables() -> set[str]:
    """Every environment variable the server's Settings reads: SENTIA_<FIELD>, and SENTIA_<GROUP>__<FIELD> for the
    nested groups (vendors, threat detection)."""
    names: set[str] = set()
    for name, field in Settings.model_fields.items():
        names.add(f"SENTIA_{name.upper()}")
        annotation = field.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            names.update(f"SENTIA_{name.upper()}__{sub.upper()}" for sub in annotation.model_fields)
    return names


def env_file_entries(path: Path) -> dict[str, str]:
    """The `KEY=value` lines of an env file (comments and blank lines skipped)."""
    entries: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        key, separator, value = stripped.partition("=")
        assert separator, f"{path.name}: {line!r} is not KEY=value"
        entries[key] = value
    return entries


def commented_env_names(path: Path) -> set[str]:
    """Variables an env file documents in comment lines of the form `# NAME=`."""
    return set(re.findall(r"^#\s*([A-Z][A-Z0-9_]*)=", path.read_text(encoding="utf-8"), flags=re.MULTILINE))
