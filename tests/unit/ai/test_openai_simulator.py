"""The OpenAI simulator: its answers parse with the official SDK's own types and through the SDK client itself;
it checks keys, models and parameters as OpenAI does, answers in OpenAI's error shape, counts tokens by its
documented rule, and serves canned answers, faults and rate limits."""

from __future__ import annotations

import base64
import json
import math
import struct
from collections.abc import AsyncIterator
from typing import Any

import httpx
import httpx2
import jsonschema
import openai
import pytest
from openai.types import CreateEmbeddingResponse, Model
from openai.types.chat import ChatCompletion
from openai.types.responses import Response

from sentia_testkit.simulators.openai import API_KEY, ORGANIZATION, PROJECT, OpenAISimulator
from sentia_testkit.simulators.openai.synthesis import count_tokens, prompt_tokens
from sentia_testkit.simulators.server import SimulatorApp

pytestmark = pytest.mark.anyio

BASE = "https://api.openai.test/v1"
SCHEMA = {
    "type": "object",
    "properties": {
        "headline": {"type": "string", "description": "A headline"},
        "priority": {"type": "string", "enum": ["high", "low"]},
        "scores": {"type": "array", "items": {"type": "integer", "minimum": 3}, "minItems": 2},
    },
    "required": ["headline", "priority", "scores"],
    "additionalProperties": False,
}
STRUCTURED = {"type": "json_schema", "json_schema": {"name": "pitch", "strict": True, "schema": SCHEMA}}


class Clock:
    def __init__(self) -> None:
        self.now = 1_700_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def sim(clock: Clock) -> OpenAISimulator:
    return OpenAISimulator(clock=clock)


@pytest.fixture
async def client(sim: OpenAISimulator) -> AsyncIterator[openai.AsyncOpenAI]:
    async with httpx2.AsyncClient(transport=sim.sdk_transport()) as http:
        yield openai.AsyncOpenAI(
            api_key=API_KEY, base_url=BASE, http_client=http, max_retries=0, _strict_response_validation=True
        )


def post(sim: OpenAISimulator, path: str, body: Any, key: str = API_KEY, **headers: str) -> httpx.Response:
    request = httpx.Request("POST", f"{BASE}{path}", json=body, headers={"authorization": f"Bearer {key}", **headers})
    return sim.handle(request)


def chat(**extra: Any) -> dict[str, Any]:
    return {"model": "gpt-5.4-mini", "messages": [{"role": "user", "content": "Pitch Sentia Gold"}], **extra}


async def test_a_structured_answer_follows_the_schema_and_parses_with_the_sdk(client):
    completion = await client.chat.completions.create(**chat(response_format=STRUCTURED))
    answer = json.loads(completion.choices[0].message.content or "")
    jsonschema.validate(answer, SCHEMA)
    assert answer["headline"].startswith("[simulated] A headline (")
    assert (answer["priority"], answer["scores"]) == ("high", [3, 3])
    assert completion.choices[0].finish_reason == "stop"


def test_the_body_is_a_chat_completion_with_usage_by_the_token_rule(sim):
    response = post(sim, "/chat/completions", chat(response_format=STRUCTURED))
    completion = ChatCompletion.model_validate(response.json())
    content = completion.choices[0].message.content or ""
    assert completion.usage is not None
    assert completion.usage.prompt_tokens == prompt_tokens(["Pitch Sentia Gold"], SCHEMA)
    assert completion.usage.completion_tokens == count_tokens(content)
    assert (
        post(sim, "/chat/completions", chat(response_format=STRUCTURED)).json()["choices"] == response.json()["choices"]
    )
    assert response.headers["x-request-id"].startswith("req_")
    assert response.headers["openai-organization"] == ORGANIZATION
    assert sim.usage()["gpt-5.4-mini"].requests == 2


