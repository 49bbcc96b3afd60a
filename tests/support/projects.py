"""Throwaway projects for the quality-gate tests: write files, run a tool in them, build a GateContext."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

from sentia_testkit.gates.base import GateContext
from sentia_testkit.gates.config import GatesConfig


def write_project(root: Path, files: dict[str, str]) -> Path:
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(content))
    return root


def context(root: Path, **config: object) -> GateContext:
    return GateContext(root=root, reports_dir=root / "reports", config=GatesConfig.model_validate(config))


def run_coverage(root: Path, *, branch: bool = True, source: str = "app") -> Path:
    """Run the project's tests under coverage and write reports/coverage.json, as the tests gate would."""
    reports = root / "reports"
    reports.mkdir(exist_ok=True)
    data = str(reports / ".coverage")
    run = [sys.executable, "-m", "coverage", "run", f"--data-file={data}", f"--source={source}"]
    if branch:
        run.append("--branch")
    subprocess.run(
        [*run, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:sentia", f"--rootdir={root}", "tests"],
        cwd=root,
        check=True,
        capture_output=True,
        env=_clean_env(),
    )
    subprocess.run(
        [sys.executable, "-m", "coverage", "json", f"--data-file={data}", "-o", str(reports / "coverage.json"), "-q"],
        cwd=root,
        check=True,
        capture_output=True,
        env=_clean_env(),
    )
    return reports / "coverage.json"


def _clean_env() -> dict[str, str]:
    """The environment without this run's own coverage and pytest settings, so the child is measured alone."""
    return {key: value for key, value in os.environ.items() if not key.startswith(("COVERAGE_", "PYTEST_"))}
