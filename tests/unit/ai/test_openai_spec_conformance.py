"""The OpenAI simulator's bodies checked against OpenAI's own OpenAPI document (the chat completion, embedding,
model and error schemas, copied into specs/openai), besides the SDK's types, so that it cannot drift unnoticed."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from sentia_testkit.simulators.openai import API_KEY, OpenAISimulator

SPEC = Path(__file__).resolve().parents[3] / "specs" / "openai" / "openapi-subset.json"
URI = "https://specs.sentia.test/openai.json"
BASE = "https://api.openai.test/v1"
SCHEMA = {
    "type": "object",
    "properties": {"headline": {"type": "string"}},
    "required": ["headline"],
    "additionalProperties": False,
}


@pytest.fixture(scope="module")
def registry() -> Registry:
    document = json.loads(SPEC.read_text())
    return Registry().with_resource(URI, Resource.from_contents(document, default_specification=DRAFT202012))


def conforms(registry: Registry, schema: str, instance: Any) -> None:
    validator = Draft202012Validator({"$ref": f"{URI}#/components/schemas/{schema}"}, registry=registry)
    errors = sorted(validator.iter_errors(instance), key=lambda error: list(error.path))
    assert [f"{list(e.path)}: {e.message}" for e in errors] == []


def call(method: str, path: str, body: Any = None, key: str = API_KEY) -> httpx.Response:
    simulator = OpenAISimulator()
    request = httpx.Request(method, f"{BASE}{path}", json=body, headers={"authorization": f"Bearer {key}"})
    return simulator.handle(request)


CHAT = {"model": "gpt-5.4-mini", "messages": [{"role": "user", "content": "Pitch Sentia Gold"}]}
FUNCTION = {"type": "function", "function": {"name": "price", "parameters": {"type": "object", "properties": {}}}}


@pytest.mark.parametrize(
    "body",
    [
        CHAT,
        {
            **CHAT,
            "response_format": {"type": "json_schema", "json_schema": {"name": "p", "strict": True, "schema": SCHEMA}},
        },
        {**CHAT, "tools": [FUNCTION]},
        {**CHAT, "max_completion_tokens": 2},
    ],
)
def test_chat_completions_conform(registry, body):
    conforms(registry, "CreateChatCompletionResponse", call("POST", "/chat/completions", body).json())


def test_embeddings_and_models_conform(registry):
    embedding = call("POST", "/embeddings", {"model": "text-embedding-3-small", "input": ["a", "b"], "dimensions": 4})
    conforms(registry, "CreateEmbeddingResponse", embedding.json())
    conforms(registry, "ListModelsResponse", call("GET", "/models").json())
    conforms(registry, "Model", call("GET", "/models/gpt-4.1").json())


@pytest.mark.parametrize(
    ("method", "path", "body", "key"),
    [
        ("POST", "/chat/completions", CHAT, "sk-wrong"),
        ("POST", "/chat/completions", {**CHAT, "model": "gpt-0"}, API_KEY),
        ("POST", "/chat/completions", {**CHAT, "temperature": 0.5}, API_KEY),
        ("POST", "/embeddings", {"model": "text-embedding-3-small", "input": []}, API_KEY),
    ],
)
def test_errors_conform(registry, method, path, body, key):
    response = call(method, path, body, key)
    assert response.status_code >= 400
    conforms(registry, "ErrorResponse", response.json())
