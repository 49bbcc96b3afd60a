"""The shared AI machinery on its own: the strict schema, what a violation says, prices, prompts, the vendors'
error messages, and usage recording that survives a database outage."""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace
from typing import Any, Literal, cast

import anthropic
import httpx2
import openai
import pytest
from mcp.server.mcpserver.exceptions import ToolError
from prometheus_client import CollectorRegistry
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from sentia_server.ai.exchange import Answer, AnthropicExchange, Prompt, _from_chat, _from_tool
from sentia_server.ai.pricing import cost_of, price_of
from sentia_server.ai.prompts import MAX_PROMPT_CHARS, build_prompt
from sentia_server.ai.schema import describe_violation, strict_schema
from sentia_server.ai.sources.access import require
from sentia_server.ai.usage import AiCaller, UsageTally, record_usage
from sentia_server.auth.permissions import Permission
from sentia_server.auth.principal import AuthMethod, Principal, Role
from sentia_server.integrations.anthropic import ToolAnswer
from sentia_server.integrations.anthropic import errors as anthropic_errors
from sentia_server.integrations.http import VendorError
from sentia_server.integrations.openai import ChatAnswer
from sentia_server.integrations.openai import client as openai_client
from sentia_server.integrations.openai import errors as openai_errors
from sentia_server.integrations.settings import AnthropicSettings, ModelPrice, OpenAISettings
from sentia_server.observability.metrics import ServerMetrics

REQUEST = httpx2.Request("POST", "https://api.test/v1/x")


