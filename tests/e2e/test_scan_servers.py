"""`sentia-testkit scan` as a user runs it: our server over stdio and over HTTP (with a bearer key), and a
third-party server from PyPI (the reference `mcp-server-time`) over stdio."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from support.processes import SENTIA_SERVER, create_key, http_server

# A scan runs the server under test in a subprocess, under coverage in CI: on a busy 2-vCPU machine one scan took
# longer than the suite's default 120 s. The scan command itself is bounded below (SCAN_SECONDS).
SCAN_SECONDS = 600
pytestmark = pytest.mark.timeout(SCAN_SECONDS + 60)

SENTIA_TESTKIT = str(Path(sys.executable).with_name("sentia-testkit"))
# A scan calls each tool many times a minute: limits high enough that answers come from the tools themselves.
SCAN_LIMITS = {
    "SENTIA_RATE_LIMIT_PER_PRINCIPAL": "100000/minute",
    "SENTIA_RATE_LIMIT_AI_TOOLS": "100000/minute",
    "SENTIA_RATE_LIMIT_WRITE_TOOLS": "100000/minute",
}


def scan(*args: str, env: dict[str, str], tmp_path: Path) -> tuple[int, dict[str, object], str]:
    report = tmp_path / "scan.json"
    done = subprocess.run(
        [SENTIA_TESTKIT, "scan", *args, "--plain", "--max-examples", "2", "--json", str(report)],
        env=env,
        capture_output=True,
        text=True,
        timeout=SCAN_SECONDS,
        check=False,
    )
    return done.returncode, json.loads(report.read_text()), done.stdout


def serious(report: dict[str, object]) -> list[object]:
    results = report["results"]
    assert isinstance(results, list)
    return [finding for result in results for finding in result["findings"] if finding["severity"] != "low"]


def test_our_server_over_stdio(embedded_env, tmp_path):
    env = {**embedded_env, **SCAN_LIMITS}
    env["SENTIA_API_KEY"] = create_key(env, role="admin")
    status, report, out = scan("--stdio", f"{SENTIA_SERVER} serve --transport stdio", env=env, tmp_path=tmp_path)
    assert report["error"] is None, out
    assert serious(report) == [], out
    assert status == 0
    assert len({result["tool"] for result in report["results"]}) >= 40


def test_our_server_over_http_with_a_bearer_key(embedded_env, tmp_path):
    env = {**embedded_env, **SCAN_LIMITS}
    key = create_key(env, role="admin")
    with http_server(env, tmp_path) as server:
        status, report, out = scan(
            server.mcp_url, "--header", f"Authorization: Bearer {key}", env=env, tmp_path=tmp_path
        )
        refused, _, _ = scan(server.mcp_url, env=env, tmp_path=tmp_path)
    assert report["error"] is None, out
    assert serious(report) == [], out
    assert status == 0
    assert refused == 2  # without the key the server answers 401: nothing to scan


def test_a_third_party_server_from_pypi_over_stdio(tmp_path):
    command = f"{sys.executable} -m mcp_server_time --local-timezone UTC"
    status, report, out = scan(f"stdio:{command}", env={"PATH": "/usr/bin:/bin"}, tmp_path=tmp_path)
    assert status == 0, out
    tools = {result["tool"] for result in report["results"]}
    assert tools == {"get_current_time", "convert_time"}
    results = report["results"]
    assert isinstance(results, list)
    assert all(result["skipped"] is None for result in results)
