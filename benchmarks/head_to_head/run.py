"""The bare echo server and the full Sentia server under the same client, round after round, and the ratio of their
throughput."""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from benchmarks.head_to_head.client import MODERN_VERSION
from benchmarks.head_to_head.cpus import Placement, children_on
from benchmarks.head_to_head.servers import SENTIA_ARGUMENTS, SENTIA_TOOL, RunningServer, bare_server, full_server

REPORT = Path("reports/head_to_head.json")
ROOT = Path(__file__).resolve().parents[2]
SIDE_BY_SIDE, ALTERNATE = "side-by-side", "alternate"


@dataclass(frozen=True)
class Options:
    duration: float
    warmup: float
    concurrency: int
    rounds: int
    tool: str
    arguments: dict[str, object]
    loop: str
    http: str
    sentia_env: dict[str, str]
    protocol_version: str = MODERN_VERSION
    echo: str = "async"
    placement: Placement = field(default_factory=Placement.unpinned)
    mode: str = SIDE_BY_SIDE


def measure(servers: Sequence[RunningServer], options: Options) -> list[dict[str, Any]]:
    """One client process per server, all started together, with each server's CPU time while measured calls ran."""
    with children_on(options.placement.client):
        clients = [
            subprocess.Popen(
                _client_command(server, options), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT
            )
            for server in servers
        ]
    time.sleep(options.warmup)  # the servers' CPU time is read over the measured span only
    cpu_before = [server.cpu_seconds() for server in servers]
    outputs = [client.communicate() for client in clients]
    cpu_after = [server.cpu_seconds() for server in servers]
    results = []
    for server, before, after, (stdout, stderr) in zip(servers, cpu_before, cpu_after, outputs, strict=True):
        if not stdout.strip():
            raise RuntimeError(f"the client failed against {server.name}: {stderr[-2000:]}")
        result: dict[str, Any] = json.loads(stdout)
        if result["errors"] or not result["calls"]:
            raise RuntimeError(f"{server.name}: {result['errors']} failed calls, first: {result['first_error']}")
        result["server_cpu_percent"] = round(100 * (after - before) / result["seconds"], 1)
        result["server_cpu_us_per_call"] = round(1e6 * (after - before) / result["calls"], 1)
        span = options.warmup + options.duration
        result["client_cpu_percent"] = round(100 * result["client_cpu_seconds"] / span, 1)
        results.append(result)
    return results


def _client_command(server: RunningServer, options: Options) -> list[str]:
    command = [
        sys.executable, "-m", "benchmarks.head_to_head.client", "--url", server.url, "--tool", server.tool,
        "--arguments", json.dumps(server.arguments), "--concurrency", str(options.concurrency),
        "--warmup", str(options.warmup), "--duration", str(options.duration),
        "--protocol-version", options.protocol_version,
    ]  # fmt: skip
    if server.token:
        command += ["--token", server.token]
    return command


def _round(
    bare: RunningServer, sentia: RunningServer, options: Options
) -> Iterator[tuple[RunningServer, dict[str, Any]]]:
    """One round: both servers loaded at once (side by side), or one after the other (alternate)."""
    if options.mode == SIDE_BY_SIDE:
        yield from zip((bare, sentia), measure((bare, sentia), options), strict=True)
        return
    for server in (bare, sentia):  # a/b/a/b: drift of the machine hits both alike
        yield server, measure((server,), options)[0]


def _line(figures: dict[str, Any]) -> str:
    return (
        f"{figures['calls_per_second']:8.1f} calls/s  "
        f"p50 {figures['p50_ms']:.1f} ms  p95 {figures['p95_ms']:.1f} ms  p99 {figures['p99_ms']:.1f} ms  "
        f"server CPU {figures['server_cpu_percent']:.0f}%, {figures['server_cpu_us_per_call']:.0f} µs/call  "
        f"client CPU {figures['client_cpu_percent']:.0f}%"
    )


def summarise(rounds: list[dict[str, Any]]) -> dict[str, Any]:
    """Median of each figure over the rounds."""
    keys = (
        "calls_per_second", "p50_ms", "p95_ms", "p99_ms",
        "server_cpu_percent", "server_cpu_us_per_call", "client_cpu_percent",
    )  # fmt: skip
    return {key: round(statistics.median(round_[key] for round_ in rounds), 3) for key in keys}


def run(options: Options) -> dict[str, Any]:
    results: dict[str, list[dict[str, Any]]] = {"bare": [], "sentia": []}
    with ExitStack() as running:
        with children_on(options.placement.server):  # the simulators too: idle once the result is cached
            bare = running.enter_context(bare_server(options.loop, options.http, options.echo))
            sentia = running.enter_context(full_server(options.tool, options.arguments, options.sentia_env))
        placed = options.placement.describe()
        print(f"servers on CPUs {placed['server'] or 'any'}, client on CPUs {placed['client'] or 'any'}", flush=True)
        for index in range(options.rounds):
            for server, figures in _round(bare, sentia, options):
                results[server.name].append(figures)
                print(f"round {index + 1} {server.name:>6}: {_line(figures)}", flush=True)
    medians = {name: summarise(rounds) for name, rounds in results.items()}
    # Each round's two figures were measured together (or one just after the other): their ratio cancels the drift of
    # the machine's speed between rounds, which a ratio of the two medians would not.
    ratios = [
        sentia["calls_per_second"] / bare["calls_per_second"]
        for bare, sentia in zip(results["bare"], results["sentia"], strict=True)
    ]
    return {
        "method": {
            "bare": f"mcp MCPServer, one {options.echo} echo tool, streamable HTTP stateless + JSON responses",
            "sentia": f"sentia-server serve --transport http, cached read tool {options.tool}, operator API key",
            "uvicorn": {"workers": 1, "loop": options.loop, "http": options.http},
            "client": "one process, keep-alive HTTP/1.1 connections, JSON-RPC tools/call",
            "protocol_version": options.protocol_version,
            "concurrency": options.concurrency,
            "warmup_seconds": options.warmup,
            "duration_seconds": options.duration,
            "rounds": options.rounds,
            "mode": options.mode,
            "arguments": options.arguments,
            "sentia_env": options.sentia_env,
        },
        "machine": {"python": platform.python_version(), "platform": platform.platform(), "cpus": _cpus()},
        "cpus": options.placement.describe(),
        "rounds": results,
        "median": medians,
        "round_ratios": [round(ratio, 3) for ratio in ratios],
        # The same comparison by cost: the bare server's CPU per call over Sentia's, per round. Side by side it should
        # agree with the throughput ratio; a gap would mean the scheduler shared the CPU unevenly.
        "cpu_per_call_ratio": round(
            statistics.median(
                bare["server_cpu_us_per_call"] / sentia["server_cpu_us_per_call"]
                for bare, sentia in zip(results["bare"], results["sentia"], strict=True)
            ),
            3,
        ),
        "ratio": round(statistics.median(ratios), 3),
    }


