"""`sentia-testkit scan TARGET`: the command-line face of the scanner."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TextIO

from sentia_testkit.mcp.connect import TargetError, parse_header, parse_target
from sentia_testkit.scan.output import print_report, write_json, write_junit
from sentia_testkit.scan.results import DEFAULT_FAIL_ON
from sentia_testkit.security.findings import Severity

DESCRIPTION = (
    "Check every tool of an MCP server: a valid JSON Schema with descriptions and annotations, no protocol error "
    "on valid arguments (drawn from the schema), a clean validation error on schema-violating ones, and the "
    "security payload probe. TARGET is an import path (pkg.module:server, an MCPServer or a factory of one), a "
    "command (stdio:COMMAND, or --stdio) or an http(s) URL. Exit status: 0 clean, 1 findings, 2 target error."
)


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    scan = commands.add_parser("scan", help="check every tool of an MCP server", description=DESCRIPTION)
    scan.add_argument("target", nargs="?", help="pkg.module:server, stdio:COMMAND or an http(s) URL")
    scan.add_argument("--stdio", metavar="COMMAND", help='start the server as COMMAND over stdio ("cmd args")')
    scan.add_argument("--header", action="append", default=[], metavar="NAME: VALUE", help="HTTP header to send")
    scan.add_argument("--max-examples", type=int, default=10, help="generated calls per tool and mode (default 10)")
    scan.add_argument(
        "--payloads", type=int, default=1, help="security payloads per corpus and string (0: all; default 1)"
    )
    scan.add_argument("--no-security", action="store_true", help="skip the security payload probe")
    scan.add_argument("--tool", action="append", default=[], help="scan only this tool (repeatable)")
    scan.add_argument("--call-timeout", type=float, default=30.0, help="seconds per call (default 30)")
    scan.add_argument("--timeout", type=float, default=600.0, help="seconds for the whole scan (default 600)")
    scan.add_argument("--json", type=Path, metavar="PATH", help="write the report as JSON")
    scan.add_argument("--junit", type=Path, metavar="PATH", help="write the report as JUnit XML")
    scan.add_argument(
        "--fail-on",
        choices=[severity.value for severity in Severity],
        default=DEFAULT_FAIL_ON.value,
        help="lowest severity that fails the scan (default medium; low: also lenient input handling)",
    )
    scan.add_argument("--plain", action="store_true", help="plain text instead of a rich table")
    scan.set_defaults(handler=scan_command)


def scan_command(args: argparse.Namespace, out: TextIO | None = None) -> int:
    out = out or sys.stdout
    try:
        if (args.target is None) == (args.stdio is None):
            raise TargetError("give exactly one target: TARGET or --stdio COMMAND")
        headers = dict(parse_header(header) for header in args.header)
        target = parse_target(args.stdio or args.target, stdio=args.stdio is not None, headers=headers)
    except TargetError as error:
        print(f"sentia-testkit scan: {error}", file=sys.stderr)
        return 2
    from sentia_testkit.scan.runner import ScanOptions, run_scan

    # An import path names a module of the project the command runs in, as `python -m` would find it.
    if os.getcwd() not in sys.path:
        sys.path.insert(0, os.getcwd())
    options = ScanOptions(
        max_examples=args.max_examples,
        payloads=args.payloads,
        security=not args.no_security,
        call_timeout=args.call_timeout,
        timeout=args.timeout,
        tools=tuple(args.tool),
    )
    report = run_scan(target, options)
    print_report(report, out, plain=args.plain)
    if args.json:
        write_json(report, args.json)
    if args.junit:
        write_junit(report, args.junit)
    return report.exit_code(Severity(args.fail_on))
