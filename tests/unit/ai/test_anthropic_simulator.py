"""The Anthropic simulator: its answers parse with the official SDK's own types and through the SDK client
itself; it checks keys, API versions, models and parameters as Anthropic does, answers in Anthropic's error shape,
calls tools with inputs built from their schemas, and serves canned answers, faults and rate limits."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import anthropic
import httpx
import httpx2
import jsonschema
import pytest
from anthropic.types import Message, ModelInfo

from sentia_testkit.simulators.anthropic import API_KEY, WORKSPACE, AnthropicSimulator
from sentia_testkit.simulators.openai.synthesis import count_tokens, prompt_tokens
from sentia_testkit.simulators.server import SimulatorApp

pytestmark = pytest.mark.anyio

BASE = "https://api.anthropic.test"
NEW, OLD = "2026-10-21", "2023-06-01"
SCHEMA = {
    "type": "object",
    "properties": {
        "summary": {"type": "string", "description": "The summary"},
        "risk": {"anyOf": [{"type": "string", "enum": ["low", "high"]}, {"type": "null"}]},
    },
    "required": ["summary", "risk"],
}
TOOL = {"name": "record_analysis", "description": "Record it", "input_schema": SCHEMA}


class Clock:
    def __init__(self) -> None:
        self.now = 1_700_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def sim(clock: Clock) -> AnthropicSimulator:
    return AnthropicSimulator(clock=clock)


@pytest.fixture
async def client(sim: AnthropicSimulator) -> AsyncIterator[anthropic.AsyncAnthropic]:
    async with httpx2.AsyncClient(transport=sim.sdk_transport()) as http:
        yield anthropic.AsyncAnthropic(
            api_key=API_KEY, base_url=BASE, http_client=http, max_retries=0, _strict_response_validation=True
        )


def message(**extra: Any) -> dict[str, Any]:
    return {
        "model": "claude-sonnet-4-6",
        "max_tokens": 1000,
        "messages": [{"role": "user", "content": "Assess Sentia's gin pricing"}],
        **extra,
    }


def post(sim: AnthropicSimulator, path: str, body: Any, *, version: str | None = NEW, **headers: str) -> httpx.Response:
    sent = {"x-api-key": API_KEY, **headers}
    if version:
        sent["anthropic-version"] = version
    return sim.handle(httpx.Request("POST", f"{BASE}{path}", json=body, headers=sent))


async def test_a_forced_tool_call_carries_an_input_built_from_the_schema(client):
    answer = await client.messages.create(
        **message(tools=[TOOL], tool_choice={"type": "tool", "name": "record_analysis"})
    )
    [call] = answer.content
    assert call.type == "tool_use" and call.name == "record_analysis"
    jsonschema.validate(call.input, SCHEMA)
    assert str(call.input["summary"]).startswith("[simulated] The summary (")
    assert answer.stop_reason == "tool_use"
    assert answer.usage.input_tokens == prompt_tokens(["Assess Sentia's gin pricing"], [TOOL])
    assert answer.usage.output_tokens == count_tokens(json.dumps(call.input))


def test_the_body_is_a_message_and_deterministic(sim):
    body = message(system="You are brief.", tools=[TOOL], tool_choice={"type": "any"})
    first = post(sim, "/v1/messages", body)
    parsed = Message.model_validate(first.json())
    assert parsed.content[0].type == "tool_use"
    assert post(sim, "/v1/messages", body).json()["content"] == first.json()["content"]
    assert first.headers["anthropic-organization-id"] == sim.backend.organization["id"]
    assert first.headers["request-id"].startswith("req_")
    assert first.headers["anthropic-ratelimit-requests-limit"] == "50"
    assert sim.usage(WORKSPACE)["claude-sonnet-4-6"].requests == 2


def test_without_tools_the_answer_is_simulated_text(sim):
    answer = Message.model_validate(post(sim, "/v1/messages", message()).json())
    assert answer.content[0].type == "text"
    assert answer.stop_reason == "end_turn"
    cut = post(sim, "/v1/messages", message(max_tokens=2)).json()
    assert cut["stop_reason"] == "max_tokens" and len(cut["content"][0]["text"]) == 8
    none = post(sim, "/v1/messages", message(tools=[TOOL], tool_choice={"type": "none"})).json()
    assert none["content"][0]["type"] == "text"


def test_queued_answers_come_first(sim):
    sim.queue_completion(tool_input={"summary": "Priced above rivals", "risk": "low"}, input_tokens=11, output_tokens=7)
    sim.queue_completion("I would rather not.", stop_reason="refusal")
    sim.queue_completion(tool_input={"summary": "x"})  # no tool requested: answered as text
    called = post(sim, "/v1/messages", message(tools=[TOOL], tool_choice={"type": "tool", "name": "record_analysis"}))
    assert called.json()["content"][0]["input"] == {"summary": "Priced above rivals", "risk": "low"}
    assert called.json()["usage"]["input_tokens"] == 11 and called.json()["usage"]["output_tokens"] == 7
    refused = Message.model_validate(post(sim, "/v1/messages", message()).json())
    assert (refused.stop_reason, refused.content[0].type) == ("refusal", "text")
    assert post(sim, "/v1/messages", message()).json()["content"] == [{"type": "text", "text": ""}]


def test_a_tool_result_must_answer_a_tool_use_of_the_previous_turn(sim):
    first = post(sim, "/v1/messages", message(tools=[TOOL], tool_choice={"type": "any"})).json()
    use = first["content"][0]
    turns = [
        {"role": "user", "content": "Assess"},
        {"role": "assistant", "content": [use]},
        {
            "role": "user",
            "content": [
                {
                    "type": "tool_result",
                    "tool_use_id": use["id"],
                    "is_error": True,
                    "content": "risk must be low or high",
                }
            ],
        },
    ]
    assert post(sim, "/v1/messages", message(messages=turns, tools=[TOOL])).status_code == 200
    turns[2]["content"][0]["tool_use_id"] = "toolu_unknown"
    refused = post(sim, "/v1/messages", message(messages=turns, tools=[TOOL]))
    assert refused.status_code == 400
    assert "unexpected `tool_use_id` found in `tool_result` blocks: toolu_unknown" in refused.json()["error"]["message"]


@pytest.mark.parametrize(
    ("body", "version", "status", "kind", "message_text"),
    [
        (message(temperature=0.2), NEW, 400, "invalid_request_error", "temperature: Extra inputs are not permitted"),
        (message(top_k=5), NEW, 400, "invalid_request_error", "top_k: Extra inputs are not permitted"),
        (
            message(model="claude-sonnet-5-5", temperature=0.2),
            OLD,
            400,
            "invalid_request_error",
            "temperature is deprecated for this model",
        ),
        (message(model="claude-nope"), NEW, 404, "not_found_error", "model: claude-nope"),
        ({"max_tokens": 10, "messages": []}, NEW, 400, "invalid_request_error", "model: Field required"),
        (message(messages=[]), NEW, 400, "invalid_request_error", "at least one message is required"),
        (message(messages=[{"role": "system", "content": "x"}]), NEW, 400, "invalid_request_error", "messages.0.role"),
        (message(max_tokens=0), NEW, 400, "invalid_request_error", "max_tokens: Field required"),
        (message(max_tokens=200_000), NEW, 400, "invalid_request_error", "which is the maximum allowed"),
        (
            message(tools=[TOOL], tool_choice={"type": "tool", "name": "other"}),
            NEW,
            400,
            "invalid_request_error",
            "Tool 'other' not found in tools",
        ),
        (message(), None, 400, "invalid_request_error", "anthropic-version: header is required"),
        (message(), "2020-01-01", 400, "invalid_request_error", "anthropic-version: invalid version"),
    ],
)
def test_requests_anthropic_refuses_are_refused_in_its_error_shape(sim, body, version, status, kind, message_text):
    response = post(sim, "/v1/messages", body, version=version)
    assert response.status_code == status
    payload = response.json()
    assert payload["type"] == "error" and payload["request_id"].startswith("req_")
    assert payload["error"]["type"] == kind
    assert message_text in payload["error"]["message"]


def test_the_older_api_version_accepts_a_temperature_and_an_alias(sim):
    response = post(sim, "/v1/messages", message(model="claude-haiku-4-5", temperature=0.2), version=OLD)
    assert response.status_code == 200
    assert response.json()["model"] == "claude-haiku-4-5-20251001"


@pytest.mark.parametrize(
    ("content", "path"), [(b"{", "/v1/messages"), (b"[]", "/v1/messages"), (b"{", "/v1/messages/count_tokens")]
)
def test_a_body_that_is_not_a_json_object_is_a_400(sim, content, path):
    request = httpx.Request(
        "POST", f"{BASE}{path}", content=content, headers={"x-api-key": API_KEY, "anthropic-version": NEW}
    )
    assert sim.handle(request).json()["error"]["message"] == "The request body is not valid JSON."


def test_streaming_is_not_simulated(sim):
    assert post(sim, "/v1/messages", message(stream=True)).status_code == 501


@pytest.mark.parametrize(
    "headers",
    [{"x-api-key": "sk-ant-wrong"}, {"authorization": "Bearer sk-ant-wrong"}, {"authorization": "Basic x"}, {}],
)
def test_a_bad_key_gets_anthropics_401(sim, headers):
    sent = {"anthropic-version": NEW, **headers}
    response = sim.handle(httpx.Request("POST", f"{BASE}/v1/messages", json=message(), headers=sent))
    assert response.status_code == 401
    assert response.json()["error"] == {"type": "authentication_error", "message": "invalid x-api-key"}


async def test_the_sdks_bearer_key_is_accepted_and_a_wrong_one_is_an_authentication_error(sim):
    async with httpx2.AsyncClient(transport=sim.sdk_transport()) as http:
        good = anthropic.AsyncAnthropic(api_key=API_KEY, base_url=BASE, http_client=http, max_retries=0)
        assert (await good.messages.create(**message())).content[0].type == "text"
        sent = sim.requests[-1].headers
        assert sent["authorization"] == f"Bearer {API_KEY}" and sent["anthropic-version"] == NEW
        bad = anthropic.AsyncAnthropic(api_key="sk-ant-wrong", base_url=BASE, http_client=http, max_retries=0)
        with pytest.raises(anthropic.AuthenticationError) as caught:
            await bad.messages.create(**message())
    assert caught.value.status_code == 401


def test_a_workspace_over_its_requests_per_minute_gets_a_429_until_the_window_moves(sim, clock):
    for _ in range(50):
        assert post(sim, "/v1/messages", message()).status_code == 200
    refused = post(sim, "/v1/messages", message())
    assert refused.status_code == 429
    assert refused.json()["error"]["type"] == "rate_limit_error"
    assert float(refused.headers["retry-after"]) == 60.0
    clock.now += 61
    assert post(sim, "/v1/messages", message()).status_code == 200


async def test_injected_faults_are_in_anthropics_shape(client, sim):
    sim.rate_limit("messages", retry_after=3)
    with pytest.raises(anthropic.RateLimitError) as limited:
        await client.messages.create(**message())
    assert limited.value.response.headers["retry-after"] == "3"
    sim.overloaded("messages")
    with pytest.raises(anthropic.APIStatusError) as overloaded:
        await client.messages.create(**message())
    assert overloaded.value.status_code == 529
    sim.server_error("messages")
    with pytest.raises(anthropic.InternalServerError):
        await client.messages.create(**message())
    sim.faults.timeout("messages")
    with pytest.raises(anthropic.APITimeoutError):
        await client.messages.create(**message())


async def test_tokens_are_counted_and_models_listed(client, sim):
    counted = await client.messages.count_tokens(
        model="claude-sonnet-4-6", system="Be brief.", messages=[{"role": "user", "content": "Hello"}]
    )
    assert counted.input_tokens == prompt_tokens(["Be brief.", "Hello"])
    listed = [model.id async for model in await client.models.list()]
    assert listed == ["claude-sonnet-4-6", "claude-haiku-4-5-20251001", "claude-sonnet-5-5", "claude-opus-4-7"]
    assert (await client.models.retrieve("claude-haiku-4-5")).display_name == "Claude Haiku 4.5"
    with pytest.raises(anthropic.NotFoundError):
        await client.models.retrieve("claude-nope")
    raw = sim.handle(
        httpx.Request(
            "GET", f"{BASE}/v1/models/claude-opus-4-7", headers={"x-api-key": API_KEY, "anthropic-version": NEW}
        )
    )
    assert ModelInfo.model_validate(raw.json()).lifecycle == "active"
    assert post(sim, "/v1/messages/count_tokens", {"messages": []}).status_code == 400


async def test_the_sdk_reaches_the_simulator_served_by_simulator_app(sim):
    app = SimulatorApp({"anthropic": sim})
    settings = sim.server_settings("http://testserver/anthropic/")
    async with httpx2.AsyncClient(transport=httpx2.ASGITransport(app=app)) as http:
        client = anthropic.AsyncAnthropic(
            api_key=settings["SENTIA_ANTHROPIC__API_KEY"],
            base_url=settings["SENTIA_ANTHROPIC__BASE_URL"],
            http_client=http,
            max_retries=0,
        )
        answer = await client.messages.create(**message(tools=[TOOL], tool_choice={"type": "any"}))
    jsonschema.validate(answer.model_dump()["content"][0]["input"], SCHEMA)
    assert settings == {
        "SENTIA_ANTHROPIC__API_KEY": API_KEY,
        "SENTIA_ANTHROPIC__BASE_URL": "http://testserver/anthropic",
    }


def test_reset_forgets_usage_queue_and_faults(sim):
    sim.queue_completion("x")
    post(sim, "/v1/messages", message())
    sim.overloaded()
    sim.reset()
    assert list(sim.backend.queue) == [] and sim.faults.pending() == 0
    assert sim.usage() == {} and sim.requests == []
