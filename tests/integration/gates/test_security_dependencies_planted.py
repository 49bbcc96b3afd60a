"""The security and dependencies gates for real (bandit, pip-audit) against defects planted in throwaway projects.

pip-audit's service is made unreachable on purpose (a proxy on a closed port), so the offline fallback to the shared
PyPA advisory database is what is exercised, deterministically and without the network.
"""

from __future__ import annotations

import json
import socket
from pathlib import Path
from typing import Any

import pytest

from sentia_testkit.gates.advisories import Package
from sentia_testkit.gates.base import GateContext
from sentia_testkit.gates.config import GatesConfig
from sentia_testkit.gates.dependencies import DependenciesGate
from sentia_testkit.gates.model import GateResult, GateStatus
from sentia_testkit.gates.security import SecurityGate

SHARED_DB_CANDIDATES = (
    str(Path(__file__).resolve().parents[3].parent / "shared" / "advisory-db"),
    "/work/shared/advisory-db",
)

PLANTED = """\
import subprocess


def run(command):
    return subprocess.call(command, shell=True)


value = eval(input())
"""
CLEAN = """\
def add(a: int, b: int) -> int:
    return a + b
"""


def shared_advisory_db() -> str:
    for candidate in SHARED_DB_CANDIDATES:
        if (Path(candidate) / "vulns").is_dir():
            return candidate
    pytest.fail(f"no OSV advisory directory at any of {SHARED_DB_CANDIDATES}")


def project(tmp_path: Path, files: dict[str, str], **config: Any) -> GateContext:
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    config.setdefault("paths", ["pkg"])
    return GateContext(tmp_path, tmp_path / "reports", GatesConfig(**config))


def security(ctx: GateContext) -> GateResult:
    gate = SecurityGate()
    gate.produce(ctx)
    return gate.evaluate(ctx)


def test_a_planted_shell_injection_and_eval_fail_the_security_gate(tmp_path: Path):
    result = security(project(tmp_path, {"pkg/__init__.py": "", "pkg/bad.py": PLANTED, "pkg/ok.py": CLEAN}))
    assert result.status is GateStatus.FAIL
    assert result.summary == (
        "findings at or above medium/medium: 2 (limit 0): B602 at pkg/bad.py:5, B307 at pkg/bad.py:8"
    )
    shell = result.findings[0]
    assert shell.message.startswith(
        "B602 subprocess call with shell=True identified, security issue (severity high, confidence high, CWE-78)"
    )
    assert shell.message.endswith("; reproduce: bandit -t B602 pkg/bad.py")
    assert "1 findings below the medium/medium threshold do not fail the gate: B404 x1" in result.notes
    assert json.loads((tmp_path / "reports" / "bandit.json").read_text())["results"]


def test_an_unparseable_file_does_not_pass_and_is_named(tmp_path: Path):
    result = security(project(tmp_path, {"pkg/ok.py": CLEAN, "pkg/broken.py": "def broken(:\n    pass\n"}))
    assert result.status is GateStatus.ERROR
    assert "pkg/broken.py (syntax error while parsing AST from file)" in result.summary
    assert result.findings[0].location == "pkg/broken.py"


def test_a_configured_path_that_does_not_exist_does_not_pass(tmp_path: Path):
    result = security(project(tmp_path, {"pkg/ok.py": CLEAN}, paths=["pkg", "nope"]))
    assert result.status is GateStatus.ERROR
    assert "nope (No such file or directory)" in result.summary


def test_a_clean_project_passes_and_exclusions_are_shown(tmp_path: Path):
    files = {"pkg/ok.py": CLEAN, "pkg/generated/bad.py": PLANTED}
    result = security(project(tmp_path, files, security={"exclude": ["pkg/generated"]}))
    assert result.status is GateStatus.PASS
    assert result.summary == "no findings at or above medium/medium in 1 files (2 lines); 0 below the threshold"
    assert "excluded from the scan by configuration: pkg/generated" in result.notes
    assert "bandit honoured 0 `nosec` comments (0 tests skipped by them)" in result.notes


def test_without_paths_the_root_is_scanned_leaving_out_hidden_directories(tmp_path: Path):
    files = {"app.py": CLEAN, ".venv/lib/site.py": PLANTED, "tools/gen/bad.py": PLANTED}
    result = security(project(tmp_path, files, paths=[], security={"exclude": ["tools/gen"]}))
    assert result.status is GateStatus.PASS
    assert result.details["files_analysed"] == 1


@pytest.fixture
def unreachable_service(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every HTTPS request pip-audit (and the pip it runs) makes goes to a proxy on a closed port; no cache helps."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    for name in ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy"):
        monkeypatch.setenv(name, f"http://127.0.0.1:{port}")
    for name in ("NO_PROXY", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PIP_CACHE_DIR", str(tmp_path / "pip-cache"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg-cache"))
    monkeypatch.setenv("PIP_RETRIES", "0")
    monkeypatch.setenv("PIP_TIMEOUT", "2")


def dependencies(ctx: GateContext, installed: list[Package] | None = None) -> GateResult:
    gate = DependenciesGate(installed=lambda: installed or [])
    gate.produce(ctx)
    return gate.evaluate(ctx)


@pytest.mark.usefixtures("unreachable_service")
def test_a_vulnerable_installed_version_fails_through_the_offline_fallback(tmp_path: Path):
    ctx = project(tmp_path, {}, dependencies={"advisory_db": shared_advisory_db()})
    result = dependencies(ctx, [Package("Jinja2", "2.10"), Package("MarkupSafe", "2.1.5")])
    assert result.status is GateStatus.FAIL
    assert result.summary.startswith("known vulnerabilities 2 (limit 0): PYSEC-2019-217 in Jinja2 2.10")
    assert any(
        note.startswith("pip-audit could not audit: pip-audit exited 1 without a report: ") and "Proxy" in note
        for note in result.notes
    )
    assert any("dated 2024-10-10: advisories published after that date are not known" in note for note in result.notes)
    assert json.loads((tmp_path / "reports" / "dependencies.json").read_text())["source"] == "osv-directory"


@pytest.mark.usefixtures("unreachable_service")
def test_an_unreachable_service_without_a_fallback_is_unavailable(tmp_path: Path):
    result = dependencies(project(tmp_path, {}), [Package("Jinja2", "2.10")])
    assert result.status is GateStatus.UNAVAILABLE
    assert "no offline advisory database is configured: set advisory_db" in result.summary


@pytest.mark.usefixtures("unreachable_service")
def test_a_requirements_file_pinned_to_a_vulnerable_version_fails(tmp_path: Path):
    ctx = project(
        tmp_path,
        {"requirements.txt": "requests==2.19.0\n"},
        dependencies={"advisory_db": shared_advisory_db(), "requirements": ["requirements.txt"]},
    )
    result = dependencies(ctx)
    assert result.status is GateStatus.FAIL
    assert result.summary == (
        "known vulnerabilities 2 (limit 0): PYSEC-2018-28 in requests 2.19.0, PYSEC-2023-74 in requests 2.19.0 "
        "(1 by the offline advisory database dated 2024-10-10)"
    )
