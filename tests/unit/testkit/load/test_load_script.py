"""The pieces of `scripts/load.py` (`make load`) that need no running stack: profiles, limits, memory samples and
the cache summary."""

from __future__ import annotations

import csv
import importlib.util
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import ModuleType
from typing import Any, ClassVar

import pytest

from sentia_testkit.load import SHAPES

SCRIPT = Path(__file__).resolve().parents[4] / "scripts" / "load.py"


@pytest.fixture(scope="module")
def load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("load_script", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_script_offers_exactly_the_testkit_profiles(load: ModuleType):
    assert list(load.PROFILES) == list(SHAPES)


def test_locust_gets_the_load_gate_limits(load: ModuleType):
    assert load.gate_thresholds() == {
        "SENTIA_LOAD_MAX_FAILURE_RATIO": "0.01",
        "SENTIA_LOAD_MAX_P95_MS": "1000.0",
        "SENTIA_LOAD_MIN_REQUESTS": "100",
    }


def test_the_server_gets_a_throwaway_directory_and_raised_limits(load: ModuleType, tmp_path: Path):
    env = load.stack_env(tmp_path, 4321)
    assert (env["SENTIA_DATA_DIR"], env["SENTIA_PORT"]) == (str(tmp_path), "4321")
    assert env["SENTIA_RATE_LIMIT_PER_PRINCIPAL"] == "1000000/minute"
    assert env["SENTIA_ENCRYPTION_KEYS"].startswith("load:")


SPAWNS_A_SLEEPER = (
    "import subprocess, sys; subprocess.run([sys.executable, '-c', 'import time; time.sleep(30)'], check=False)"
)


def test_the_child_process_and_its_memory_are_found(load: ModuleType, tmp_path: Path):
    parent = subprocess.Popen([sys.executable, "-c", SPAWNS_A_SLEEPER], start_new_session=True)
    try:
        child = None
        for _ in range(100):
            child = load.child_pid(parent.pid)
            if child:
                break
            threading.Event().wait(0.05)
        assert child is not None and child != parent.pid
        assert load.child_pid(child) is None
        sampler = load.MemorySampler(child, tmp_path / "memory.csv", 0.05)
        sampler.start()
        threading.Event().wait(0.3)
        sampler.stop()
    finally:
        os.killpg(parent.pid, signal.SIGKILL)
        parent.wait()
    with (tmp_path / "memory.csv").open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) >= 2
    assert all(int(row["rss_kib"]) > 1000 for row in rows)
    assert "server memory (VmRSS): start" in sampler.summary()


def test_the_memory_trend_is_the_slope_of_the_second_half(load: ModuleType, tmp_path: Path):
    sampler = load.MemorySampler(1, tmp_path / "memory.csv", 5)
    sampler.samples = [100_000, 250_000, 204_800, 204_800 + 1024, 204_800 + 2048, 204_800 + 3072]
    # The start-up jump in the first half is left out; then 1 MiB more every 5 s sample: 12 MiB a minute.
    assert sampler.trend_mib_per_minute() == pytest.approx(12.0)
    assert "trend over the second half +12.00 MiB/min" in sampler.summary()
    sampler.samples = sampler.samples[:4]
    assert sampler.trend_mib_per_minute() is None


def test_a_sampler_without_samples_says_so(load: ModuleType, tmp_path: Path):
    sampler = load.MemorySampler(2**22 + 7, tmp_path / "memory.csv", 1)
    sampler.start()
    sampler.stop()
    assert sampler.summary() == f"server memory: no samples (no /proc/{2**22 + 7}/status)"


class Metrics(BaseHTTPRequestHandler):
    body: ClassVar[str] = ""

    def log_message(self, *_args: Any) -> None:
        pass

    def do_GET(self) -> None:
        encoded = self.body.encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(encoded)))
        self.end_headers()
        self.wfile.write(encoded)


@pytest.fixture
def metrics() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Metrics)
    threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.mark.parametrize(
    ("body", "summary"),
    [
        (
            'sentia_mcp_cache_hits_total{tier="short"} 30.0\nsentia_mcp_cache_hits_total{tier="long"} 6.0\n'
            'sentia_mcp_cache_misses_total{tier="short"} 4.0\n',
            "tool cache: 90.0% hits (36 of 40 cacheable calls)",
        ),
        ("# no cache metrics\n", "tool cache: no cacheable calls"),
    ],
)
def test_the_cache_hit_rate_comes_from_the_prometheus_metrics(load: ModuleType, metrics: str, body: str, summary: str):
    Metrics.body = body
    assert load.cache_summary(metrics, "key") == summary


def test_unreachable_metrics_are_reported(load: ModuleType):
    assert load.cache_summary("http://127.0.0.1:9", "key").startswith("tool cache: metrics unavailable (")
