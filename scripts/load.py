"""`make load PROFILE=...`: one load profile against the local stack, with the reports the load gate reads.

It starts the vendor simulators and the server (a throwaway data directory, an operator API key, rate limits raised
so that the run measures the server and not its rate limiter), waits for /health/ready, runs
`locust -f loadtests/locustfile.py --headless` with the profile, samples the server's resident memory into
REPORTS/load_memory.csv, stops everything (also on Ctrl-C or a failure) and exits with Locust's exit code.
Reports: REPORTS/load_stats.csv (and the other --csv files), REPORTS/load.html, REPORTS/load_memory.csv,
REPORTS/load_server.log.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import csv
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from types import FrameType

from sentia_testkit.gates.config import load_config

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
LOCUSTFILE = ROOT / "loadtests" / "locustfile.py"
PROFILES = ("smoke", "steady", "step", "spike", "stress", "soak")
STOP_SECONDS = 20.0
# The run must measure the server, not the limits that protect it from one noisy principal or address: every user
# shares one API key and 127.0.0.1.
UNLIMITED = {
    "SENTIA_RATE_LIMIT_PER_PRINCIPAL": "1000000/minute",
    "SENTIA_RATE_LIMIT_AI_TOOLS": "1000000/minute",
    "SENTIA_RATE_LIMIT_WRITE_TOOLS": "1000000/minute",
    "SENTIA_THREATS__REQUEST_SPIKE_THRESHOLD": "100000000",
}


class Interrupted(Exception):
    """SIGTERM, turned into an exception so that the stack is stopped on the way out."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def stack_env(data_dir: Path, port: int) -> dict[str, str]:
    """The caller's environment (its SENTIA_* settings reach the server, e.g. SENTIA_REDIS_URL), a throwaway data
    directory, a fresh encryption key and the raised limits."""
    encryption_key = base64.b64encode(os.urandom(32)).decode()
    return {
        **os.environ,
        "SENTIA_DATA_DIR": str(data_dir),
        "SENTIA_PORT": str(port),
        "SENTIA_ENCRYPTION_KEYS": f"load:{encryption_key}",
        **UNLIMITED,
    }


def create_key(env: Mapping[str, str]) -> str:
    """An operator API key in the run's database: the role the read tools and the metrics endpoints need."""
    result = subprocess.run(
        [str(BIN / "sentia-server"), "keys", "create", "--role", "operator", "--name", "load-test"],
        env=dict(env),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"`sentia-server keys create` failed ({result.returncode}): {result.stderr.strip()}")
    return result.stdout.strip()


def wait_ready(base_url: str, stack: subprocess.Popen[bytes], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    last = "no answer"
    while time.monotonic() < deadline:
        if stack.poll() is not None:
            raise RuntimeError(f"the stack exited with {stack.returncode} before it was ready; see the server log")
        try:
            with urllib.request.urlopen(f"{base_url}/health/ready", timeout=2) as response:  # noqa: S310
                if response.status == 200:
                    return
        except urllib.error.HTTPError as error:
            last = f"HTTP {error.code}"
        except OSError as error:
            last = str(error)
        time.sleep(0.25)
    raise RuntimeError(f"{base_url}/health/ready did not answer 200 within {timeout:g} s (last: {last})")


def child_pid(parent: int) -> int | None:
    """The first process whose parent is `parent` (the server under `sentia-testkit simulate`), from /proc."""
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError):
            # The command name (field 2) may hold spaces and parentheses: the fields after its last ")" are fixed.
            fields = stat.read_text().rpartition(")")[2].split()
            if int(fields[1]) == parent:
                return int(stat.parent.name)
    return None


