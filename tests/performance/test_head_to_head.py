"""The head-to-head (`python -m benchmarks.head_to_head`) runs with one command and reports both servers and their
ratio; where it puts its processes. One short round: what is measured here is that the command works, not how fast."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks.head_to_head.cpus import Placement, children_on

ROOT = Path(__file__).resolve().parents[2]
CPUS = frozenset(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else frozenset()
linux_with_two_cpus = pytest.mark.skipif(len(CPUS) < 2, reason="pinning needs Linux and at least two CPUs")


def affinity_of_a_child() -> list[int]:
    printed = subprocess.run(
        [sys.executable, "-c", "import os; print(sorted(os.sched_getaffinity(0)))"],
        capture_output=True,
        text=True,
        check=True,
    )
    return list(json.loads(printed.stdout))


@linux_with_two_cpus
def test_auto_puts_the_servers_on_the_highest_cpu_and_the_client_on_the_rest():
    placement = Placement.choose("auto")
    assert placement.server == {max(CPUS)}
    assert placement.client == CPUS - {max(CPUS)}
    assert placement.describe() == {"server": [max(CPUS)], "client": sorted(CPUS - {max(CPUS)})}


@linux_with_two_cpus
def test_a_named_cpu_must_be_one_the_process_may_use():
    assert Placement.choose(str(min(CPUS))).server == {min(CPUS)}
    with pytest.raises(ValueError, match="is not one this process may run on"):
        Placement.choose(str(max(CPUS) + 1))


def test_none_leaves_every_process_to_the_scheduler():
    assert Placement.choose("none") == Placement.unpinned()
    assert Placement.unpinned().describe() == {"server": None, "client": None}


@linux_with_two_cpus
def test_processes_started_inside_the_block_run_on_the_cpus_given_and_the_parent_is_restored():
    with children_on(frozenset({min(CPUS)})):
        assert affinity_of_a_child() == [min(CPUS)]
    assert affinity_of_a_child() == sorted(CPUS)
    with children_on(None):
        assert affinity_of_a_child() == sorted(CPUS)


@pytest.mark.parametrize("mode", ["side-by-side", "alternate"])
def test_one_command_reports_both_servers_and_their_ratio(mode: str, tmp_path: Path):
    report_path = tmp_path / "head_to_head.json"
    command = [sys.executable, "-m", "benchmarks.head_to_head", "--rounds", "1", "--duration", "1", "--warmup", "0.5"]
    finished = subprocess.run(
        [*command, "--mode", mode, "--report", str(report_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert finished.returncode == 0, finished.stderr[-2000:]
    assert "ratio sentia/bare:" in finished.stdout
    report = json.loads(report_path.read_text())
    assert report["method"]["mode"] == mode
    for name in ("bare", "sentia"):
        (figures,) = report["rounds"][name]
        assert figures["calls"] > 0
        assert figures["errors"] == 0
        assert figures["server_cpu_percent"] > 0
        assert figures["server_cpu_us_per_call"] > 0
    bare, sentia = report["rounds"]["bare"][0], report["rounds"]["sentia"][0]
    assert report["round_ratios"] == [round(sentia["calls_per_second"] / bare["calls_per_second"], 3)]
    assert report["ratio"] == report["round_ratios"][0]
    assert report["cpu_per_call_ratio"] == round(bare["server_cpu_us_per_call"] / sentia["server_cpu_us_per_call"], 3)
    if len(CPUS) >= 2:
        assert report["cpus"] == {"server": [max(CPUS)], "client": sorted(CPUS - {max(CPUS)})}
