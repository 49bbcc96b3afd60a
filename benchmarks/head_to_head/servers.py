"""Start the two servers under comparison as separate processes, each under uvicorn with one worker, and read
their CPU time from /proc so the report can show which side of the socket was busy."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

BIN = Path(sys.executable).parent
STARTUP_SECONDS = 60.0
# The cached read tool Sentia answers in both benchmarks, and its arguments as JSON: five suppliers, 5 978 bytes.
SENTIA_TOOL = "unleashed-get-suppliers"
SENTIA_ARGUMENTS = '{"page_size": 5}'
SHUTDOWN_SECONDS = 30.0  # the server writes its queued audit records before it exits


@dataclass(frozen=True)
class RunningServer:
    """A server ready for the client: where to send calls, with which tool and credential, and its process."""

    name: str
    url: str
    tool: str
    arguments: dict[str, object]
    token: str | None
    pid: int

    def cpu_seconds(self) -> float:
        """User + system CPU time the server process has used so far (Linux /proc)."""
        fields = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()
        ticks = os.sysconf("SC_CLK_TCK")
        return (int(fields[11]) + int(fields[12])) / ticks


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_until_serving(process: subprocess.Popen[bytes], url: str, name: str) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{name} exited with status {process.returncode} before serving {url}")
        try:
            with urllib.request.urlopen(url, timeout=1):  # noqa: S310  # an http URL built above
                return
        except urllib.error.HTTPError:  # any HTTP answer means it is listening
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{name} did not answer {url} within {STARTUP_SECONDS:.0f} s")


@contextmanager
def _process(command: list[str], env: dict[str, str], probe_url: str, name: str) -> Iterator[subprocess.Popen[bytes]]:
    # Output goes to a file, not a pipe: nobody reads a pipe during the run, and a full one would stall the server.
    with tempfile.TemporaryFile() as output:
        process = subprocess.Popen(command, env=env, stdout=output, stderr=subprocess.STDOUT)
        try:
            _wait_until_serving(process, probe_url, name)
            yield process
        finally:
            process.terminate()
            try:
                process.wait(SHUTDOWN_SECONDS)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            if process.returncode not in (0, -15):
                output.seek(0)
                tail = output.read().decode(errors="replace")[-2000:]
                print(f"{name} ended with status {process.returncode}:\n{tail}", file=sys.stderr)


@contextmanager
def bare_server(loop: str, http: str, echo: str = "async") -> Iterator[RunningServer]:
    """The MCP SDK echo server under the uvicorn command line, with Sentia's uvicorn settings; `echo` is "async" (a
    coroutine tool) or "sync" (a plain function, which the SDK runs in a worker thread)."""
    port = free_port()
    application = {"async": "app", "sync": "sync_app"}[echo]
    command = [
        sys.executable, "-m", "uvicorn", f"benchmarks.head_to_head.bare:{application}",
        "--host", "127.0.0.1", "--port", str(port), "--workers", "1", "--loop", loop, "--http", http,
        "--no-access-log", "--no-server-header", "--timeout-keep-alive", "75", "--log-level", "warning",
    ]  # fmt: skip
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    url = f"http://127.0.0.1:{port}/mcp"
    with _process(command, env, url, "the bare server") as process:
        yield RunningServer("bare", url, "echo", {"text": "hello"}, None, process.pid)


def _simulator_env(port: int) -> dict[str, str]:
    listed = subprocess.run(
        [str(BIN / "sentia-testkit"), "simulate", "--port", str(port), "--print-env"],
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    return dict(line.split("=", 1) for line in listed.stdout.splitlines() if "=" in line)


@dataclass(frozen=True)
class SentiaEnvironment:
    """What a Sentia server of the benchmark runs with: its SENTIA_* settings and an operator API key."""

    env: dict[str, str]
    token: str


@contextmanager
def sentia_environment(extra_env: dict[str, str] | None = None) -> Iterator[SentiaEnvironment]:
    """The vendor simulators running, a fresh data directory, an operator API key, and the default rate limits raised
    far above what a run can reach."""
    data_dir = Path(tempfile.mkdtemp(prefix="sentia-h2h-"))
    simulator_port = free_port()
    limit = "10000000/minute"
    env = {
        **{name: value for name, value in os.environ.items() if not name.startswith("SENTIA_")},
        **_simulator_env(simulator_port),
        "SENTIA_DATA_DIR": str(data_dir),
        # The default limits, raised: a read tool counts against the caller's limit, a write or AI tool against
        # its category's limit too, as it would without these settings.
        "SENTIA_RATE_LIMIT_PER_PRINCIPAL": limit,
        "SENTIA_RATE_LIMIT_WRITE_TOOLS": limit,
        "SENTIA_RATE_LIMIT_AI_TOOLS": limit,
        **(extra_env or {}),
    }
    try:
        created = subprocess.run(
            [str(BIN / "sentia-server"), "keys", "create", "--role", "operator", "--name", "head-to-head"],
            env=env, check=False, capture_output=True, text=True,
        )  # fmt: skip
        if created.returncode:
            raise RuntimeError(f"sentia-server keys create failed: {created.stderr.strip()}")
        token = created.stdout.strip().splitlines()[-1]
        simulators = [str(BIN / "sentia-testkit"), "simulate", "--port", str(simulator_port)]
        with _process(simulators, env, f"http://127.0.0.1:{simulator_port}/", "the simulators"):
            yield SentiaEnvironment(env, token)
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


@contextmanager
def full_server(
    tool: str, arguments: dict[str, object], extra_env: dict[str, str] | None = None
) -> Iterator[RunningServer]:
    """`sentia-server serve --transport http` in `sentia_environment`."""
    port = free_port()
    with sentia_environment({"SENTIA_PORT": str(port), **(extra_env or {})}) as sentia:
        server = [str(BIN / "sentia-server"), "serve", "--transport", "http", "--port", str(port)]
        with _process(server, sentia.env, f"http://127.0.0.1:{port}/health", "sentia-server") as process:
            url = f"http://127.0.0.1:{port}/mcp"
            yield RunningServer("sentia", url, tool, arguments, sentia.token, process.pid)
