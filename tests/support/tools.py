"""External command-line tools the tests run (promtool, nginx): found on the machine or fetched from Debian's packages
by scripts/fetch-*, and otherwise a skip that says why — or a failure when SENTIA_REQUIRE_SERVICES=1 (CI), so that a
check never silently stops running."""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
REQUIRE_ENV = "SENTIA_REQUIRE_SERVICES"
FETCH_TIMEOUT_SECONDS = 180


@dataclass(frozen=True)
class Tool:
    """A binary from a Debian package: where a configured path is read from, and the script that fetches it."""

    name: str
    env: str
    script: str

    def fetch_command(self) -> list[str]:
        return [str(REPO_ROOT / "scripts" / self.script)]


PROMTOOL = Tool("promtool", "SENTIA_TEST_PROMTOOL", "fetch-promtool")
NGINX = Tool("nginx", "SENTIA_TEST_NGINX", "fetch-nginx")


def find_tool(tool: Tool) -> Path:
    """The tool's path: the one named by its environment variable (which must work), the one on PATH, or the one the
    fetch script provides; otherwise the test ends (skip, or fail under SENTIA_REQUIRE_SERVICES=1)."""
    configured = os.environ.get(tool.env)
    if configured:
        path = Path(configured)
        if not (path.is_file() and os.access(path, os.X_OK)):
            pytest.fail(f"{tool.env}={configured} does not name an executable {tool.name}", pytrace=False)
        return path
    on_path = shutil.which(tool.name)
    if on_path:
        return Path(on_path)
    try:
        fetched = subprocess.run(
            tool.fetch_command(), capture_output=True, text=True, timeout=FETCH_TIMEOUT_SECONDS, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        missing(tool, f"scripts/{tool.script} could not run: {error}")
    lines = fetched.stdout.strip().splitlines()
    if fetched.returncode != 0 or not lines:
        reason = fetched.stderr.strip().splitlines()[-1:] or [f"exit status {fetched.returncode}"]
        missing(tool, f"scripts/{tool.script} failed: {reason[0]}")
    return Path(lines[-1])


def missing(tool: Tool, reason: str) -> NoReturn:
    message = f"{tool.name} is not available ({reason}); set {tool.env} to its path or run scripts/{tool.script}"
    if os.environ.get(REQUIRE_ENV) == "1":
        pytest.fail(f"{message}. This is an error because {REQUIRE_ENV}=1.", pytrace=False)
    pytest.skip(f"{message}. Set {REQUIRE_ENV}=1 to make a missing tool an error instead of a skip.")
