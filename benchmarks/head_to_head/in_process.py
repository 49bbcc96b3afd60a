"""The head-to-head's two apps called in process: each ASGI app driven directly with the load client's request bytes,
no sockets and no uvicorn, to tell what the app costs from what serving it costs.

`python -m benchmarks.head_to_head.in_process --app sentia` prints one JSON object with the process CPU time per
call (every thread of the process counted). Under `valgrind --tool=callgrind --instr-atstart=no`, `--callgrind`
switches instrumentation on only around the measured calls (`callgrind_control -i on|off`), so the instruction
counts leave out start-up and warm-up.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import asdict, dataclass
from urllib.parse import urlsplit

from starlette.types import ASGIApp, Message, Scope

from benchmarks.head_to_head.client import MODERN_VERSION, build_request
from benchmarks.head_to_head.servers import SENTIA_ARGUMENTS, SENTIA_TOOL, sentia_environment

URL = "http://127.0.0.1:3001/mcp"
# Every call comes from one address, faster than under uvicorn: the request-spike detector is raised out of reach, or
# the event it records (a database write and a log line) would land in the measurement at a moment set by the clock.
SPIKE_THRESHOLD = "100000000"


@dataclass(frozen=True)
class Result:
    app: str
    calls: int
    cpu_us_per_call: float
    statuses: list[int]
    body_bytes: int


def request_scope(raw: bytes) -> tuple[Scope, bytes]:
    """The ASGI scope and body of one HTTP/1.1 request as the load client sends it."""
    head, body = raw.split(b"\r\n\r\n", 1)
    request_line, *header_lines = head.split(b"\r\n")
    method, path, _version = request_line.split(b" ")
    headers = [(name.strip().lower(), value.strip()) for name, value in (line.split(b":", 1) for line in header_lines)]
    parts = urlsplit(URL)
    scope: Scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method.decode(),
        "scheme": "http",
        "path": path.decode(),
        "raw_path": path,
        "query_string": b"",
        "root_path": "",
        "headers": headers,
        "client": ("127.0.0.1", 50000),
        "server": (parts.hostname, parts.port),
    }
    return scope, body


async def call(app: ASGIApp, scope: Scope, body: bytes) -> list[Message]:
    """One request through the app; the messages it sent."""
    sent: list[Message] = []
    delivered = False

    async def receive() -> Message:
        nonlocal delivered
        if delivered:  # the app only asks again to watch for a disconnect, which never comes
            await asyncio.Event().wait()
        delivered = True
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: Message) -> None:
        sent.append(message)

    await app({**scope, "state": {}}, receive, send)
    return sent


async def calls(app: ASGIApp, scope: Scope, body: bytes, count: int, concurrency: int) -> list[int]:
    """`count` requests from `concurrency` callers; the status of each."""
    statuses: list[int] = []

    async def caller(share: int) -> None:
        for _ in range(share):
            statuses.append((await call(app, scope, body))[0]["status"])

    shares = [count // concurrency + (1 if index < count % concurrency else 0) for index in range(concurrency)]
    await asyncio.gather(*(caller(share) for share in shares))
    return statuses


@asynccontextmanager
async def started(app: ASGIApp) -> AsyncIterator[None]:
    """The app between its lifespan's startup and shutdown, as uvicorn runs it."""
    events: asyncio.Queue[Message] = asyncio.Queue()
    replies: asyncio.Queue[Message] = asyncio.Queue()
    scope = {"type": "lifespan", "asgi": {"version": "3.0"}, "state": {}}
    lifespan = asyncio.create_task(app(scope, events.get, replies.put))
    await events.put({"type": "lifespan.startup"})
    reply = await replies.get()
    if reply["type"] != "lifespan.startup.complete":
        raise RuntimeError(f"the app did not start: {reply}")
    try:
        yield
    finally:
        await events.put({"type": "lifespan.shutdown"})
        await replies.get()
        await lifespan


def callgrind_instrumentation(on: bool) -> None:
    switch = "on" if on else "off"
    subprocess.run(["callgrind_control", "-i", switch, str(os.getpid())], check=True, capture_output=True)


async def measure(app: ASGIApp, name: str, raw: bytes, options: argparse.Namespace) -> Result:
    scope, body = request_scope(raw)
    async with started(app):
        if options.freeze:
            gc.freeze()  # as `sentia-server serve` does once started (sentia_server/http_server.py)
        first = await call(app, scope, body)  # a cache miss for Sentia: the answer every later call reads
        await calls(app, scope, body, options.warmup, options.concurrency)
        if options.callgrind:
            callgrind_instrumentation(True)
        cpu_before = time.process_time()
        statuses = await calls(app, scope, body, options.calls, options.concurrency)
        cpu = time.process_time() - cpu_before
        if options.callgrind:
            callgrind_instrumentation(False)
    body_bytes = sum(len(message.get("body", b"")) for message in first if message["type"] == "http.response.body")
    return Result(name, options.calls, round(cpu / options.calls * 1e6, 1), sorted(set(statuses)), body_bytes)


def bare_app() -> tuple[ASGIApp, bytes]:
    from benchmarks.head_to_head.bare import build_bare_app

    return build_bare_app(), build_request(URL, "echo", {"text": "hello"}, None, MODERN_VERSION)


def sentia_app(tool: str, arguments: dict[str, object], token: str) -> tuple[ASGIApp, bytes]:
    from sentia_server.app import create_app
    from sentia_server.config import Settings

    return create_app(Settings()), build_request(URL, tool, arguments, token, MODERN_VERSION)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--app", choices=("bare", "sentia"), required=True)
    parser.add_argument("--calls", type=int, default=10_000, help="measured calls [10000]")
    parser.add_argument("--warmup", type=int, default=2_000, help="unmeasured calls first [2000]")
    parser.add_argument("--concurrency", type=int, default=32, help="concurrent callers [32]")
    parser.add_argument("--tool", default=SENTIA_TOOL, help=f"the cached read tool Sentia answers [{SENTIA_TOOL}]")
    parser.add_argument("--arguments", default=SENTIA_ARGUMENTS, help=f"its arguments as JSON [{SENTIA_ARGUMENTS}]")
    parser.add_argument("--callgrind", action="store_true", help="count only the measured calls under callgrind")
    options = parser.parse_args(argv)
    # Each app as its server runs it: `sentia-server serve` freezes what startup built, the uvicorn command does not.
    options.freeze = options.app == "sentia"

    import uvloop

    if options.app == "bare":
        app, raw = bare_app()
        result = uvloop.run(measure(app, "bare", raw, options))
    else:
        with sentia_environment({"SENTIA_THREATS__REQUEST_SPIKE_THRESHOLD": SPIKE_THRESHOLD}) as sentia:
            os.environ.update(sentia.env)
            app, raw = sentia_app(options.tool, json.loads(options.arguments), sentia.token)
            result = uvloop.run(measure(app, "sentia", raw, options))
    print(json.dumps(asdict(result)))
    return 0 if result.statuses == [200] else 1


if __name__ == "__main__":
    sys.exit(main())
