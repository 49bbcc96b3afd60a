"""The samples of "Gate your pull requests" in docs/testkit.md work as written: the configuration and the command
pass a small, fully tested project and fail it once a function goes untested, and the GitHub Actions job runs that
same command and passes actionlint."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import yaml
from support.doc_samples import section_samples

SECTION = "## Gate your pull requests"
BIN = Path(sys.executable).parent

PACKAGE = {
    "acme_plant/__init__.py": "",
    "acme_plant/orders.py": '''
        """Order totals."""


        def total(lines: list[tuple[int, int]]) -> int:
            """The sum of quantity x price; a line without a positive quantity is refused."""
            amount = 0
            for quantity, price in lines:
                if quantity <= 0:
                    raise ValueError("quantity must be above 0")
                amount += quantity * price
            return amount
    ''',
    "tests/test_orders.py": """
        import pytest

        from acme_plant.orders import total


        def test_total() -> None:
            assert total([(2, 5), (1, 3)]) == 13


        def test_a_zero_quantity_is_refused() -> None:
            with pytest.raises(ValueError, match="above 0"):
                total([(0, 1)])
    """,
}

UNTESTED = '''

def discount(amount: int, percent: int) -> int:
    """The amount less `percent`; nothing calls it in the tests."""
    if percent > 50:
        raise ValueError("a discount above 50% needs approval")
    return amount - amount * percent // 100
'''


def samples(language: str) -> list[str]:
    return section_samples(SECTION, language)


def commands() -> list[str]:
    return [line for line in samples("sh")[0].splitlines() if line.strip() and not line.startswith("#")]


def clean_environment() -> dict[str, str]:
    """This run's environment without its own coverage and pytest settings, and with the venv's tools first."""
    environment = {key: value for key, value in os.environ.items() if not key.startswith(("COVERAGE_", "PYTEST_"))}
    environment["PATH"] = f"{BIN}{os.pathsep}{environment.get('PATH', '')}"
    environment.pop("GITHUB_STEP_SUMMARY", None)
    return environment


def run_commands(root: Path) -> list[subprocess.CompletedProcess[str]]:
    return [
        subprocess.run(
            command.split(), cwd=root, env=clean_environment(), capture_output=True, text=True, timeout=600, check=False
        )
        for command in commands()
    ]


def test_the_section_has_its_samples():
    assert (len(samples("toml")), len(samples("sh")), len(samples("yaml"))) == (1, 1, 1)
    assert commands() == ["quality-gates --only tests,coverage,security,lint"]


def test_the_configuration_and_command_pass_a_tested_project_and_fail_an_untested_function(tmp_path: Path):
    (tmp_path / "pyproject.toml").write_text(samples("toml")[0])
    for name, content in PACKAGE.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(content).lstrip("\n"))

    (passed,) = run_commands(tmp_path)
    assert passed.returncode == 0, passed.stdout + passed.stderr
    verdict = json.loads((tmp_path / "reports" / "quality-gates.json").read_text())
    statuses = {gate["gate"]: gate["status"] for gate in verdict["gates"]}
    assert statuses == {"tests": "PASS", "coverage": "PASS", "security": "PASS", "lint": "PASS"}

    with (tmp_path / "acme_plant" / "orders.py").open("a") as module:
        module.write(UNTESTED)
    (failed,) = run_commands(tmp_path)
    assert failed.returncode == 3, failed.stdout + failed.stderr
    verdict = json.loads((tmp_path / "reports" / "quality-gates.json").read_text())
    coverage = next(gate for gate in verdict["gates"] if gate["gate"] == "coverage")
    assert coverage["status"] == "FAIL"
    assert "acme_plant/orders.py" in json.dumps(coverage)


def test_the_github_actions_job_runs_the_command_and_passes_actionlint(tmp_path: Path):
    workflow = samples("yaml")[0]
    steps = yaml.safe_load(workflow)["jobs"]["gates"]["steps"]
    assert [step["run"] for step in steps if "run" in step][-1] == commands()[0]
    path = tmp_path / ".github" / "workflows" / "gates.yml"
    path.parent.mkdir(parents=True)
    path.write_text(workflow)
    linted = subprocess.run(
        [str(BIN / "actionlint"), "-no-color", str(path)], capture_output=True, text=True, timeout=60, check=False
    )
    assert linted.returncode == 0, linted.stdout + linted.stderr


def test_actionlint_catches_a_broken_job(tmp_path: Path):
    path = tmp_path / "gates.yml"
    path.write_text(samples("yaml")[0].replace("runs-on: ubuntu-latest", "runs-on: ubuntu-lastest"))
    linted = subprocess.run(
        [str(BIN / "actionlint"), "-no-color", str(path)], capture_output=True, text=True, timeout=60, check=False
    )
    assert linted.returncode == 1
    assert 'label "ubuntu-lastest" is unknown' in linted.stdout
