"""The RBAC matrix check: every tool called as every role, compared with the table of what each role may call.

A call the table allows must not be refused for permission (it may still fail for another reason: a vendor not
configured, sample arguments the tool rejects); a call the table denies must be refused with a permission error
(not "unknown tool", not an argument error, certainly not a result). What counts as a permission error is a
predicate, `is_permission_error`, with a default that recognises JSON-RPC -32003 and "permission denied" texts.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from contextlib import AbstractAsyncContextManager
from typing import Any

from sentia_testkit.security.findings import Finding, Report, Severity
from sentia_testkit.security.probe import McpSession
from sentia_testkit.security.schemas import sample_value

CHECK = "rbac"
PERMISSION_DENIED_CODES = frozenset({-32003, 403})
PERMISSION_WORDS = ("permission denied", "forbidden", "not permitted", "not allowed", "insufficient permission")

Outcome = BaseException | Any
"""What a call ended in: the exception it raised, or the tool result."""
Connect = Callable[[str], AbstractAsyncContextManager[McpSession]]


def is_permission_error(outcome: Outcome) -> bool:
    """True for a JSON-RPC error with code -32003 (or 403), or any error whose text says permission was denied."""
    if isinstance(outcome, BaseException):
        error = getattr(outcome, "error", None)
        code = getattr(error, "code", getattr(outcome, "code", None))
        message = str(getattr(error, "message", outcome))
        return code in PERMISSION_DENIED_CODES or _says_denied(message)
    if getattr(outcome, "is_error", False):
        return _says_denied(" ".join(getattr(item, "text", "") or "" for item in getattr(outcome, "content", [])))
    return False


def _says_denied(text: str) -> bool:
    lowered = text.lower()
    return any(word in lowered for word in PERMISSION_WORDS)


def describe(outcome: Outcome) -> str:
    if isinstance(outcome, BaseException):
        error = getattr(outcome, "error", None)
        if error is not None:
            return f"JSON-RPC error {getattr(error, 'code', '?')}: {getattr(error, 'message', '')}"[:300]
        return f"{type(outcome).__name__}: {outcome}"[:300]
    texts = " ".join(getattr(item, "text", "") or "" for item in getattr(outcome, "content", []))
    return (f"tool error: {texts}" if getattr(outcome, "is_error", False) else "a successful result")[:300]


async def check_rbac_matrix(
    connect: Connect,
    expected: Mapping[str, Mapping[str, bool]],
    *,
    arguments: Mapping[str, dict[str, Any]] | None = None,
    is_permission_error: Callable[[Outcome], bool] = is_permission_error,
) -> Report:
    """Call every tool of the table as every role of it. `connect(role)` opens an MCP session as that role;
    `expected[role][tool]` says whether the call is allowed. Tool schemas (for sample arguments, unless
    `arguments[tool]` is given) come from the union of what the roles list; a listed tool missing from a role's
    row, or a row's tool no role lists, is itself a finding, so the table cannot silently skip a tool."""
    report = Report("RBAC matrix")
    schemas: dict[str, Mapping[str, Any]] = {}
    for role in expected:
        async with connect(role) as session:
            for tool in (await session.list_tools()).tools:
                schemas.setdefault(tool.name, dict(getattr(tool, "input_schema", None) or {"type": "object"}))
    for role, row in expected.items():
        for name in sorted(set(schemas) - set(row)):
            report.add(
                Finding(
                    CHECK,
                    "tool missing from the expected table",
                    Severity.MEDIUM,
                    f"{role} calls {name}",
                    "the server lists it; add it to the table so that it is checked",
                )
            )
        for name in sorted(set(row) - set(schemas)):
            report.add(
                Finding(
                    CHECK,
                    "tool in the table not listed by the server",
                    Severity.MEDIUM,
                    f"{role} calls {name}",
                    "no role's tools/list shows it: a stale table or a lost tool",
                )
            )
    for role, row in expected.items():
        async with connect(role) as session:
            for name, allowed in sorted(row.items()):
                if name not in schemas:
                    continue
                call_arguments = dict((arguments or {}).get(name) or sample_value(schemas[name]))
                outcome = await _call(session, name, call_arguments)
                report.probes += 1
                refused = is_permission_error(outcome)
                if allowed == refused:
                    report.add(_mismatch(role, name, allowed, outcome, call_arguments))
    return report


async def _call(session: McpSession, name: str, arguments: dict[str, Any]) -> Outcome:
    try:
        return await session.call_tool(name, arguments)
    except Exception as error:  # an error is an outcome to compare, not a reason to stop
        return error


def _mismatch(role: str, tool: str, allowed: bool, outcome: Outcome, arguments: dict[str, Any]) -> Finding:
    reproducer = f"as {role}: tools/call {tool} {json.dumps(arguments)}"
    if allowed:
        return Finding(
            CHECK,
            "allowed call refused for permission",
            Severity.MEDIUM,
            f"{role} calls {tool}",
            f"the table allows it; the server answered {describe(outcome)}",
            reproducer,
        )
    return Finding(
        CHECK,
        "denied call not refused for permission",
        Severity.CRITICAL,
        f"{role} calls {tool}",
        f"the table denies it; the server answered {describe(outcome)}",
        reproducer,
    )
