"""The lint and container gates against throwaway projects with planted defects, measured by the real tools
(ruff, mypy, hadolint, actionlint) installed beside the running interpreter."""

from __future__ import annotations

from pathlib import Path

import pytest
from support.projects import context, write_project

from sentia_testkit.gates.base import GateContext
from sentia_testkit.gates.container import ContainerGate
from sentia_testkit.gates.lint import LintGate
from sentia_testkit.gates.model import GateResult, GateStatus
from sentia_testkit.gates.runner import run_gates

PYPROJECT = """\
    [project]
    name = "throwaway"
    version = "0"

    [tool.ruff]
    line-length = 120

    [tool.ruff.lint]
    select = ["E", "F", "I"]

    [tool.mypy]
    strict = true
"""

CLEAN_PYTHON = {
    "pyproject.toml": PYPROJECT,
    "app/__init__.py": "",
    "app/orders.py": '''\
        """Order totals."""


        def total(lines: list[tuple[int, float]]) -> float:
            return sum(quantity * price for quantity, price in lines)
    ''',
}

PLANTED_PYTHON = {
    **CLEAN_PYTHON,
    "app/unused.py": """\
        import os


        def name() -> str:
            return "unused"
    """,
    "app/crowded.py": """\
        def crowded( a:int,b:int )->int:
            return a+b
    """,
    "app/types.py": """\
        def count() -> int:
            return "three"
    """,
}

CLEAN_DOCKERFILE = """\
    FROM python:3.11.15-slim-trixie
    RUN useradd --system --uid 10001 app
    USER 10001
    HEALTHCHECK CMD ["python", "-c", "print('ok')"]
    CMD ["python", "-m", "http.server"]
"""

CLEAN_WORKFLOW = """\
    name: ci
    on: push
    permissions:
      contents: read
    jobs:
      test:
        runs-on: ubuntu-24.04
        steps:
          - run: echo "testing ${{ github.sha }}"
"""


def run(gate: LintGate | ContainerGate, ctx: GateContext) -> GateResult:
    gate.produce(ctx)
    return gate.evaluate(ctx)


def locations(result: GateResult, rule: str) -> list[str]:
    return [finding.location for finding in result.findings if finding.rule == rule]


@pytest.fixture(scope="module")
def planted_lint(tmp_path_factory: pytest.TempPathFactory) -> GateResult:
    """One project with a ruff violation, an unformatted file and a type error, linted once for all the tests."""
    root = write_project(tmp_path_factory.mktemp("planted-lint"), PLANTED_PYTHON)
    return run(LintGate(), context(root, paths=["app"]))


def test_a_ruff_violation_fails_the_lint_gate(planted_lint: GateResult):
    assert planted_lint.status is GateStatus.FAIL
    assert locations(planted_lint, "F401") == ["app/unused.py:1:8"]
    assert "ruff violations 1 (limit 0)" in planted_lint.summary


def test_an_unformatted_file_fails_the_lint_gate(planted_lint: GateResult):
    assert locations(planted_lint, "format") == ["app/crowded.py"]
    assert "files not formatted" in planted_lint.summary
    assert planted_lint.details["ruff_format"]["unformatted"] == ["app/crowded.py"]


def test_a_type_error_fails_the_lint_gate_with_file_and_line(planted_lint: GateResult):
    [error] = [finding for finding in planted_lint.findings if finding.rule == "return-value"]
    assert error.location == "app/types.py:2"
    assert 'Incompatible return value type (got "str", expected "int")' in error.message
    assert "mypy errors 1 (limit 0)" in planted_lint.summary


def test_a_clean_project_passes_the_lint_gate(tmp_path: Path):
    root = write_project(tmp_path, CLEAN_PYTHON)

    result = run(LintGate(), context(root, paths=["app"]))

    assert result.status is GateStatus.PASS, result.summary
    assert result.summary == "ruff violations 0 (limit 0); files not formatted 0 (limit 0); mypy errors 0 (limit 0)"
    assert result.details["mypy"]["checked_files"] == 2