def test_plain_text_function_calls_and_json_mode(sim):
    text = post(sim, "/chat/completions", chat()).json()["choices"][0]
    assert text["message"]["content"].startswith("[simulated] Reply ")
    assert text["message"]["content"].endswith("to: Pitch Sentia Gold")
    tools = [
        {"type": "function", "function": {"name": "first", "parameters": {"type": "object", "properties": {}}}},
        {
            "type": "function",
            "function": {"name": "price", "parameters": {"type": "object", "properties": {"sku": {"type": "string"}}}},
        },
    ]
    named = {"type": "function", "function": {"name": "price"}}
    called = post(sim, "/chat/completions", chat(tools=tools, tool_choice=named)).json()
    ChatCompletion.model_validate(called)
    choice = called["choices"][0]
    assert choice["finish_reason"] == "tool_calls"
    assert choice["message"]["tool_calls"][0]["function"]["name"] == "price"
    assert "sku" in json.loads(choice["message"]["tool_calls"][0]["function"]["arguments"])
    first = post(sim, "/chat/completions", chat(tools=tools)).json()["choices"][0]["message"]
    assert first["tool_calls"][0]["function"]["name"] == "first"
    none = post(sim, "/chat/completions", chat(tools=tools, tool_choice="none")).json()["choices"][0]
    assert none["finish_reason"] == "stop"
    mode = post(sim, "/chat/completions", chat(response_format={"type": "json_object"})).json()
    assert set(json.loads(mode["choices"][0]["message"]["content"])) == {"answer"}
    parts = chat(messages=[{"role": "user", "content": [{"type": "text", "text": "Hello"}]}])
    assert post(sim, "/chat/completions", parts).json()["choices"][0]["message"]["content"].endswith("to: Hello")


def test_a_low_output_limit_cuts_the_answer(sim):
    choice = post(sim, "/chat/completions", chat(max_completion_tokens=3)).json()["choices"][0]
    assert choice["finish_reason"] == "length"
    assert len(choice["message"]["content"]) == 12


def test_queued_answers_come_first_in_order(sim):
    sim.queue_completion(json_body={"headline": "Golden hour"}, prompt_tokens=10, completion_tokens=5)
    sim.queue_completion(refusal="I can't help with that.")
    first = post(sim, "/chat/completions", chat()).json()
    assert json.loads(first["choices"][0]["message"]["content"]) == {"headline": "Golden hour"}
    assert (first["usage"]["prompt_tokens"], first["usage"]["completion_tokens"]) == (10, 5)
    second = ChatCompletion.model_validate(post(sim, "/chat/completions", chat()).json())
    assert second.choices[0].message.refusal == "I can't help with that."
    assert post(sim, "/chat/completions", chat()).json()["choices"][0]["message"]["content"].startswith("[simulated]")


@pytest.mark.parametrize(
    ("body", "status", "code", "message"),
    [
        (
            chat(model="gpt-0"),
            404,
            "model_not_found",
            "The model `gpt-0` does not exist or you do not have access to it.",
        ),
        (chat(model="text-embedding-3-small"), 404, None, "This is not a chat model"),
        ({"messages": [{"role": "user", "content": "x"}]}, 400, None, "you must provide a model parameter"),
        (chat(messages=[]), 400, None, "[] is too short - 'messages'"),
        (chat(max_tokens=100), 400, "unsupported_parameter", "Use 'max_completion_tokens' instead."),
        (chat(temperature=0.2), 400, "unsupported_value", "'temperature' does not support 0.2 with this model"),
        (
            chat(response_format={"type": "json_schema", "json_schema": {"name": "bad name!", "schema": SCHEMA}}),
            400,
            None,
            "Invalid 'response_format.json_schema.name'",
        ),
        (chat(response_format={"type": "json_schema", "json_schema": {"name": "x"}}), 400, None, "schema'."),
        (chat(response_format={"type": "yaml"}), 400, None, "Invalid value for 'response_format.type'"),
        (
            chat(
                response_format={
                    "type": "json_schema",
                    "json_schema": {
                        "name": "x",
                        "strict": True,
                        "schema": {"type": "object", "properties": {"a": {"type": "string"}}, "required": []},
                    },
                }
            ),
            400,
            "invalid_json_schema",
            "'additionalProperties' is required to be supplied and to be false.",
        ),
        (
            chat(
                response_format={
                    "type": "json_schema",
                    "json_schema": {
                        "name": "x",
                        "strict": True,
                        "schema": {
                            "type": "object",
                            "properties": {
                                "a": {
                                    "type": "object",
                                    "properties": {"b": {"type": "string"}},
                                    "additionalProperties": False,
                                    "required": [],
                                }
                            },
                            "required": ["a"],
                            "additionalProperties": False,
                        },
                    },
                }
            ),
            400,
            "invalid_json_schema",
            "In context=('properties', 'a'), 'required' is required to be supplied and to be an array including "
            "every key in properties. Missing 'b'.",
        ),
    ],
)
def test_requests_openai_refuses_are_refused_in_its_error_shape(sim, body, status, code, message):
    response = post(sim, "/chat/completions", body)
    assert response.status_code == status
    error = response.json()["error"]
    assert set(error) == {"message", "type", "param", "code"}
    assert error["type"] == "invalid_request_error" and error["code"] == code
    assert message in error["message"]


