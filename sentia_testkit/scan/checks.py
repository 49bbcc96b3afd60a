"""The checks a scan runs on each tool: its definition, calls with valid arguments, calls with invalid ones, and the
security payload probe.

Valid arguments may still meet a tool error (a vendor not configured, a record not found): that is an answer, as
long as it is clean. Invalid arguments must meet a tool error or a JSON-RPC invalid-params error whose text shows no
internals. A traceback, a file path or an admitted internal error is always a finding.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import anyio
from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError

from sentia_testkit.scan.generate import GenerationError, generate_arguments
from sentia_testkit.scan.results import DEFINITION, INVALID_INPUT, SECURITY, VALID_INPUT, CheckResult
from sentia_testkit.security import evidence
from sentia_testkit.security.findings import Finding, Severity
from sentia_testkit.security.probe import McpSession, ProbeOptions, probe_mcp
from sentia_testkit.security.schemas import SchemaError as SampleError
from sentia_testkit.security.schemas import resolve

JSONRPC_INVALID_PARAMS = -32602


@dataclass(frozen=True)
class Answer:
    """How a call ended: a result (`is_error` or not), a JSON-RPC error (`code`), a failure, or no answer."""

    kind: str
    text: str = ""
    code: int | None = None
    is_error: bool = False


def tool_input_schema(tool: Any) -> dict[str, Any]:
    return dict(getattr(tool, "input_schema", None) or getattr(tool, "inputSchema", None) or {})


def check_definition(tool: Any) -> CheckResult:
    """A valid Draft 2020-12 input (and output) schema of type object, and a description on the tool and on each
    property, and annotations."""
    result = CheckResult(tool.name, DEFINITION)
    schema = tool_input_schema(tool)

    def add(title: str, severity: Severity, detail: str = "") -> None:
        result.findings.append(Finding(DEFINITION, title, severity, tool.name, detail))

    schemas = {"input": schema, "output": getattr(tool, "output_schema", None)}
    for which, candidate in schemas.items():
        if candidate is None:
            continue
        try:
            Draft202012Validator.check_schema(dict(candidate))
        except SchemaError as error:
            add(f"the {which} schema is not valid JSON Schema", Severity.HIGH, error.message[:300])
    if schema.get("type") != "object":
        add("the input schema does not describe an object", Severity.MEDIUM, f"type is {schema.get('type')!r}")
    if not (getattr(tool, "description", None) or "").strip():
        add("the tool has no description", Severity.MEDIUM)
    undescribed = [name for name, child in _properties(schema).items() if not _described(child, schema)]
    if undescribed:
        add("properties without a description", Severity.MEDIUM, ", ".join(undescribed))
    if getattr(tool, "annotations", None) is None:
        add("the tool has no annotations (readOnlyHint, destructiveHint...)", Severity.MEDIUM)
    return result


def _properties(schema: Mapping[str, Any]) -> Mapping[str, Any]:
    properties = schema.get("properties")
    return properties if isinstance(properties, Mapping) else {}


def _described(child: Any, root: Mapping[str, Any]) -> bool:
    if not isinstance(child, Mapping):
        return False
    if str(child.get("description", "")).strip():
        return True
    try:
        return bool(str(resolve(child, root).get("description", "")).strip())
    except (SampleError, KeyError, TypeError):
        return False


def schema_is_valid(tool: Any) -> bool:
    try:
        Draft202012Validator.check_schema(tool_input_schema(tool))
    except SchemaError:
        return False
    return True


async def call(session: McpSession, name: str, arguments: dict[str, Any], call_timeout: float) -> Answer:
    try:
        with anyio.fail_after(call_timeout):
            result = await session.call_tool(name, arguments)
    except TimeoutError:
        return Answer("timeout", f"no answer within {call_timeout:g} s")
    except Exception as error:  # the scan reports every failure instead of stopping at the first
        code = getattr(getattr(error, "error", None), "code", getattr(error, "code", None))
        text = str(getattr(getattr(error, "error", None), "message", error))
        if isinstance(code, int):
            return Answer("rpc-error", text, code)
        return Answer("failure", f"{type(error).__name__}: {text}")
    texts = [str(getattr(item, "text", "") or "") for item in getattr(result, "content", [])]
    return Answer("result", "\n".join(texts), is_error=bool(getattr(result, "is_error", False)))


def _reproducer(name: str, arguments: Any) -> str:
    return f"tools/call {name} {json.dumps(arguments, ensure_ascii=True)}"


def _internals(answer: Answer) -> str | None:
    """What in the answer's text shows internals: a leaked trace or path, or an admitted internal error."""
    leaked = evidence.leaks(answer.text)
    if leaked is not None:
        return f"shows {leaked!r}"
    if answer.kind == "result" and answer.is_error and evidence.admits_internal_error(answer.text):
        return "admits an internal error"
    return None


