"""Locust's distributed mode on loopback: one master and two workers run the repository's locustfile against a real
server; both workers report, and the master's totals are exactly their requests."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from support.load import LOCUST, LOCUSTFILE, UNLIMITED, WORKER_COUNTS, encryption_keys, locust_env, totals
from support.processes import SENTIA_SERVER, RunningServer, create_key, free_port, http_server, server_env

# Latency and the request count depend on the cores being free: no other test runs meanwhile.
pytestmark = pytest.mark.exclusive

RUN_SECONDS = "6"
SENTIA_TESTKIT = str(Path(sys.executable).with_name("sentia-testkit"))


@pytest.fixture
def stack(tmp_path: Path) -> Iterator[tuple[RunningServer, str]]:
    env = server_env(tmp_path / "data", encryption_keys=encryption_keys(), **UNLIMITED)
    key = create_key(env, role="operator", tenant="default")
    command = [
        SENTIA_TESTKIT,
        "simulate",
        "--port",
        str(free_port()),
        "--",
        SENTIA_SERVER,
        "serve",
        "--transport",
        "http",
    ]
    with http_server(env, tmp_path, command=command) as server:
        yield server, key


def test_two_workers_share_the_run_and_the_master_counts_both(stack: tuple[RunningServer, str], tmp_path: Path):
    server, key = stack
    port = free_port()
    files = f"{LOCUSTFILE},{WORKER_COUNTS}"
    counts = tmp_path / "workers.json"
    env = locust_env(
        SENTIA_LOAD_PROFILE="smoke",
        SENTIA_LOAD_DURATION=RUN_SECONDS,
        SENTIA_LOAD_USERS="5",
        SENTIA_LOAD_TOKEN=key,
        LOAD_WORKER_COUNTS=str(counts),
        # A few seconds of mostly cold calls through the simulators: this test is about sharing the run, not latency.
        SENTIA_LOAD_MAX_P95_MS="5000",
    )
    master = subprocess.Popen(
        [
            *LOCUST,
            "-f",
            files,
            "--master",
            "--master-bind-host",
            "127.0.0.1",
            "--master-bind-port",
            str(port),
            "--expect-workers",
            "2",
            "--headless",
            "--host",
            server.base_url,
            "--csv",
            str(tmp_path / "dist"),
            "--exit-code-on-error",
            "0",
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    workers = [
        subprocess.Popen(
            [*LOCUST, "-f", files, "--worker", "--master-host", "127.0.0.1", "--master-port", str(port)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(2)
    ]
    try:
        output, _ = master.communicate(timeout=60)
        worker_codes = [worker.wait(timeout=20) for worker in workers]
    finally:
        for process in (master, *workers):
            if process.poll() is None:
                process.kill()
                process.wait()
    assert master.returncode == 0, output[-3000:]
    assert worker_codes == [0, 0]
    by_worker = json.loads(counts.read_text())
    assert len(by_worker) == 2, by_worker
    assert all(count > 0 for count in by_worker.values()), by_worker
    run_totals = totals(tmp_path / "dist_stats.csv")
    assert run_totals.requests == sum(by_worker.values())
    assert run_totals.failures == 0, (tmp_path / "dist_failures.csv").read_text()
