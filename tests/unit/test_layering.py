"""The dependency rules of docs/architecture.md, checked on the import statements of every module."""

from __future__ import annotations

import ast
from collections.abc import Callable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def modules(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


def violations(package: str, allowed: Callable[[Path, str], bool]) -> list[str]:
    return [
        f"{path.relative_to(ROOT)} imports {name}"
        for path in modules(package)
        for name in sorted(imports_of(path))
        if not allowed(path, name)
    ]


def test_the_server_never_imports_the_testkit():
    assert violations("sentia_server", lambda _path, name: not name.startswith("sentia_testkit")) == []


def test_the_testkit_reaches_the_server_only_through_its_domain_models():
    def allowed(_path: Path, name: str) -> bool:
        return not name.startswith("sentia_server") or name.startswith("sentia_server.domain")

    assert violations("sentia_testkit", allowed) == []


@pytest.mark.parametrize(
    ("layer", "forbidden"),
    [
        ("integrations", ("tools", "routes", "auth", "app", "mcp", "cli", "runtime", "security", "storage", "cache")),
        ("tools", ("routes", "app", "cli")),
        ("storage", ("tools", "routes", "app", "mcp", "cli", "auth", "runtime")),
        ("cache", ("tools", "routes", "app", "mcp", "cli", "auth", "runtime", "storage")),
        ("auth", ("tools", "routes", "app", "mcp", "cli", "runtime")),
    ],
)
def test_layers_depend_one_way(layer: str, forbidden: tuple[str, ...]):
    prefixes = tuple(f"sentia_server.{name}" for name in forbidden)

    def allowed(_path: Path, name: str) -> bool:
        return not name.startswith(prefixes)

    assert violations(f"sentia_server/{layer}", allowed) == []