def judge_valid(name: str, arguments: dict[str, Any], answer: Answer) -> Finding | None:
    """Valid arguments: any answer but a protocol error, a failure, silence or internals."""
    reproducer = _reproducer(name, arguments)
    if answer.kind == "timeout":
        return Finding(VALID_INPUT, "no answer to valid arguments", Severity.MEDIUM, name, answer.text, reproducer)
    if answer.kind in ("rpc-error", "failure"):
        what = f"JSON-RPC error {answer.code}" if answer.code is not None else "the call failed"
        return Finding(VALID_INPUT, f"{what} on valid arguments", Severity.HIGH, name, answer.text[:300], reproducer)
    internals = _internals(answer)
    if internals is not None:
        detail = f"{internals}: {answer.text[:300]}"
        return Finding(VALID_INPUT, "internal error on valid arguments", Severity.HIGH, name, detail, reproducer)
    return None


def judge_invalid(name: str, arguments: dict[str, Any], answer: Answer) -> Finding | None:
    """Schema-violating arguments: a clean tool error or a JSON-RPC invalid-params error, nothing else."""
    reproducer = _reproducer(name, arguments)
    if answer.kind == "timeout":
        return Finding(INVALID_INPUT, "no answer to invalid arguments", Severity.MEDIUM, name, answer.text, reproducer)
    if answer.kind == "failure" or (answer.kind == "rpc-error" and answer.code != JSONRPC_INVALID_PARAMS):
        what = f"JSON-RPC error {answer.code}" if answer.code is not None else "the call failed"
        detail = answer.text[:300]
        return Finding(INVALID_INPUT, f"{what} on invalid arguments", Severity.HIGH, name, detail, reproducer)
    internals = _internals(answer)
    if internals is not None:
        detail = f"{internals}: {answer.text[:300]}"
        return Finding(INVALID_INPUT, "invalid arguments reveal internals", Severity.HIGH, name, detail, reproducer)
    if answer.kind == "result" and not answer.is_error:
        # Lenient, not unsafe (pydantic turns 0.0 into False): shown, and failing only with `fail_on=low`.
        return Finding(INVALID_INPUT, "accepted arguments the schema forbids", Severity.LOW, name, "", reproducer)
    if not answer.text.strip():
        return Finding(INVALID_INPUT, "error without a message", Severity.MEDIUM, name, "", reproducer)
    return None


async def check_calls(
    session: McpSession, tool: Any, *, valid: bool, max_examples: int, call_timeout: float
) -> CheckResult:
    """Call the tool with generated arguments (valid or schema-violating) and judge each answer."""
    check = VALID_INPUT if valid else INVALID_INPUT
    result = CheckResult(tool.name, check)
    try:
        cases = generate_arguments(tool_input_schema(tool), valid=valid, max_examples=max_examples)
    except GenerationError as error:
        result.findings.append(
            Finding(check, "no arguments could be generated", Severity.MEDIUM, tool.name, str(error))
        )
        return result
    if not cases:
        result.skipped = "no arguments could be drawn" if valid else "the schema accepts every object"
        return result
    judge = judge_valid if valid else judge_invalid
    seen: set[str] = set()
    for arguments in cases:
        result.calls += 1
        finding = judge(tool.name, arguments, await call(session, tool.name, arguments, call_timeout))
        if finding is not None and finding.title not in seen:
            seen.add(finding.title)
            result.findings.append(finding)
    return result


async def check_security(session: McpSession, tool: Any, *, payloads: int, call_timeout: float) -> CheckResult:
    """The security suite's payload probe, on this tool only."""
    result = CheckResult(tool.name, SECURITY)
    try:
        report = await probe_mcp(session, ProbeOptions(per_category=payloads, timeout=call_timeout), tools=[tool.name])
    except SampleError as error:
        result.skipped = f"no valid base arguments: {error}"
        return result
    result.calls = report.probes
    result.findings.extend(report.findings)
    if not report.probes:
        result.skipped = "the tool takes no free text"
    return result
