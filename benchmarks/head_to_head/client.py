"""The load client: a fixed number of keep-alive HTTP/1.1 connections sending JSON-RPC `tools/call` requests.

It speaks just enough HTTP/1.1 over asyncio streams (fixed request bytes, Content-Length bodies) that one client
process costs far less CPU than the server it drives; it reports its own CPU time so the run can show that.
Run as `python -m benchmarks.head_to_head.client --url ... --tool ... --arguments '{...}'`; prints one JSON object.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import sys
import time
from dataclasses import asdict, dataclass, field
from urllib.parse import urlsplit


@dataclass
class Tally:
    """What the connections observed while measuring."""

    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    first_error: str | None = None

    def fail(self, reason: str) -> None:
        self.errors += 1
        if self.first_error is None:
            self.first_error = reason


@dataclass(frozen=True)
class Result:
    calls: int
    errors: int
    first_error: str | None
    seconds: float
    calls_per_second: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    client_cpu_seconds: float


MODERN_VERSION = "2026-07-28"
"""The per-request revision (no handshake): `params._meta` carries the version and capabilities, and the
Mcp-Method / Mcp-Name headers repeat the method and tool. Older revisions send the version header alone."""


def build_request(
    url: str, tool: str, arguments: dict[str, object], token: str | None, protocol_version: str = MODERN_VERSION
) -> bytes:
    """The bytes of one `tools/call` request; identical on every send, as a real client's would nearly be."""
    parts = urlsplit(url)
    params: dict[str, object] = {"name": tool, "arguments": arguments}
    headers = [
        f"POST {parts.path or '/'} HTTP/1.1",
        f"Host: {parts.netloc}",
        "Content-Type: application/json",
        "Accept: application/json, text/event-stream",
        f"MCP-Protocol-Version: {protocol_version}",
    ]
    if protocol_version == MODERN_VERSION:
        params["_meta"] = {
            "io.modelcontextprotocol/protocolVersion": protocol_version,
            "io.modelcontextprotocol/clientCapabilities": {},
        }
        headers += ["Mcp-Method: tools/call", f"Mcp-Name: {tool}"]
    body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": params}).encode()
    headers.append(f"Content-Length: {len(body)}")
    if token:
        headers.append(f"Authorization: Bearer {token}")
    return ("\r\n".join(headers) + "\r\n\r\n").encode() + body


async def read_response(reader: asyncio.StreamReader) -> tuple[int, bytes]:
    """Status and body of one response; the servers measured answer JSON with a Content-Length."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    status = int(lines[0].split(b" ", 2)[1])
    length = 0
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    body = await reader.readexactly(length) if length else b""
    return status, body


def check(status: int, body: bytes) -> str | None:
    """Why a response is not a successful tool result, or None."""
    if status != 200:
        return f"HTTP {status}: {body[:200]!r}"
    if b'"result"' not in body or b'"isError":true' in body:
        return f"tool error: {body[:200]!r}"
    return None


async def connection(host: str, port: int, request: bytes, warm_until: float, stop_at: float, tally: Tally) -> None:
    reader, writer = await asyncio.open_connection(host, port)
    try:
        while True:
            started = time.perf_counter()
            if started >= stop_at:
                return
            writer.write(request)
            status, body = await read_response(reader)
            finished = time.perf_counter()
            if started < warm_until:
                continue
            problem = check(status, body)
            if problem is None:
                tally.latencies.append(finished - started)
            else:
                tally.fail(problem)
    finally:
        writer.close()


def percentile(sorted_values: list[float], fraction: float) -> float:
    """Nearest-rank percentile of already sorted values (0 when empty)."""
    if not sorted_values:
        return 0.0
    index = min(len(sorted_values) - 1, max(0, round(fraction * len(sorted_values)) - 1))
    return sorted_values[index]


async def drive(url: str, request: bytes, *, concurrency: int, warmup: float, duration: float) -> Result:
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    tally = Tally()
    cpu_before = _cpu_seconds()
    now = time.perf_counter()
    warm_until, stop_at = now + warmup, now + warmup + duration
    await asyncio.gather(*(connection(host, port, request, warm_until, stop_at, tally) for _ in range(concurrency)))
    measured = time.perf_counter() - warm_until
    latencies = sorted(tally.latencies)
    return Result(
        calls=len(latencies),
        errors=tally.errors,
        first_error=tally.first_error,
        seconds=round(measured, 3),
        calls_per_second=round(len(latencies) / measured, 1),
        p50_ms=round(percentile(latencies, 0.50) * 1000, 3),
        p95_ms=round(percentile(latencies, 0.95) * 1000, 3),
        p99_ms=round(percentile(latencies, 0.99) * 1000, 3),
        # Includes the warm-up: an upper bound of what the client spent while measuring.
        client_cpu_seconds=round(_cpu_seconds() - cpu_before, 3),
    )


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _event_loop_policy() -> None:
    try:
        import uvloop
    except ImportError:  # the standard loop still works, only with more client CPU per call
        return
    asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--tool", required=True)
    parser.add_argument("--arguments", default="{}", help="the tool arguments as JSON")
    parser.add_argument("--token", default=None, help="bearer credential, if the server needs one")
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--warmup", type=float, default=2.0)
    parser.add_argument("--duration", type=float, default=10.0)
    parser.add_argument("--protocol-version", default=MODERN_VERSION)
    args = parser.parse_args(argv)
    request = build_request(args.url, args.tool, json.loads(args.arguments), args.token, args.protocol_version)
    _event_loop_policy()
    result = asyncio.run(
        drive(args.url, request, concurrency=args.concurrency, warmup=args.warmup, duration=args.duration)
    )
    print(json.dumps(asdict(result)))
    return 0 if result.calls and not result.errors else 1


if __name__ == "__main__":
    sys.exit(main())
