"""monitoring/prometheus.yml passes `promtool check config` (the check Prometheus itself runs on start), including
the scrape credential it reads from a file."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from support.deploy import PROMETHEUS_FILE, load_yaml

METRICS_PATH = "/api/metrics/prometheus"


def _check(promtool: Path, config: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(promtool), "check", "config", str(config)], capture_output=True, text=True, timeout=60, check=False
    )


def _layout(tmp_path: Path, with_token: bool) -> Path:
    """The file as the Prometheus container sees it: unchanged, with the scrape token beside it (or not)."""
    config = tmp_path / "prometheus.yml"
    shutil.copyfile(PROMETHEUS_FILE, config)
    if with_token:
        job = next(job for job in load_yaml(config)["scrape_configs"] if job["job_name"] == "sentia-server")
        token = tmp_path / job["authorization"]["credentials_file"]
        token.parent.mkdir(parents=True)
        token.write_text("sentia_operator_key_for_the_check\n")
    return config


def test_promtool_accepts_the_configuration(promtool, tmp_path):
    result = _check(promtool, _layout(tmp_path, with_token=True))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "SUCCESS" in result.stdout


def test_promtool_refuses_it_without_the_scrape_token(promtool, tmp_path):
    result = _check(promtool, _layout(tmp_path, with_token=False))
    assert result.returncode != 0
    assert "metrics_scrape_token" in result.stdout + result.stderr


def test_promtool_refuses_an_invalid_configuration(promtool, tmp_path):
    config = tmp_path / "prometheus.yml"
    config.write_text(
        PROMETHEUS_FILE.read_text(encoding="utf-8").replace("scrape_interval: 15s", "scrape_interval: soon")
    )
    assert _check(promtool, config).returncode != 0


def test_the_server_and_prometheus_itself_are_scraped():
    jobs = {job["job_name"]: job for job in load_yaml(PROMETHEUS_FILE)["scrape_configs"]}
    assert set(jobs) == {"sentia-server", "prometheus"}
    server = jobs["sentia-server"]
    assert server["metrics_path"] == METRICS_PATH
    assert server["authorization"]["type"] == "Bearer"
    assert "credentials" not in server["authorization"], "the token is read from a file, never written here"