def test_gpt_4_1_takes_a_temperature_and_max_tokens(sim):
    body = chat(model="gpt-4.1-mini", temperature=0.2, max_tokens=50)
    assert post(sim, "/chat/completions", body).status_code == 200


@pytest.mark.parametrize(
    ("content", "detail"),
    [(b"{not json", "could not parse the JSON body"), (b"[1, 2]", "must be a JSON object")],
)
def test_a_body_that_is_not_a_json_object_is_a_400(sim, content, detail):
    request = httpx.Request(
        "POST", f"{BASE}/chat/completions", content=content, headers={"authorization": f"Bearer {API_KEY}"}
    )
    response = sim.handle(request)
    assert response.status_code == 400
    assert detail in response.json()["error"]["message"]


@pytest.mark.parametrize(("option", "value"), [("stream", True), ("n", 2)])
def test_options_not_simulated_answer_501(sim, option, value):
    response = post(sim, "/chat/completions", chat(**{option: value}))
    assert response.status_code == 501
    assert response.json()["error"] == "not implemented by the simulator"


def test_an_unknown_endpoint_answers_501(sim):
    assert post(sim, "/images/generations", {}).status_code == 501


@pytest.mark.parametrize(
    ("headers", "code", "message"),
    [
        ({}, None, "You didn't provide an API key."),
        ({"authorization": "Bearer sk-proj-unknown-key-123456789"}, "invalid_api_key", "sk-proj-**********6789"),
        ({"authorization": "Basic abc"}, None, "You didn't provide an API key."),
        (
            {"authorization": f"Bearer {API_KEY}", "openai-organization": "org-other"},
            "mismatched_organization",
            "OpenAI-Organization header should match",
        ),
        (
            {"authorization": f"Bearer {API_KEY}", "openai-project": "proj_other"},
            "mismatched_project",
            "OpenAI-Project header should match",
        ),
    ],
)
def test_bad_credentials_get_openais_401(sim, headers, code, message):
    response = sim.handle(httpx.Request("POST", f"{BASE}/chat/completions", json=chat(), headers=headers))
    assert response.status_code == 401
    error = response.json()["error"]
    assert (error["type"], error["code"]) == ("invalid_request_error", code)
    assert message in error["message"]
    assert "unknown-key-123456789" not in error["message"]


async def test_the_sdk_reads_a_401_as_an_authentication_error(sim):
    async with httpx2.AsyncClient(transport=sim.sdk_transport()) as http:
        client = openai.AsyncOpenAI(api_key="sk-wrong", base_url=BASE, http_client=http, max_retries=0)
        with pytest.raises(openai.AuthenticationError) as caught:
            await client.models.list()
    assert caught.value.code == "invalid_api_key"


def test_the_organisation_and_project_of_the_key_are_accepted(sim):
    response = post(
        sim, "/chat/completions", chat(), **{"openai-organization": ORGANIZATION, "openai-project": PROJECT}
    )
    assert response.status_code == 200


def test_an_organisation_over_its_requests_per_minute_gets_a_429_until_the_window_moves(sim, clock):
    usa_key = "sk-proj-sentia-simulator-usa-reports-9e7f5d3b1a"
    for _ in range(60):
        response = post(sim, "/chat/completions", chat(), key=usa_key)
    assert response.headers["x-ratelimit-remaining-requests"] == "0"
    assert response.headers["x-ratelimit-limit-requests"] == "60"
    refused = post(sim, "/chat/completions", chat(), key=usa_key)
    assert refused.status_code == 429
    assert refused.json()["error"]["code"] == "rate_limit_exceeded"
    assert float(refused.headers["retry-after"]) == 60.0
    clock.now += 60
    assert post(sim, "/chat/completions", chat(), key=usa_key).status_code == 200
    assert post(sim, "/chat/completions", chat()).status_code == 200  # another organisation's window


