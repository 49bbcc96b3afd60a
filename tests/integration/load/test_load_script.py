"""`scripts/load.py` (what `make load` runs) for a few seconds: the simulators and the server start, Locust runs the
repository's locustfile, the reports the load gate reads are written, and nothing is left running."""

from __future__ import annotations

import csv
import re
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from support.load import LOAD_SCRIPT, locust_env, totals

from sentia_testkit.gates.config import LoadConfig
from sentia_testkit.gates.load import judge
from sentia_testkit.gates.model import GateStatus

# Latency and the request count depend on the cores being free: no other test runs meanwhile.
pytestmark = pytest.mark.exclusive


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> tuple[subprocess.CompletedProcess[str], Path]:
    reports = tmp_path_factory.mktemp("reports")
    env = locust_env(
        SENTIA_LOAD_DURATION="8", SENTIA_LOAD_USERS="4", SENTIA_LOAD_SPAWN_RATE="4", SENTIA_LOAD_MIN_REQUESTS="10"
    )
    result = subprocess.run(
        [
            sys.executable,
            str(LOAD_SCRIPT),
            "--profile",
            "smoke",
            "--reports",
            str(reports),
            "--memory-interval",
            "1",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=100,
        check=False,
    )
    return result, reports


def test_the_run_passes_with_requests_and_no_failures(run: tuple[subprocess.CompletedProcess[str], Path]):
    result, reports = run
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    run_totals = totals(reports / "load_stats.csv")
    assert run_totals.requests >= 10
    assert run_totals.failures == 0, (reports / "load_failures.csv").read_text()
    assert (reports / "load.html").stat().st_size > 0


def test_the_load_gate_judges_the_stats_it_wrote(run: tuple[subprocess.CompletedProcess[str], Path]):
    _, reports = run
    verdict = judge(totals(reports / "load_stats.csv"), LoadConfig(min_requests=10, max_p95_ms=5000))
    assert verdict.status is GateStatus.PASS, verdict


def test_every_kind_of_user_made_requests(run: tuple[subprocess.CompletedProcess[str], Path]):
    _, reports = run
    with (reports / "load_stats.csv").open(newline="") as handle:
        names = {row["Name"] for row in csv.DictReader(handle)}
    assert any(name.startswith("tools/call ") for name in names)
    assert "/api/metrics/prometheus" in names
    # The dashboard picks its endpoints at random: any one of them shows that it ran.
    assert names & {
        "/health",
        "/health/ready",
        "/api/metrics/performance",
        "/api/metrics/business",
        "/api/metrics/security",
    }


def test_the_server_memory_was_sampled(run: tuple[subprocess.CompletedProcess[str], Path]):
    result, reports = run
    with (reports / "load_memory.csv").open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) >= 3
    assert all(int(row["rss_kib"]) > 10_000 for row in rows)
    assert "server memory (VmRSS): start" in result.stdout


def test_the_cache_hit_rate_is_reported(run: tuple[subprocess.CompletedProcess[str], Path]):
    result, _ = run
    assert re.search(r"tool cache: \d+\.\d% hits \(\d+ of \d+ cacheable calls\)", result.stdout), result.stdout


def test_the_stack_is_stopped_afterwards(run: tuple[subprocess.CompletedProcess[str], Path]):
    result, reports = run
    base_url = re.search(r"against (http://127\.0\.0\.1:\d+)", result.stdout)
    assert base_url, result.stdout
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{base_url.group(1)}/health", timeout=2)
    assert "Application shutdown complete" in (reports / "load_server.log").read_text()
