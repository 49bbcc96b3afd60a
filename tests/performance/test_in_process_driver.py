"""The in-process driver of the head-to-head (`python -m benchmarks.head_to_head.in_process`) runs both apps as
docs/performance.md says: every call answered with a 200, the answer of the tool the head-to-head reads, and a CPU
figure per call. A few calls only: what is measured here is that the command works, not how fast."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def run_driver(app: str) -> dict[str, object]:
    finished = subprocess.run(
        [sys.executable, "-m", "benchmarks.head_to_head.in_process", "--app", app, "--calls", "64", "--warmup", "8"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert finished.returncode == 0, finished.stderr[-2000:]
    result: dict[str, object] = json.loads(finished.stdout.strip().splitlines()[-1])
    return result


@pytest.mark.parametrize(("app", "smallest_answer"), [("bare", 200), ("sentia", 2000)])
def test_each_app_answers_every_call_and_the_cpu_per_call_is_reported(app: str, smallest_answer: int):
    result = run_driver(app)
    assert result["app"] == app
    assert result["calls"] == 64
    assert result["statuses"] == [200]
    assert isinstance(result["body_bytes"], int)
    assert result["body_bytes"] > smallest_answer
    assert isinstance(result["cpu_us_per_call"], float)
    assert result["cpu_us_per_call"] > 0