async def test_injected_faults_are_in_openais_shape(client, sim):
    sim.rate_limit("chat.completions", retry_after=2)
    with pytest.raises(openai.RateLimitError) as limited:
        await client.chat.completions.create(**chat())
    assert limited.value.response.headers["retry-after"] == "2"
    assert limited.value.code == "rate_limit_exceeded"
    sim.server_error("chat.completions", status=503)
    with pytest.raises(openai.InternalServerError) as failed:
        await client.chat.completions.create(**chat())
    assert "overloaded" in str(failed.value)
    sim.faults.timeout("chat.completions")
    with pytest.raises(openai.APITimeoutError):
        await client.chat.completions.create(**chat())


# Responses


async def test_a_response_with_a_json_schema_text_format(client):
    fmt = {"type": "json_schema", "name": "pitch", "schema": SCHEMA, "strict": True}
    response = await client.responses.create(
        model="gpt-5.4-mini", instructions="Be brief.", input="Pitch Sentia Gold", text={"format": fmt}
    )
    jsonschema.validate(json.loads(response.output_text), SCHEMA)
    assert response.status == "completed"
    assert response.usage is not None
    assert response.usage.input_tokens == prompt_tokens(["Be brief.", "Pitch Sentia Gold"], SCHEMA)


def test_responses_parse_with_the_sdk_type_and_report_cuts_and_refusals(sim):
    items = [{"role": "user", "content": [{"type": "input_text", "text": "Hello"}]}, "and more"]
    plain = Response.model_validate(post(sim, "/responses", {"model": "gpt-5.4-mini", "input": items}).json())
    assert plain.output_text.endswith("to: and more")
    cut = post(sim, "/responses", {"model": "gpt-5.4-mini", "input": "Hello there", "max_output_tokens": 2}).json()
    assert (cut["status"], cut["incomplete_details"]) == ("incomplete", {"reason": "max_output_tokens"})
    Response.model_validate(cut)
    sim.queue_completion(refusal="No.")
    refused = Response.model_validate(post(sim, "/responses", {"model": "gpt-5.4-mini", "input": "x"}).json())
    assert refused.output[0].model_dump()["content"][0]["type"] == "refusal"
    sim.queue_completion("queued", finish_reason="length", prompt_tokens=7, completion_tokens=1)
    queued = post(sim, "/responses", {"model": "gpt-5.4-mini", "input": "x"}).json()
    assert (queued["output"][0]["content"][0]["text"], queued["status"], queued["usage"]["input_tokens"]) == (
        "queued",
        "incomplete",
        7,
    )


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"model": "gpt-5.4-mini"}, 400),
        ({"model": "gpt-5.4-mini", "input": "x", "tools": [{"type": "web_search"}]}, 501),
        ({"model": "gpt-5.4-mini", "input": "x", "text": {"format": {"type": "xml"}}}, 400),
        ({"model": "nope", "input": "x"}, 404),
        ({"model": "gpt-5.4-mini", "input": 42}, 400),
    ],
)
def test_responses_refuses_what_openai_refuses(sim, body, status):
    assert post(sim, "/responses", body).status_code == status


def test_responses_with_a_body_that_is_not_json_is_a_400(sim):
    request = httpx.Request("POST", f"{BASE}/responses", content=b"{", headers={"authorization": f"Bearer {API_KEY}"})
    assert sim.handle(request).status_code == 400


# Embeddings and models