class Inner(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: str = Field(min_length=1, max_length=10, description="A title")


class Outer(BaseModel):
    """The outer structure.

    Second line."""

    model_config = ConfigDict(extra="forbid")

    inner: Inner = Field(description="Nested")
    level: Literal["a", "b"] = "a"
    items: list[int] = Field(default_factory=list, max_length=2)


def test_the_strict_schema_requires_every_property_and_forbids_others():
    schema = strict_schema(Outer)
    assert schema["required"] == ["inner", "level", "items"] and schema["additionalProperties"] is False
    inner = schema["properties"]["inner"]
    assert inner["required"] == ["title"] and inner["additionalProperties"] is False
    assert inner["properties"]["title"] == {"description": "A title", "type": "string"}
    assert inner["description"] == "Nested" and "$defs" not in schema
    assert "default" not in schema["properties"]["level"] and "title" not in schema
    assert schema["properties"]["items"]["maxItems"] == 2


def test_a_violation_names_each_field_and_stops_after_five():
    with pytest.raises(ValidationError) as caught:
        Outer.model_validate({"inner": {"title": ""}, "level": "c", "items": ["x", "y"], "more": 1, "x": 2})
    text = describe_violation(caught.value)
    assert text.startswith("inner.title: String should have at least 1 character; level: Input should be 'a' or 'b'")
    assert text.endswith("; and 1 more")


def test_prices_are_per_million_tokens_and_unknown_models_cost_nothing():
    prices = {"m": ModelPrice(input_per_million=Decimal("2.5"), output_per_million=Decimal(10))}
    assert price_of(prices, "x", "m") is prices["m"] and price_of(prices, "x") is None
    cost = cost_of(prices, "openai", "m", "m-2026", 1_000_000, 3)
    assert (cost.usd, cost.price_known, cost.note) == (Decimal("2.500030"), True, None)
    unknown = cost_of(prices, "openai", "y", "y", 10, 10)
    assert (unknown.usd, unknown.price_known) == (Decimal(0), False)
    assert unknown.note is not None and unknown.note.endswith("set SENTIA_OPENAI__PRICES")


def test_a_prompt_carries_the_figures_and_marks_caller_material():
    prompt = build_prompt(
        name="openai-x", task="Do it.", options={"audience": "board"}, data={"n": 1}, output=Outer, material="Hi"
    )
    assert (prompt.name, prompt.description) == ("openai_x", "The outer structure.")
    assert '<data>\n{"n": 1}\n</data>' in prompt.user and "<caller_material>\nHi\n</caller_material>" in prompt.user
    assert "Never calculate, estimate, extrapolate or invent a number" in prompt.system
    with pytest.raises(ToolError, match=f"more than the {MAX_PROMPT_CHARS} allowed; choose a shorter period"):
        build_prompt(name="t", task="x", options={}, data={"x": "y" * MAX_PROMPT_CHARS}, output=Outer)


def test_answers_are_read_per_vendor():
    chat = _from_chat(
        ChatAnswer(content=None, refusal=None, finish_reason="stop", model="m", prompt_tokens=1, completion_tokens=2)
    )
    assert chat.problem == "the answer is not JSON (Expecting value at character 0)."
    tool = _from_tool(ToolAnswer(None, None, "", "model_context_window_exceeded", "m", 1, 1))
    assert (tool.stop, tool.data) == ("truncated", None)


def test_a_correction_before_any_answer_changes_nothing():
    prompt = Prompt(system="s", user="u", name="n", description="d", schema={})
    exchange = AnthropicExchange(client=cast(Any, None), settings=AnthropicSettings(api_key="k"), prompt=prompt)
    exchange.correct(Answer(None, "x", "complete", None, "m", 0, 0), "problem")
    assert exchange.conversation.messages == [{"role": "user", "content": "u"}]


@pytest.mark.parametrize(
    ("module", "status", "fragment"),
    [
        (openai_errors, 403, "openai: refused access: nope (HTTP 403); the key's project may not use this model"),
        (openai_errors, 422, "openai: refused the request: nope (HTTP 422)"),
        (anthropic_errors, 403, "anthropic: refused access: nope (HTTP 403)"),
        (anthropic_errors, 413, "anthropic: refused a request that is too large: nope (HTTP 413); pass less data"),
        (anthropic_errors, 400, "anthropic: refused the request: nope (HTTP 400)"),
    ],
)
def test_status_errors_say_what_to_do(module, status, fragment):
    sdk = openai if module is openai_errors else anthropic
    response = httpx2.Response(status, request=REQUEST)
    body = {"message": "nope"} if module is openai_errors else {"type": "error", "error": {"message": "nope"}}
    error = sdk.APIStatusError("x", response=response, body=body)
    assert str(module.status_error(error, None)).startswith(fragment)


def test_vendor_messages_are_short_and_never_show_the_key():
    assert openai_errors.vendor_message({"message": "bad key sk-123 " + "x" * 400}, "sk-123").startswith(
        "bad key *** x"
    )
    assert len(openai_errors.vendor_message({"message": "y" * 400}, None)) == 300
    assert openai_errors.vendor_message("plain text", None) == "(no message)"
    assert anthropic_errors.vendor_message(["list"], "k") == "(no message)"


@pytest.mark.parametrize("module", [openai_errors, anthropic_errors])
def test_connection_errors_keep_the_http_layers_own_error(module):
    sdk = openai if module is openai_errors else anthropic
    vendor = module.VENDOR
    assert str(module.unreachable(sdk.APITimeoutError(request=REQUEST))).startswith(f"{vendor}: did not answer in time")
    assert str(module.unreachable(sdk.APIConnectionError(request=REQUEST))).startswith(
        f"{vendor}: could not be reached"
    )
    wrapped = sdk.APIConnectionError(request=REQUEST)
    wrapped.__cause__ = VendorError(vendor, "had a server error", status=503)
    assert str(module.unreachable(wrapped)) == f"{vendor}: had a server error (HTTP 503)"


def test_a_completion_without_choices_or_usage():
    completion = openai.types.chat.ChatCompletion.model_construct(
        id="x", choices=[], created=0, model="m", object="chat.completion"
    )
    with pytest.raises(VendorError, match="not a valid chat completion"):
        openai_client._answer(completion)
    message = openai.types.chat.ChatCompletionMessage(role="assistant", content="{}")
    choice = openai.types.chat.chat_completion.Choice(index=0, finish_reason="stop", message=message)
    bare = openai.types.chat.ChatCompletion(id="x", choices=[choice], created=0, model="m", object="chat.completion")
    assert (openai_client._answer(bare).prompt_tokens, openai_client._answer(bare).completion_tokens) == (0, 0)


def test_an_ai_tool_reads_only_what_its_caller_may():
    viewer = Principal(subject="v", role=Role.VIEWER, tenant="acme", auth_method=AuthMethod.API_KEY)
    with pytest.raises(ToolError, match="reading Xero reports needs permission 'financial:read', which role 'viewer'"):
        require(cast(Any, SimpleNamespace(principal=viewer)), Permission.FINANCIAL_READ, "Xero reports")


class _RecordingLog:
    """Stands in for the module's structlog logger, which may already be bound and cached by an earlier test's
    logging configuration (so structlog.testing.capture_logs would not see its events)."""

    def __init__(self) -> None:
        self.entries: list[dict[str, Any]] = []

    def warning(self, event: str, **values: Any) -> None:
        self.entries.append({"event": event, "level": "warning", **values})

    def error(self, event: str, **values: Any) -> None:
        self.entries.append({"event": event, "level": "error", **values})


@pytest.mark.anyio
async def test_usage_that_cannot_be_recorded_is_logged_not_raised(monkeypatch):
    from sentia_server.ai import usage as usage_module

    recorder = _RecordingLog()
    monkeypatch.setattr(usage_module, "log", recorder)

    class Broken:
        def session(self) -> None:
            raise ConnectionError("database down")

    metrics = ServerMetrics(CollectorRegistry())
    runtime = cast(Any, SimpleNamespace(database=Broken(), metrics=metrics))
    caller = AiCaller(runtime=runtime, tool="t", tenant="acme", subject="s", request_id=None)
    tally = UsageTally("openai", OpenAISettings(api_key="k"), attempts=1, input_tokens=5, output_tokens=1)
    await record_usage(caller, tally, "success")
    logs = recorder.entries
    assert [entry["event"] for entry in logs] == ["ai call priced at 0: no price configured", "ai usage not recorded"]
    assert logs[1]["error_type"] == "ConnectionError"
    labels = {"provider": "openai", "model": tally.settings.model}
    assert metrics.registry.get_sample_value("sentia_mcp_ai_tokens_total", {**labels, "direction": "input"}) == 5
    assert metrics.registry.get_sample_value("sentia_mcp_ai_cost_usd_total", labels) == 0