def rss_kib(pid: int) -> int | None:
    """VmRSS of `pid` in KiB, None once the process is gone (or without /proc)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    match = re.search(r"^VmRSS:\s+(\d+) kB", status, flags=re.MULTILINE)
    return int(match.group(1)) if match else None


class MemorySampler(threading.Thread):
    """Writes `seconds,rss_kib` of the server process every `interval` seconds, so a soak shows whether memory
    stays flat."""

    def __init__(self, pid: int, path: Path, interval: float) -> None:
        super().__init__(daemon=True)
        self.pid, self.path, self.interval = pid, path, interval
        self.samples: list[int] = []
        self._stopping = threading.Event()

    def run(self) -> None:
        started = time.monotonic()
        with self.path.open("w", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["seconds", "rss_kib"])
            while True:
                rss = rss_kib(self.pid)
                if rss is None:
                    return
                self.samples.append(rss)
                writer.writerow([f"{time.monotonic() - started:.1f}", rss])
                handle.flush()
                if self._stopping.wait(self.interval):
                    return

    def stop(self) -> None:
        self._stopping.set()
        self.join(5)

    def summary(self) -> str:
        if not self.samples:
            return f"server memory: no samples (no /proc/{self.pid}/status)"
        start, peak, end = (value / 1024 for value in (self.samples[0], max(self.samples), self.samples[-1]))
        trend = self.trend_mib_per_minute()
        return (
            f"server memory (VmRSS): start {start:.1f} MiB, peak {peak:.1f} MiB, end {end:.1f} MiB"
            + (f", trend over the second half {trend:+.2f} MiB/min" if trend is not None else "")
            + f" ({len(self.samples)} samples every {self.interval:g} s in {self.path})"
        )

    def trend_mib_per_minute(self) -> float | None:
        """The least-squares slope of the second half of the samples, after start-up and warm-up have settled;
        near zero for a server whose memory is flat. None with fewer than three samples there."""
        settled = self.samples[len(self.samples) // 2 :]
        if len(settled) < 3:
            return None
        per_sample = statistics.linear_regression(range(len(settled)), settled).slope
        return per_sample / 1024 * 60 / self.interval


def cache_summary(base_url: str, key: str) -> str:
    """The tool cache's hit rate over the run, from the server's Prometheus metrics."""
    request = urllib.request.Request(  # noqa: S310
        f"{base_url}/api/metrics/prometheus", headers={"Authorization": f"Bearer {key}"}
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            text = response.read().decode()
    except OSError as error:
        return f"tool cache: metrics unavailable ({error})"
    totals = {
        kind: sum(float(value) for value in re.findall(rf"^sentia_mcp_cache_{kind}_total\{{.*\}} (\S+)$", text, re.M))
        for kind in ("hits", "misses")
    }
    lookups = totals["hits"] + totals["misses"]
    if not lookups:
        return "tool cache: no cacheable calls"
    return f"tool cache: {totals['hits'] / lookups:.1%} hits ({totals['hits']:.0f} of {lookups:.0f} cacheable calls)"


def stop(process: subprocess.Popen[bytes], name: str) -> None:
    """SIGINT (the stack forwards it to the server, which shuts down cleanly), then SIGKILL to the whole process
    group so that nothing is left behind."""
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(STOP_SECONDS)
        except subprocess.TimeoutExpired:
            print(f"load: {name} did not stop within {STOP_SECONDS:g} s; killing it", file=sys.stderr)
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()


@contextlib.contextmanager
def running_stack(env: Mapping[str, str], simulator_port: int, log: Path) -> Iterator[subprocess.Popen[bytes]]:
    """`sentia-testkit simulate -- sentia-server serve`, in its own process group, stopped on the way out."""
    command = [
        str(BIN / "sentia-testkit"),
        "simulate",
        "--port",
        str(simulator_port),
        "--",
        str(BIN / "sentia-server"),
        "serve",
        "--transport",
        "http",
    ]
    with log.open("wb") as output:
        stack = subprocess.Popen(
            command, env=dict(env), stdout=output, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        yield stack
    finally:
        stop(stack, "the stack")


def gate_thresholds() -> dict[str, str]:
    """The load gate's limits ([tool.sentia.gates.load] in pyproject.toml) as Locust's thresholds, so that Locust's
    exit code and the gate agree; SENTIA_LOAD_* variables set by the caller win."""
    limits = load_config(ROOT / "pyproject.toml").load
    return {
        "SENTIA_LOAD_MAX_FAILURE_RATIO": str(limits.max_failure_ratio),
        "SENTIA_LOAD_MAX_P95_MS": str(limits.max_p95_ms),
        "SENTIA_LOAD_MIN_REQUESTS": str(limits.min_requests),
    }


def run_locust(profile: str, base_url: str, key: str, reports: Path, extra: Sequence[str]) -> int:
    command = [
        sys.executable,
        "-m",
        "locust",
        "-f",
        str(LOCUSTFILE),
        "--headless",
        "--host",
        base_url,
        "--csv",
        str(reports / "load"),
        "--html",
        str(reports / "load.html"),
        # Any failed request would make Locust exit 1; the thresholds (failure ratio, p95, requests) decide instead.
        "--exit-code-on-error",
        "0",
        *extra,
    ]
    env = {**gate_thresholds(), **os.environ, "SENTIA_LOAD_PROFILE": profile, "SENTIA_LOAD_TOKEN": key}
    locust = subprocess.Popen(command, env=env)
    try:
        return locust.wait()
    except Interrupted:
        # SIGTERM reached this script only: pass it on, Locust stops the run and writes its reports.
        locust.send_signal(signal.SIGTERM)
        _wait_or_kill(locust)
        raise
    except KeyboardInterrupt:
        # Ctrl-C reached Locust as well (same process group): it writes its reports and exits.
        _wait_or_kill(locust)
        raise


def _wait_or_kill(process: subprocess.Popen[bytes]) -> None:
    try:
        process.wait(STOP_SECONDS)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="scripts/load.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("--profile", default=os.environ.get("PROFILE") or "smoke", choices=PROFILES)
    parser.add_argument("--reports", type=Path, default=ROOT / "reports")
    parser.add_argument("--ready-timeout", type=float, default=60.0, help="seconds to wait for /health/ready")
    parser.add_argument("--memory-interval", type=float, default=5.0, help="seconds between RSS samples")
    parser.add_argument("locust_args", nargs=argparse.REMAINDER, help="-- further locust options")
    return parser.parse_args(argv)


def _interrupt(_signum: int, _frame: FrameType | None) -> None:
    raise Interrupted


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    extra = [part for part in args.locust_args if part != "--"]
    reports: Path = args.reports.resolve()
    reports.mkdir(parents=True, exist_ok=True)
    signal.signal(signal.SIGTERM, _interrupt)
    started = time.monotonic()
    port, simulator_port = free_port(), free_port()
    base_url = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory(prefix="sentia-load-") as data_dir:
        env = stack_env(Path(data_dir), port)
        try:
            key = create_key(env)
            with running_stack(env, simulator_port, reports / "load_server.log") as stack:
                wait_ready(base_url, stack, args.ready_timeout)
                server = child_pid(stack.pid)
                sampler = MemorySampler(server, reports / "load_memory.csv", args.memory_interval) if server else None
                if sampler:
                    sampler.start()
                else:
                    print("load: the server process was not found in /proc; its memory is not sampled")
                ready = time.monotonic() - started
                print(f"load: profile {args.profile} against {base_url} (stack ready in {ready:.1f} s)")
                code = run_locust(args.profile, base_url, key, reports, extra)
                if sampler:
                    sampler.stop()
                    print(f"load: {sampler.summary()}")
                print(f"load: {cache_summary(base_url, key)}")
        except (KeyboardInterrupt, Interrupted):
            print("load: interrupted; the stack is stopped", file=sys.stderr)
            return 130
        except RuntimeError as error:
            print(f"load: {error} (log: {reports / 'load_server.log'})", file=sys.stderr)
            return 2
    print(f"load: locust exited with {code} after {time.monotonic() - started:.1f} s; reports in {reports}")
    return code


if __name__ == "__main__":
    sys.exit(main())