async def test_embeddings_as_floats_and_as_base64_through_the_sdk(sim):
    async with httpx2.AsyncClient(transport=sim.sdk_transport()) as http:
        client = openai.AsyncOpenAI(api_key=API_KEY, base_url=BASE, http_client=http, max_retries=0)
        floats = await client.embeddings.create(
            model="text-embedding-3-small", input=["Sentia Gold", "Sentia Red"], dimensions=8, encoding_format="float"
        )
        packed = await client.embeddings.create(model="text-embedding-3-small", input="Sentia Gold", dimensions=8)
    assert [item.index for item in floats.data] == [0, 1]
    vector = floats.data[0].embedding
    assert math.isclose(sum(value * value for value in vector), 1.0, rel_tol=1e-9)
    assert packed.data[0].embedding == pytest.approx(vector, rel=1e-6)
    assert floats.usage.prompt_tokens == count_tokens("Sentia Gold") + count_tokens("Sentia Red")


def test_embedding_bodies_parse_with_the_sdk_type(sim):
    body = post(sim, "/embeddings", {"model": "text-embedding-3-large", "input": "gin", "encoding_format": "base64"})
    parsed = body.json()
    raw = base64.b64decode(parsed["data"][0]["embedding"])
    assert len(struct.unpack(f"<{len(raw) // 4}f", raw)) == 3072
    floats = post(sim, "/embeddings", {"model": "text-embedding-3-small", "input": "gin"}).json()
    assert len(CreateEmbeddingResponse.model_validate(floats).data[0].embedding) == 1536


@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        ({"model": "nope", "input": "x"}, 404, "does not exist"),
        ({"model": "gpt-5.4-mini", "input": "x"}, 400, "does not support embeddings"),
        ({"model": "text-embedding-3-small", "input": [1, 2]}, 400, "'input' must be"),
        ({"model": "text-embedding-3-small", "input": "x", "dimensions": 5000}, 400, "at most 1536 dimensions"),
        ({"model": "text-embedding-3-small", "input": "x", "encoding_format": "int8"}, 400, "encoding_format"),
    ],
)
def test_embedding_requests_openai_refuses(sim, body, status, message):
    response = post(sim, "/embeddings", body)
    assert response.status_code == status
    assert message in response.json()["error"]["message"]


def test_embeddings_with_a_body_that_is_not_json_is_a_400(sim):
    request = httpx.Request("POST", f"{BASE}/embeddings", content=b"{", headers={"authorization": f"Bearer {API_KEY}"})
    assert sim.handle(request).status_code == 400


async def test_models_are_listed_and_retrieved(client, sim):
    listed = [model.id async for model in await client.models.list()]
    assert listed[:2] == ["gpt-5.4-mini", "gpt-5.4"] and "text-embedding-3-large" in listed
    assert (await client.models.retrieve("gpt-4.1")).owned_by == "system"
    with pytest.raises(openai.NotFoundError):
        await client.models.retrieve("gpt-0")
    raw = sim.handle(httpx.Request("GET", f"{BASE}/models/gpt-5.4", headers={"authorization": f"Bearer {API_KEY}"}))
    assert Model.model_validate(raw.json()).id == "gpt-5.4"
    assert "x-ratelimit-limit-requests" not in raw.headers


# Server mode, settings, reset


async def test_the_sdk_reaches_the_simulator_served_by_simulator_app(sim):
    app = SimulatorApp({"openai": sim})
    settings = sim.server_settings("http://testserver/openai/")
    async with httpx2.AsyncClient(transport=httpx2.ASGITransport(app=app)) as http:
        client = openai.AsyncOpenAI(
            api_key=settings["SENTIA_OPENAI__API_KEY"],
            base_url=settings["SENTIA_OPENAI__BASE_URL"],
            organization=settings["SENTIA_OPENAI__ORGANIZATION"],
            project=settings["SENTIA_OPENAI__PROJECT"],
            http_client=http,
            max_retries=0,
        )
        completion = await client.chat.completions.create(**chat(response_format=STRUCTURED))
    jsonschema.validate(json.loads(completion.choices[0].message.content or ""), SCHEMA)
    assert settings["SENTIA_OPENAI__BASE_URL"] == "http://testserver/openai/v1"


def test_reset_forgets_usage_queue_and_faults(sim):
    sim.queue_completion("x")
    sim.server_error()
    post(sim, "/chat/completions", chat())
    sim.reset()
    assert sim.backend.queue == type(sim.backend.queue)() and sim.faults.pending() == 0
    assert sim.usage() == {} and sim.requests == []
