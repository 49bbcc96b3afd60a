"""`sentia-server healthcheck` (Docker's HEALTHCHECK): exit 0 when everything is usable, exit 1 with one line per
failed check otherwise, and `--json` for tools."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from support.processes import free_port, http_server, run_cli, server_env

from sentia_server.cli import main
from sentia_server.healthcheck import CheckResult, check_cache

CHECKS = {"server", "database", "cache", "disk", "memory"}


@pytest.fixture
def environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Settings from a clean environment (no developer .env) with the data in tmp_path."""
    for name in list(os.environ):
        if name.startswith("SENTIA_") and "_TEST_" not in name and not name.startswith("SENTIA_REQUIRE_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    data = tmp_path / "data"
    monkeypatch.setenv("SENTIA_DATA_DIR", str(data))
    return data


def test_against_a_running_server_each_failing_check_is_one_line_and_exit_1(tmp_path):
    env = server_env(tmp_path / "data")
    with http_server(env, tmp_path) as server:
        started = time.perf_counter()
        healthy = run_cli("healthcheck", "--url", server.base_url, "--timeout", "5", env=env)
        elapsed = time.perf_counter() - started
        as_json = run_cli("healthcheck", "--url", server.base_url, "--json", env=env)
        full_disk = run_cli(
            "healthcheck", "--url", server.base_url, env={**env, "SENTIA_HEALTHCHECK_DISK_MIN_FREE_MB": str(10**12)}
        )
        no_memory = run_cli(
            "healthcheck", "--url", server.base_url, env={**env, "SENTIA_HEALTHCHECK_MEMORY_MAX_PERCENT": "0.001"}
        )
    assert (healthy.returncode, healthy.stdout, healthy.stderr) == (0, f"ok: {server.base_url}\n", "")
    assert elapsed < 10, f"the healthcheck took {elapsed:.1f} s"
    report = json.loads(as_json.stdout)
    assert as_json.returncode == 0
    assert report["status"] == "ok"
    assert set(report["checks"]) == CHECKS
    assert report["checks"]["server"] == {"status": "ok", "detail": f"{server.base_url} is ready"}
    assert full_disk.returncode == 1
    assert full_disk.stdout == ""
    assert full_disk.stderr.startswith("unhealthy: disk: ")
    assert len(full_disk.stderr.splitlines()) == 1
    assert no_memory.returncode == 1
    assert no_memory.stderr.startswith("unhealthy: memory: ")
    assert "above the maximum of 0.001%" in no_memory.stderr
    assert len(no_memory.stderr.splitlines()) == 1


def test_no_server_and_no_database_give_one_line_each(environment, monkeypatch):
    base = f"http://127.0.0.1:{free_port()}"
    result = CliRunner().invoke(main, ["healthcheck", "--url", base, "--timeout", "2"])
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"unhealthy: server: {base} did not answer: ConnectError",
        "unhealthy: database: the embedded SQLite database file does not exist",
    ]
    assert result.stdout == ""


def test_json_output_reports_a_failed_server_and_a_degraded_cache(environment, monkeypatch):
    monkeypatch.setenv("SENTIA_REDIS_URL", f"redis://127.0.0.1:{free_port()}/0")
    environment.mkdir()
    (environment / "sentia.db").touch()
    base = f"http://127.0.0.1:{free_port()}"
    result = CliRunner().invoke(main, ["healthcheck", "--url", base, "--json"])
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["status"] == "failed"
    assert set(report["checks"]) == CHECKS
    assert report["checks"]["server"]["status"] == "failed"
    assert report["checks"]["database"]["status"] == "ok"
    assert report["checks"]["cache"]["status"] == "degraded"


def test_the_url_defaults_to_the_configured_public_url(environment, monkeypatch):
    port = free_port()
    monkeypatch.setenv("SENTIA_PORT", str(port))
    result = CliRunner().invoke(main, ["healthcheck", "--timeout", "1"])
    assert result.exit_code == 1
    assert f"unhealthy: server: http://127.0.0.1:{port} did not answer" in result.stderr


def test_a_degraded_cache_alone_is_reported_but_keeps_exit_0(environment):
    """Exit 0: restarting the container would not bring Redis back, and the server serves from memory."""
    env = server_env(environment, REDIS_URL=f"redis://127.0.0.1:{free_port()}/0", CACHE_REDIS_RETRY_SECONDS="0.2")
    with http_server(env, environment.parent) as server:
        result = run_cli("healthcheck", "--url", server.base_url, env=env)
    assert result.returncode == 0
    assert result.stdout == f"degraded: {server.base_url}\n"
    server_line, cache_line = result.stderr.splitlines()
    assert server_line == f"degraded: server: {server.base_url} is degraded: cache"
    assert cache_line.startswith("degraded: cache: redis not reachable (")
    assert cache_line.endswith("); serving from memory")


@pytest.mark.anyio
async def test_the_cache_check_pings_a_live_redis(redis_url):
    assert await check_cache(redis_url) == CheckResult("cache", "ok", "redis answered")
