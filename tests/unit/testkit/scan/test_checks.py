"""Each check's verdicts: the definition rules, how answers to valid and invalid arguments are judged, and the
calls and probe the checks make through a session."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import anyio
import pytest

from sentia_testkit.scan import checks
from sentia_testkit.scan.checks import Answer, judge_invalid, judge_valid
from sentia_testkit.scan.results import DEFINITION, INVALID_INPUT, SECURITY, VALID_INPUT
from sentia_testkit.security.findings import Severity

pytestmark = pytest.mark.anyio

WORD = {
    "type": "object",
    "properties": {"word": {"type": "string", "maxLength": 10, "description": "A word."}},
    "required": ["word"],
    "additionalProperties": False,
}
ANNOTATED = SimpleNamespace(read_only_hint=True)


def tool(name: str = "echo", **fields: Any) -> SimpleNamespace:
    defaults = {"description": "Echo.", "input_schema": WORD, "output_schema": None, "annotations": ANNOTATED}
    return SimpleNamespace(name=name, **{**defaults, **fields})


def titles(result: Any) -> list[str]:
    return [finding.title for finding in result.findings]


def test_a_complete_definition_passes():
    assert checks.check_definition(tool()).findings == []


@pytest.mark.parametrize(
    ("fields", "title", "severity"),
    [
        (
            {"input_schema": {"type": "object", "properties": {"n": {"type": "whole", "description": "N."}}}},
            "the input schema is not valid JSON Schema",
            Severity.HIGH,
        ),
        ({"output_schema": {"type": 7}}, "the output schema is not valid JSON Schema", Severity.HIGH),
        ({"input_schema": {"type": "string"}}, "the input schema does not describe an object", Severity.MEDIUM),
        ({"description": "  "}, "the tool has no description", Severity.MEDIUM),
        ({"description": None}, "the tool has no description", Severity.MEDIUM),
        ({"annotations": None}, "the tool has no annotations (readOnlyHint, destructiveHint...)", Severity.MEDIUM),
    ],
)
def test_each_definition_flaw_is_a_finding(fields, title, severity):
    result = checks.check_definition(tool(**fields))
    assert result.check == DEFINITION
    assert [(finding.title, finding.severity) for finding in result.findings] == [(title, severity)]


def test_properties_without_a_description_are_named():
    schema = {
        "type": "object",
        "properties": {
            "plain": {"type": "string"},
            "referenced": {"$ref": "#/$defs/Kind"},
            "dangling": {"$ref": "#/$defs/Missing"},
            "remote": {"$ref": "https://example.com/schema"},
            "odd": True,
            "described": {"type": "string", "description": "Fine."},
        },
        "$defs": {"Kind": {"enum": ["a"], "description": "A kind."}},
    }
    [finding] = checks.check_definition(tool(input_schema=schema)).findings
    assert finding.title == "properties without a description"
    assert finding.detail == "plain, dangling, remote, odd"


def test_properties_that_are_not_a_mapping_make_the_schema_invalid_and_nothing_else():
    result = checks.check_definition(tool(input_schema={"type": "object", "properties": []}))
    assert titles(result) == ["the input schema is not valid JSON Schema"]


def test_schema_validity():
    assert checks.schema_is_valid(tool())
    assert not checks.schema_is_valid(tool(input_schema={"type": "whole"}))
    assert checks.tool_input_schema(SimpleNamespace(inputSchema={"type": "object"})) == {"type": "object"}


@pytest.mark.parametrize(
    ("answer", "title"),
    [
        (Answer("result", "fine"), None),
        (Answer("result", "vendor xero is not configured", is_error=True), None),
        (Answer("timeout", "no answer within 1 s"), "no answer to valid arguments"),
        (Answer("rpc-error", "Internal error", -32603), "JSON-RPC error -32603 on valid arguments"),
        (Answer("rpc-error", "bad params", -32602), "JSON-RPC error -32602 on valid arguments"),
        (Answer("failure", "ValueError: boom"), "the call failed on valid arguments"),
        (Answer("result", 'File "/srv/app.py", line 3', is_error=True), "internal error on valid arguments"),
        (Answer("result", "failed with an internal error", is_error=True), "internal error on valid arguments"),
    ],
)
def test_answers_to_valid_arguments(answer, title):
    finding = judge_valid("echo", {"word": "a"}, answer)
    assert (finding.title if finding else None) == title
    if finding:
        assert finding.check == VALID_INPUT and finding.reproducer == 'tools/call echo {"word": "a"}'


@pytest.mark.parametrize(
    ("answer", "title", "severity"),
    [
        (Answer("result", "word: too long", is_error=True), None, None),
        (Answer("rpc-error", "word: too long", -32602), None, None),
        (Answer("timeout", "no answer within 1 s"), "no answer to invalid arguments", Severity.MEDIUM),
        (Answer("rpc-error", "Internal error", -32603), "JSON-RPC error -32603 on invalid arguments", Severity.HIGH),
        (Answer("failure", "TypeError: x"), "the call failed on invalid arguments", Severity.HIGH),
        (
            Answer("rpc-error", "Traceback (most recent call last)", -32602),
            "invalid arguments reveal internals",
            Severity.HIGH,
        ),
        (Answer("result", "internal server error", is_error=True), "invalid arguments reveal internals", Severity.HIGH),
        (Answer("result", "ok"), "accepted arguments the schema forbids", Severity.LOW),
        (Answer("result", " ", is_error=True), "error without a message", Severity.MEDIUM),
    ],
)
def test_answers_to_invalid_arguments(answer, title, severity):
    finding = judge_invalid("echo", {"word": 7}, answer)
    assert (finding.title if finding else None) == title
    if finding:
        assert finding.check == INVALID_INPUT and finding.severity == severity


class Session:
    """A session answering from a function of (name, arguments), counting calls."""

    def __init__(self, answer: Any, tools: list[Any] | None = None) -> None:
        self.answer = answer
        self.tools = tools or [tool()]
        self.calls: list[dict[str, Any]] = []

    async def list_tools(self) -> Any:
        return SimpleNamespace(tools=self.tools, next_cursor=None)

    async def call_tool(self, name: str, arguments: dict[str, Any] | None = None) -> Any:
        self.calls.append(arguments or {})
        return await self.answer(name, arguments or {})


def text_result(text: str, *, error: bool = False) -> Any:
    return SimpleNamespace(content=[SimpleNamespace(text=text)], is_error=error)


class RpcError(Exception):
    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.error = SimpleNamespace(code=code, message=message)


async def test_call_turns_every_ending_into_an_answer():
    async def ok(name: str, arguments: dict[str, Any]) -> Any:
        return text_result("a", error=True)

    async def rpc(name: str, arguments: dict[str, Any]) -> Any:
        raise RpcError(-32602, "bad word")

    async def broken(name: str, arguments: dict[str, Any]) -> Any:
        raise ConnectionResetError("gone")

    async def slow(name: str, arguments: dict[str, Any]) -> Any:
        await anyio.sleep(5)

    assert await checks.call(Session(ok), "echo", {}, 1) == Answer("result", "a", is_error=True)
    assert await checks.call(Session(rpc), "echo", {}, 1) == Answer("rpc-error", "bad word", -32602)
    assert await checks.call(Session(broken), "echo", {}, 1) == Answer("failure", "ConnectionResetError: gone")
    assert await checks.call(Session(slow), "echo", {}, 0.05) == Answer("timeout", "no answer within 0.05 s")


async def test_check_calls_reports_each_kind_of_finding_once():
    async def leaky(name: str, arguments: dict[str, Any]) -> Any:
        return text_result("Traceback (most recent call last):", error=True)

    session = Session(leaky)
    result = await checks.check_calls(session, tool(), valid=True, max_examples=4, call_timeout=5)
    assert result.calls == len(session.calls) >= 3
    assert titles(result) == ["internal error on valid arguments"]


async def test_check_calls_with_clean_answers_passes():
    async def validating(name: str, arguments: dict[str, Any]) -> Any:
        word = arguments.get("word")
        valid = set(arguments) == {"word"} and isinstance(word, str) and len(word) <= 10
        return text_result(word if valid else "word: a string of at most 10 characters", error=not valid)

    for valid in (True, False):
        result = await checks.check_calls(Session(validating), tool(), valid=valid, max_examples=4, call_timeout=5)
        assert result.ok and result.calls >= 3 and not result.skipped


async def test_check_calls_skips_or_reports_what_cannot_be_generated():
    async def unused(name: str, arguments: dict[str, Any]) -> Any:
        raise AssertionError("no call expected")

    anything = tool(input_schema={"type": "object"})
    skipped = await checks.check_calls(Session(unused), anything, valid=False, max_examples=3, call_timeout=5)
    assert skipped.skipped == "the schema accepts every object" and skipped.calls == 0
    dangling = tool(
        input_schema={"type": "object", "properties": {"x": {"$ref": "#/$defs/Missing"}}, "required": ["x"]}
    )
    nothing = await checks.check_calls(Session(unused), dangling, valid=True, max_examples=3, call_timeout=5)
    assert nothing.skipped == "no arguments could be drawn"
    unsatisfiable = tool(
        input_schema={
            "type": "object",
            "properties": {"s": {"type": "string", "minLength": 3, "maxLength": 1}},
            "required": ["s"],
        }
    )
    failed = await checks.check_calls(Session(unused), unsatisfiable, valid=True, max_examples=3, call_timeout=5)
    assert titles(failed) == ["no arguments could be generated"]


async def test_check_security_runs_the_probe_on_one_tool():
    async def leaky(name: str, arguments: dict[str, Any]) -> Any:
        return text_result(f'File "/srv/{name}.py", line 9', error=True)

    other = tool("other")
    session = Session(leaky, tools=[tool(), other])
    result = await checks.check_security(session, tool(), payloads=1, call_timeout=5)
    assert result.check == SECURITY and result.calls == len(session.calls) > 0
    assert {finding.target for finding in result.findings} == {"echo word"}


async def test_check_security_skips_tools_without_free_text():
    async def unused(name: str, arguments: dict[str, Any]) -> Any:
        raise AssertionError("no call expected")

    flags = tool(input_schema={"type": "object", "properties": {"on": {"type": "boolean"}}})
    result = await checks.check_security(Session(unused, tools=[flags]), flags, payloads=1, call_timeout=5)
    assert result.skipped == "the tool takes no free text"
    impossible = tool(
        input_schema={
            "type": "object",
            "properties": {"s": {"type": "string", "maxLength": 0, "minLength": 2}},
            "required": ["s"],
        }
    )
    result = await checks.check_security(Session(unused, tools=[impossible]), impossible, payloads=1, call_timeout=5)
    assert result.skipped.startswith("no valid base arguments: ")
