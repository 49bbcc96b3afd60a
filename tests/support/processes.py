"""Running `sentia-server` as a real process: the CLI, and an HTTP server on a free port."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

SENTIA_SERVER = str(Path(sys.executable).with_name("sentia-server"))
START_TIMEOUT_SECONDS = 120.0
"""Servers start in 5 to 20 s under coverage; on a busy 2-vCPU machine the local stack (simulators, migrations, key
creation, then the server) took longer than 30."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def server_env(data_dir: Path, **settings: str) -> dict[str, str]:
    """The parent environment without SENTIA_* settings, plus the given ones (e.g. PORT="3005")."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("SENTIA_") or "_TEST_" in key}
    env["SENTIA_DATA_DIR"] = str(data_dir)
    env.update({f"SENTIA_{name.upper()}": value for name, value in settings.items()})
    return env


def run_cli(
    *args: str, env: Mapping[str, str], stdin: str | None = None, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [SENTIA_SERVER, *args], env=dict(env), input=stdin, capture_output=True, text=True, timeout=timeout, check=False
    )


def create_key(env: Mapping[str, str], role: str = "admin", tenant: str = "acme") -> str:
    result = run_cli("keys", "create", "--role", role, "--tenant", tenant, env=env)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


@dataclass
class RunningServer:
    base_url: str
    process: subprocess.Popen[str]
    log_path: Path

    @property
    def mcp_url(self) -> str:
        return f"{self.base_url}/mcp"

    def log(self) -> str:
        return self.log_path.read_text()


def wait_for_health(base_url: str, process: subprocess.Popen[str], log_path: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}:\n{log_path.read_text()}")
        try:
            if httpx.get(f"{base_url}/health", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"server did not answer /health within {START_TIMEOUT_SECONDS} s:\n{log_path.read_text()}")


@contextmanager
def http_server(
    env: Mapping[str, str], tmp_path: Path, *args: str, command: list[str] | None = None
) -> Iterator[RunningServer]:
    """`sentia-server serve --transport http` (or `sentia-server ARGS`, or `command`) on a free port; stopped with
    SIGINT."""
    port = free_port()
    env = {**env, "SENTIA_PORT": str(port)}
    log_path = tmp_path / f"server-{port}.log"
    command = command or [SENTIA_SERVER, *(args or ("serve", "--transport", "http"))]
    with log_path.open("w") as log:
        process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT, text=True)
    try:
        base_url = f"http://127.0.0.1:{port}"
        wait_for_health(base_url, process, log_path)
        yield RunningServer(base_url, process, log_path)
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
