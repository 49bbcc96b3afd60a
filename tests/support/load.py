"""Helpers for the load tests: the repository's locustfile and load script, and Locust's stats CSV."""

from __future__ import annotations

import base64
import os
import sys
from pathlib import Path

from sentia_testkit.gates.load import Totals, aggregated, read_stats

ROOT = Path(__file__).resolve().parents[2]
LOCUSTFILE = ROOT / "loadtests" / "locustfile.py"
LOAD_SCRIPT = ROOT / "scripts" / "load.py"
WORKER_COUNTS = Path(__file__).with_name("locust_worker_counts.py")
LOCUST = [sys.executable, "-m", "locust"]
UNLIMITED = {"rate_limit_per_principal": "1000000/minute"}


def encryption_keys() -> str:
    return "load:" + base64.b64encode(os.urandom(32)).decode()


def totals(stats_csv: Path) -> Totals:
    """The `Aggregated` row, read the way the load gate reads it."""
    return aggregated(read_stats(stats_csv))


def locust_env(**variables: str) -> dict[str, str]:
    """The test's environment for a Locust process: no SENTIA_* server settings, gevent patching on."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SENTIA_") and k != "LOCUST_SKIP_MONKEY_PATCH"}
    env.update(variables)
    return env
