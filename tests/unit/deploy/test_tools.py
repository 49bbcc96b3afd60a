"""How the tests find promtool and nginx (support/tools.py), and the fetch script's contract: reuse what is unpacked,
refuse bad usage, never a silent skip in CI."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from support.tools import PROMTOOL, REPO_ROOT, Tool, find_tool

FETCH = REPO_ROOT / "scripts" / "fetch-debian-tool"
MISSING = Tool("sentia-no-such-tool", "SENTIA_TEST_NO_SUCH_TOOL", "fetch-sentia-no-such-tool")


@pytest.fixture
def clean_environment(monkeypatch, tmp_path):
    monkeypatch.delenv(PROMTOOL.env, raising=False)
    monkeypatch.delenv(MISSING.env, raising=False)
    monkeypatch.delenv("SENTIA_REQUIRE_SERVICES", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path / "empty-path"))


def _executable(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("#!/bin/sh\necho fake\n")
    path.chmod(0o755)
    return path


def test_a_configured_path_is_used(clean_environment, monkeypatch, tmp_path):
    binary = _executable(tmp_path / "bin" / "promtool")
    monkeypatch.setenv(PROMTOOL.env, str(binary))
    assert find_tool(PROMTOOL) == binary


def test_a_configured_path_that_does_not_work_fails(clean_environment, monkeypatch, tmp_path):
    monkeypatch.setenv(PROMTOOL.env, str(tmp_path / "nowhere"))
    with pytest.raises(pytest.fail.Exception, match="does not name an executable promtool"):
        find_tool(PROMTOOL)


def test_the_tool_on_path_is_used(clean_environment, monkeypatch, tmp_path):
    binary = _executable(tmp_path / "on-path" / "promtool")
    monkeypatch.setenv("PATH", str(binary.parent))
    assert find_tool(PROMTOOL) == binary


def test_a_missing_tool_is_skipped_with_the_reason(clean_environment):
    with pytest.raises(pytest.skip.Exception, match=r"sentia-no-such-tool is not available .*could not run"):
        find_tool(MISSING)


def test_a_missing_tool_fails_when_services_are_required(clean_environment, monkeypatch):
    monkeypatch.setenv("SENTIA_REQUIRE_SERVICES", "1")
    with pytest.raises(pytest.fail.Exception, match="an error because SENTIA_REQUIRE_SERVICES=1"):
        find_tool(MISSING)


def test_a_failing_fetch_script_is_reported(clean_environment, monkeypatch, tmp_path):
    script = _executable(tmp_path / "fetch")
    script.write_text("#!/bin/sh\necho 'no package lists' >&2\nexit 1\n")
    monkeypatch.setattr(Tool, "fetch_command", lambda self: [str(script)])
    with pytest.raises(pytest.skip.Exception, match="failed: no package lists"):
        find_tool(MISSING)


def test_the_fetched_path_is_returned(clean_environment, monkeypatch, tmp_path):
    binary = _executable(tmp_path / "tools" / "promtool")
    script = _executable(tmp_path / "fetch")
    script.write_text(f"#!/bin/sh\necho {binary}\n")
    monkeypatch.setattr(Tool, "fetch_command", lambda self: [str(script)])
    assert find_tool(MISSING) == binary


def test_the_fetch_script_reuses_an_unpacked_binary(tmp_path):
    binary = _executable(tmp_path / "prometheus" / "usr" / "bin" / "promtool")
    environment = {**os.environ, "SENTIA_TOOLS_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"}
    for _ in range(2):
        result = subprocess.run(
            [str(REPO_ROOT / "scripts" / "fetch-promtool")],
            env=environment,
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
        assert (result.returncode, result.stdout.strip()) == (0, str(binary))


def test_the_fetch_script_refuses_bad_usage():
    result = subprocess.run([str(FETCH), "prometheus"], capture_output=True, text=True, timeout=30, check=False)
    assert result.returncode == 2
    assert "usage:" in result.stderr
