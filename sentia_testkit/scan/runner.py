"""Run every check on every tool of a target, within a time limit."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

import anyio

from sentia_testkit.mcp.connect import Target, TargetError, open_client
from sentia_testkit.scan import checks
from sentia_testkit.scan.results import INVALID_INPUT, VALID_INPUT, CheckResult, ScanReport
from sentia_testkit.security.probe import McpSession


@dataclass(frozen=True)
class ScanOptions:
    """How much to do: generated cases per tool and mode, security payloads per corpus and string (0: the whole
    corpus), a limit per call and for the whole scan, and optionally only some tools."""

    max_examples: int = 10
    payloads: int = 1
    security: bool = True
    call_timeout: float = 30.0
    timeout: float = 600.0
    tools: Collection[str] = ()


async def list_tools(session: McpSession) -> list[Any]:
    listed = await session.list_tools()
    found = list(listed.tools)
    while getattr(listed, "next_cursor", None):
        listed = await session.list_tools(cursor=listed.next_cursor)  # type: ignore[call-arg]
        found.extend(listed.tools)
    return found


async def scan_session(session: McpSession, report: ScanReport, options: ScanOptions) -> None:
    """Add each tool's results to `report` as they come, so a scan cut short keeps what it found."""
    for tool in await list_tools(session):
        if options.tools and tool.name not in options.tools:
            continue
        report.results.append(checks.check_definition(tool))
        for valid in (True, False):
            if checks.schema_is_valid(tool):
                result = await checks.check_calls(
                    session, tool, valid=valid, max_examples=options.max_examples, call_timeout=options.call_timeout
                )
            else:
                result = CheckResult(tool.name, VALID_INPUT if valid else INVALID_INPUT)
                result.skipped = "the input schema is not valid"
            report.results.append(result)
        if options.security:
            report.results.append(
                await checks.check_security(session, tool, payloads=options.payloads, call_timeout=options.call_timeout)
            )


async def scan(target: Target | str | Any, options: ScanOptions | None = None) -> ScanReport:
    """Scan a target (a `Target`, a target string, or a server object); never raises for an unreachable target:
    `report.error` says what went wrong."""
    options = options or ScanOptions()
    name = target.describe() if isinstance(target, Target) else target if isinstance(target, str) else repr(target)
    report = ScanReport(name)
    try:
        with anyio.fail_after(options.timeout):
            async with open_client(target) as client:
                await scan_session(client, report, options)
    except TargetError as error:
        report.error = str(error)
    except TimeoutError:
        report.error = f"the scan did not finish within {options.timeout:g} s ({len(report.results)} results so far)"
    if not report.error and not report.results:
        report.error = "the target offers no tools to scan" if not options.tools else "none of the named tools exist"
    return report


def run_scan(target: Target | str | Any, options: ScanOptions | None = None) -> ScanReport:
    """`scan` from synchronous code."""

    async def main() -> ScanReport:
        return await scan(target, options)

    return anyio.run(main)
