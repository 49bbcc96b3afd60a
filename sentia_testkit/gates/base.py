"""What every gate module provides, and the context it runs in."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from sentia_testkit.gates.config import GatesConfig
from sentia_testkit.gates.model import GateResult, GateStatus


@dataclass(frozen=True)
class GateContext:
    root: Path
    reports_dir: Path
    config: GatesConfig

    def report(self, name: str) -> Path:
        return self.reports_dir / name

    @property
    def python(self) -> str:
        return sys.executable

    def tool(self, name: str) -> str:
        """A console script installed beside the running Python (the project's venv), else the bare name."""
        candidate = Path(sys.executable).with_name(name)
        return str(candidate) if candidate.exists() else name


class Gate(Protocol):
    name: str
    title: str

    def produce(self, ctx: GateContext) -> None:
        """Run the tool and write its report(s) into `ctx.reports_dir`. Raise ToolUnavailable if it cannot run."""
        ...

    def evaluate(self, ctx: GateContext) -> GateResult:
        """Read the report(s) and judge them. Never raises for a bad report: that is an ERROR result."""
        ...


class ToolUnavailable(Exception):
    """A tool could not be run at all (not installed, crashed before reporting); the gate becomes UNAVAILABLE."""


@dataclass(frozen=True)
class ToolRun:
    command: list[str]
    exit_code: int
    stdout: str
    stderr: str


_NOT_INHERITED = ("COVERAGE_PROCESS_", "PYTEST_XDIST_")


def run_tool(command: list[str], *, cwd: Path, timeout: float = 1800, env: dict[str, str] | None = None) -> ToolRun:
    """Run a tool to completion and capture its output; a missing executable or a timeout is ToolUnavailable.

    Neither a coverage measurement of the calling process nor its pytest-xdist worker identity is passed on: the tool
    runs (and measures) on its own, and a pytest it starts is a session of its own, not a worker of the caller's
    (pytest-benchmark turns itself off in xdist workers)."""
    inherited = {key: value for key, value in os.environ.items() if not key.startswith(_NOT_INHERITED)}
    try:
        completed = subprocess.run(
            command,
            cwd=cwd,
            capture_output=True,
            text=True,
            timeout=timeout,
            env={**inherited, **(env or {})},
            check=False,
        )
    except FileNotFoundError:
        raise ToolUnavailable(f"{command[0]} is not installed (pip install 'sentia[gates]')") from None
    except subprocess.TimeoutExpired:
        raise ToolUnavailable(f"{' '.join(command)} did not finish within {timeout:g} s") from None
    return ToolRun(command, completed.returncode, completed.stdout, completed.stderr)


def write_tool_record(path: Path, run: ToolRun) -> None:
    """Keep a tool's raw output and exit status, for tools whose result is their exit code and text."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        json.dumps(
            {"command": run.command, "exit_code": run.exit_code, "stdout": run.stdout, "stderr": run.stderr}, indent=2
        )
    )


def read_json(path: Path) -> Any:
    return json.loads(path.read_text())


def missing_report(gate: str, path: Path, how: str) -> GateResult:
    return GateResult(gate, GateStatus.UNAVAILABLE, f"no report at {path}; {how}")


def unreadable_report(gate: str, path: Path, error: Exception) -> GateResult:
    return GateResult(gate, GateStatus.ERROR, f"cannot read {path}: {type(error).__name__}: {error}")