def test_a_dockerfile_that_runs_as_root_fails_naming_it(tmp_path: Path):
    root = write_project(
        tmp_path,
        {"docker/api.Dockerfile": 'FROM python:3.11.15-slim-trixie\nHEALTHCHECK CMD ["true"]\nCMD ["python"]\n'},
    )

    result = run(ContainerGate(), context(root, container={"dockerfiles": ["docker/api.Dockerfile"]}))

    assert result.status is GateStatus.FAIL
    assert "docker/api.Dockerfile final stage user root (no USER) (limit non-root)" in result.summary
    assert locations(result, "root-user") == ["docker/api.Dockerfile:1"]
    assert locations(result, "DL3002") == []


def test_a_dockerfile_hadolint_flags_fails_with_the_rule(tmp_path: Path):
    dockerfile = CLEAN_DOCKERFILE.replace(
        "RUN useradd", "RUN apt-get update && apt-get install -y --no-install-recommends curl \\\n    && useradd"
    )
    root = write_project(tmp_path, {"Dockerfile": dockerfile})

    result = run(ContainerGate(), context(root))

    assert result.status is GateStatus.FAIL
    assert "hadolint findings at warning or above 1 (limit 0)" in result.summary
    [finding] = result.findings
    assert (finding.location, finding.rule, finding.severity) == ("Dockerfile:2", "DL3008", "warning")
    assert finding.message.startswith("Pin versions in apt get install")
    assert any("DL3009 (info)" in note for note in result.notes)


def test_a_broken_workflow_fails_with_actionlint_messages(tmp_path: Path):
    broken = CLEAN_WORKFLOW.replace("ubuntu-24.04", "ubuntu-lastest").replace("github.sha", "github.shaa")
    root = write_project(tmp_path, {"Dockerfile": CLEAN_DOCKERFILE, ".github/workflows/ci.yml": broken})

    result = run(ContainerGate(), context(root))

    assert result.status is GateStatus.FAIL
    assert "actionlint errors 2 (limit 0)" in result.summary
    by_kind = {finding.rule: finding for finding in result.findings}
    assert by_kind["runner-label"].location == ".github/workflows/ci.yml:7:14"
    assert 'label "ubuntu-lastest" is unknown' in by_kind["runner-label"].message
    assert 'property "shaa" is not defined' in by_kind["expression"].message


def test_a_clean_project_passes_the_container_gate(tmp_path: Path):
    root = write_project(tmp_path, {"Dockerfile": CLEAN_DOCKERFILE, ".github/workflows/ci.yml": CLEAN_WORKFLOW})

    result = run(ContainerGate(), context(root))

    assert result.status is GateStatus.PASS, result.summary
    assert [check.name for check in result.checks] == [
        "hadolint findings at warning or above",
        "Dockerfile final stage user",
        "Dockerfile final stage HEALTHCHECK",
        "actionlint errors",
    ]


def test_stale_reports_are_not_judged_again(tmp_path: Path):
    root = write_project(tmp_path, {**CLEAN_PYTHON, "Dockerfile": CLEAN_DOCKERFILE})
    ctx = context(root, paths=["app"])
    ctx.reports_dir.mkdir()
    ctx.report("ruff.json").write_text('[{"oops": true}]')
    ctx.report("hadolint.json").write_text("not json")

    results = run_gates(ctx, [LintGate(), ContainerGate()], produce=True).results

    assert [result.status for result in results] == [GateStatus.PASS, GateStatus.PASS]


def test_missing_reports_in_from_reports_mode_are_unavailable(tmp_path: Path):
    root = write_project(
        tmp_path, {**CLEAN_PYTHON, "Dockerfile": CLEAN_DOCKERFILE, ".github/workflows/ci.yml": CLEAN_WORKFLOW}
    )
    ctx = context(root, paths=["app"])

    lint, container = run_gates(ctx, [LintGate(), ContainerGate()], produce=False).results

    assert lint.status is GateStatus.UNAVAILABLE
    assert lint.blocking
    assert f"no ruff report at {ctx.report('ruff.json')}" in lint.summary
    assert container.status is GateStatus.UNAVAILABLE
    assert f"no hadolint report at {ctx.report('hadolint.json')}" in container.summary
    assert f"no actionlint report at {ctx.report('actionlint.json')}" in container.summary
