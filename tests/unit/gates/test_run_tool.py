"""Tools the gates run get the caller's environment, but not its coverage measurement or pytest-xdist worker
identity, and a missing or slow tool is ToolUnavailable."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from sentia_testkit.gates.base import ToolUnavailable, run_tool

PRINT_ENVIRONMENT = "import json, os; print(json.dumps(dict(os.environ)))"


def test_the_tool_gets_the_callers_environment_without_coverage_or_xdist_worker_variables(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv("SENTIA_EXAMPLE", "kept")
    monkeypatch.setenv("COVERAGE_PROCESS_START", "pyproject.toml")
    monkeypatch.setenv("PYTEST_XDIST_WORKER", "gw1")
    monkeypatch.setenv("PYTEST_XDIST_WORKER_COUNT", "2")
    run = run_tool([sys.executable, "-c", PRINT_ENVIRONMENT], cwd=tmp_path, env={"PYTHONHASHSEED": "0"})
    environment = json.loads(run.stdout)
    assert run.exit_code == 0
    assert environment["SENTIA_EXAMPLE"] == "kept"
    assert environment["PYTHONHASHSEED"] == "0"
    assert not [name for name in environment if name.startswith(("COVERAGE_PROCESS_", "PYTEST_XDIST_"))]


def test_a_missing_executable_is_unavailable_naming_it(tmp_path: Path):
    with pytest.raises(ToolUnavailable, match="no-such-tool-here is not installed"):
        run_tool(["no-such-tool-here"], cwd=tmp_path)


def test_a_tool_past_its_timeout_is_unavailable(tmp_path: Path):
    with pytest.raises(ToolUnavailable, match=r"did not finish within 0\.5 s"):
        run_tool([sys.executable, "-c", "import time; time.sleep(5)"], cwd=tmp_path, timeout=0.5)