def _cpus() -> int:
    import os

    return len(os.sched_getaffinity(0))


def parse(argv: list[str] | None) -> tuple[Options, Path]:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.head_to_head",
        description="Throughput of the full Sentia server against a bare MCP SDK echo server, same machine and client.",
    )
    parser.add_argument("--duration", type=float, default=10.0, help="measured seconds per round [10]")
    parser.add_argument("--warmup", type=float, default=2.0, help="unmeasured seconds before each round [2]")
    parser.add_argument("--concurrency", type=int, default=32, help="keep-alive connections [32]")
    parser.add_argument("--rounds", type=int, default=2, help="a/b rounds; the report takes the median [2]")
    parser.add_argument("--tool", default=SENTIA_TOOL, help=f"the cached read tool Sentia answers [{SENTIA_TOOL}]")
    parser.add_argument("--arguments", default=SENTIA_ARGUMENTS, help=f"its arguments as JSON [{SENTIA_ARGUMENTS}]")
    parser.add_argument("--loop", default="auto", help="uvicorn loop of the bare server; Sentia picks its own [auto]")
    parser.add_argument("--http", default="auto", help="uvicorn HTTP implementation of the bare server [auto]")
    parser.add_argument(
        "--sentia-env",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="an extra SENTIA_* setting for the Sentia server (repeatable), e.g. SENTIA_AUDIT_FLUSH_SECONDS=0",
    )
    parser.add_argument(
        "--protocol-version",
        default=MODERN_VERSION,
        help=f"MCP revision the client speaks: {MODERN_VERSION} (per request) or a handshake one, e.g. 2025-06-18",
    )
    parser.add_argument(
        "--echo",
        choices=("async", "sync"),
        default="async",
        help="the reference's echo tool: a coroutine, or a plain function the SDK runs in a worker thread [async]",
    )
    parser.add_argument(
        "--mode",
        choices=(SIDE_BY_SIDE, ALTERNATE),
        default=SIDE_BY_SIDE,
        help="load both servers at once, sharing their CPU, each with its own client (the ratio then holds however "
        "fast the machine runs at the moment), or one after the other (each server's own throughput) "
        f"[{SIDE_BY_SIDE}]",
    )
    parser.add_argument(
        "--server-cpu",
        default="auto",
        help="the CPU both servers run on, the client on the others: a number, 'auto' (the highest, given two or "
        "more) or 'none' (the scheduler decides) [auto]",
    )
    parser.add_argument("--report", type=Path, default=REPORT, help=f"where to write the JSON report [{REPORT}]")
    args = parser.parse_args(argv)
    options = Options(
        args.duration, args.warmup, args.concurrency, args.rounds, args.tool, json.loads(args.arguments),
        args.loop, args.http, dict(item.split("=", 1) for item in args.sentia_env), args.protocol_version, args.echo,
        _placement(parser, args.server_cpu), args.mode,
    )  # fmt: skip
    return options, args.report


def _placement(parser: argparse.ArgumentParser, server_cpu: str) -> Placement:
    try:
        return Placement.choose(server_cpu)
    except ValueError as error:
        parser.error(f"--server-cpu {server_cpu}: {error}")


def main(argv: list[str] | None = None) -> int:
    options, report_path = parse(argv)
    report = run(options)
    report_path.parent.mkdir(parents=True, exist_ok=True)
    report_path.write_text(json.dumps(report, indent=2) + "\n")
    bare, sentia = report["median"]["bare"], report["median"]["sentia"]
    together = "both servers loaded at once" if options.mode == SIDE_BY_SIDE else "one server at a time"
    print(
        f"\nmedian of {options.rounds} rounds, {together}, {options.concurrency} connections per server, "
        f"{options.duration:g} s each:"
    )
    for name, figures in ((f"{options.echo} echo", bare), ("sentia", sentia)):
        print(
            f"  {name:>9}: {figures['calls_per_second']:8.1f} calls/s  p50 {figures['p50_ms']:.1f} ms  "
            f"p95 {figures['p95_ms']:.1f} ms  p99 {figures['p99_ms']:.1f} ms"
        )
    spread = f"rounds {min(report['round_ratios']):.2f}-{max(report['round_ratios']):.2f}"
    print(f"  ratio sentia/bare: {report['ratio']:.2f}x ({spread})   (report: {report_path})")
    print(f"  the same by CPU per call (bare/sentia): {report['cpu_per_call_ratio']:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
