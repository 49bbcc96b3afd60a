"""The `sentia-testkit` command: checks around the testkit that are useful outside a pytest run."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from typing import TextIO

from sentia_testkit.scan import command as scan_command
from sentia_testkit.services import REQUIRE_ENV, SourceStatus
from sentia_testkit.services import postgres as postgres_service
from sentia_testkit.services import redis as redis_service


def _print_service(name: str, statuses: list[SourceStatus], out: TextIO) -> bool:
    """Print one service's verdict and each source's line; True when a source would provide it."""
    selected = next((status for status in statuses if status.selected), None)
    broken = next((status for status in statuses if status.broken), None)
    if selected is not None:
        print(f"{name}: would use {selected.source}", file=out)
    elif broken is not None:
        print(f"{name}: ERROR, {broken.source} is set but unusable (tests needing {name} will error)", file=out)
    else:
        print(f"{name}: not available (tests needing {name} will be skipped, or error with {REQUIRE_ENV}=1)", file=out)
    for status in statuses:
        if status.selected:
            mark = "use "
        elif status.broken:
            mark = "FAIL"
        elif status.usable:
            mark = "also"
        else:
            mark = "no  "
        print(f"  [{mark}] {status.source}: {status.detail}", file=out)
    if broken is not None:
        print("  (later sources are not tried while a configured one is broken)", file=out)
    return selected is not None


def services_command(args: argparse.Namespace, out: TextIO | None = None) -> int:
    """Dry check: which source would provide PostgreSQL and Redis, and why each other one would not."""
    out = out or sys.stdout
    checks: list[tuple[str, Callable[[], list[SourceStatus]]]] = [
        ("PostgreSQL", postgres_service.check_postgres),
        ("Redis", redis_service.check_redis),
    ]
    resolvable = [_print_service(name, check(), out) for name, check in checks]
    if not all(resolvable):
        print(
            "\nTo provide a service: set SENTIA_TEST_POSTGRES_URL=postgresql://user@host:5432/db "
            "or SENTIA_TEST_REDIS_URL=redis://host:6379/0, or start Docker, "
            "or install PostgreSQL (initdb, pg_ctl) / Redis (redis-server).",
            file=out,
        )
    return 0 if all(resolvable) else 1


def simulate_command(args: argparse.Namespace) -> int:
    """Serve every simulator; with a command after `--`, run it with settings pointing at them, then stop."""
    import os
    import signal
    import subprocess
    import threading

    import uvicorn

    from sentia_testkit.simulators.stack import local_stack

    base_url = f"http://{args.host}:{args.port}"
    app, settings = local_stack(base_url)
    if args.print_env:
        for name, value in sorted(settings.items()):
            print(f"{name}={value}")
        return 0
    server = uvicorn.Server(uvicorn.Config(app, host=args.host, port=args.port, log_level="warning"))
    command = [part for part in args.command if part != "--"]
    if not command:
        print(f"simulators at {base_url}/<vendor>: {', '.join(sorted(app.simulators))}", flush=True)
        server.run()
        return 0
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        if not thread.is_alive():
            print(f"sentia-testkit: the simulators could not start on {base_url}", file=sys.stderr)
            return 1
        thread.join(0.05)
    print(f"simulators at {base_url}/<vendor>: {', '.join(sorted(app.simulators))}", flush=True)
    child = subprocess.Popen(command, env={**os.environ, **settings})

    def forward(signum: int, _frame: object) -> None:
        """Ctrl-C or a stop request reaches the command, which shuts down cleanly; then the simulators stop."""
        child.send_signal(signum)

    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, forward)
    try:
        return child.wait()
    finally:
        server.should_exit = True
        thread.join(10)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="sentia-testkit", description="Tools around the sentia pytest testkit.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    services = commands.add_parser(
        "services",
        help="show where PostgreSQL and Redis for tests would come from",
        description=(
            "Show, without starting anything, which source would provide PostgreSQL and Redis to the "
            "postgres_url / redis_url fixtures (SENTIA_TEST_*_URL, Docker, local binaries) and why each other "
            "source would not. Exit status 0 when both are available, 1 otherwise."
        ),
    )
    services.set_defaults(handler=services_command)
    simulate = commands.add_parser(
        "simulate",
        help="serve the vendor simulators locally (and run a command against them)",
        description=(
            "Serve every vendor simulator under http://HOST:PORT/<vendor>. With a command after `--`, run it with "
            "the SENTIA_* settings that point the server at the simulators, and stop them when it exits "
            "(`sentia-testkit simulate -- sentia-server dev`)."
        ),
    )
    simulate.add_argument("--host", default="127.0.0.1")
    simulate.add_argument("--port", type=int, default=8900)
    simulate.add_argument("--print-env", action="store_true", help="print the settings and exit")
    simulate.add_argument("command", nargs=argparse.REMAINDER, help="-- COMMAND [ARGS...]")
    simulate.set_defaults(handler=simulate_command)
    scan_command.add_parser(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    handler: Callable[[argparse.Namespace], int] = args.handler
    return handler(args)


if __name__ == "__main__":
    sys.exit(main())
