"""One handler per simulated Anthropic endpoint: Messages (with tool use), token counting and Models.

Each request is checked the way Anthropic checks it: the key in `x-api-key` or `Authorization: Bearer` (the
Python SDK 2.x sends the latter), a known `anthropic-version`, then the body. Under version 2026-10-21 sampling
parameters (temperature, top_p, top_k) are refused, as the API does; every `tool_result` must answer a `tool_use`
of the previous assistant turn. Streaming and other options that are not simulated answer 501.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from sentia_testkit.simulators.anthropic import errors
from sentia_testkit.simulators.anthropic.backend import AnthropicBackend, ApiKey, QueuedMessage
from sentia_testkit.simulators.core import Simulator, SimulatorRequest, json_response
from sentia_testkit.simulators.model_api import RequestWindow
from sentia_testkit.simulators.openai.synthesis import count_tokens, digest, prompt_tokens, simulated_reply, synthesize

SAMPLING = ("temperature", "top_p", "top_k")
NO_SAMPLING_FROM = "2026-10-21"
Handler = Callable[[SimulatorRequest, ApiKey, str], httpx.Response]


def register_routes(simulator: Simulator, backend: AnthropicBackend) -> None:
    def guarded(handler: Handler, *, counted: bool = True) -> Callable[[SimulatorRequest], httpx.Response]:
        def run(request: SimulatorRequest) -> httpx.Response:
            key = _authenticate(request, backend)
            if key is None:
                return errors.authentication()
            version = request.headers.get("anthropic-version")
            if not version:
                return errors.invalid("anthropic-version: header is required")
            if version not in backend.api_versions:
                return errors.invalid(f"anthropic-version: invalid version {version!r}")
            window = backend.count_request(key.workspace_id) if counted else None
            if window is not None and not window.allowed:
                status, headers, body = errors.rate_limited(max(round(window.reset_seconds, 3), 0.001))
                return httpx.Response(status, headers=headers, content=body)
            response = handler(request, key, version)
            if window is not None:
                response.headers.update(_limit_headers(window))
            response.headers["request-id"] = errors.request_id()
            response.headers["anthropic-organization-id"] = backend.organization["id"]
            return response

        return run

    simulator.route("POST", "/v1/messages", "messages")(
        guarded(lambda request, key, version: create_message(request, key, version, backend))
    )
    simulator.route("POST", "/v1/messages/count_tokens", "messages.count_tokens")(
        guarded(lambda request, key, version: count_message_tokens(request, version, backend))
    )
    simulator.route("GET", "/v1/models", "models.list")(
        guarded(lambda request, key, version: list_models(backend), counted=False)
    )
    simulator.route("GET", "/v1/models/{model}", "models.retrieve")(
        guarded(lambda request, key, version: retrieve_model(request, backend), counted=False)
    )


def _authenticate(request: SimulatorRequest, backend: AnthropicBackend) -> ApiKey | None:
    secret = request.headers.get("x-api-key")
    if secret is None:
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        secret = token.strip() if scheme.lower() == "bearer" else ""
    return backend.authenticate(secret) if secret else None


def _limit_headers(window: RequestWindow) -> dict[str, str]:
    reset = datetime.now(UTC) + timedelta(seconds=window.reset_seconds)
    return {
        "anthropic-ratelimit-requests-limit": str(window.limit),
        "anthropic-ratelimit-requests-remaining": str(window.remaining),
        "anthropic-ratelimit-requests-reset": reset.strftime("%Y-%m-%dT%H:%M:%SZ"),
    }


def _text_of(content: Any) -> str:
    """The text of a message's content: a string, or its text and tool blocks."""
    if isinstance(content, str):
        return content
    parts = []
    for block in content if isinstance(content, list) else []:
        if not isinstance(block, dict):
            continue
        if block.get("type") == "text":
            parts.append(str(block.get("text", "")))
        elif block.get("type") == "tool_use":
            parts.append(json.dumps(block.get("input", {})))
        elif block.get("type") == "tool_result":
            parts.append(_text_of(block.get("content", "")))
    return "\n".join(parts)


def _valid_request(body: Any, version: str, backend: AnthropicBackend) -> tuple[dict[str, Any], httpx.Response | None]:
    """The model of a Messages request, or the 400/404 Anthropic would answer."""
    if not isinstance(body, dict):
        return {}, errors.invalid("The request body is not valid JSON.")
    if version >= NO_SAMPLING_FROM:
        for name in SAMPLING:
            if name in body:
                return {}, errors.invalid(f"{name}: Extra inputs are not permitted")
    for required in ("model", "messages"):
        if required not in body:
            return {}, errors.invalid(f"{required}: Field required")
    model = backend.model(str(body["model"]))
    if model is None:
        return {}, errors.not_found(f"model: {body['model']}")
    if any(name in body for name in SAMPLING) and not model.get("accepts_sampling", True):
        return {}, errors.invalid(f"temperature is deprecated for this model ({model['id']})")
    messages = body["messages"]
    if not isinstance(messages, list) or not messages:
        return {}, errors.invalid("messages: at least one message is required")
    for index, message in enumerate(messages):
        if not isinstance(message, dict) or message.get("role") not in ("user", "assistant"):
            return {}, errors.invalid(f"messages.{index}.role: Input should be 'user' or 'assistant'")
        problem = _unanswered_tool_result(messages, index)
        if problem:
            return {}, errors.invalid(problem)
    return model, None


def _unanswered_tool_result(messages: list[Any], index: int) -> str | None:
    results = _blocks(messages[index].get("content"), "tool_result")
    if not results:
        return None
    calls = {block.get("id") for block in _blocks(messages[index - 1].get("content") if index else None, "tool_use")}
    for block in results:
        if block.get("tool_use_id") not in calls:
            return (
                f"messages.{index}.content: unexpected `tool_use_id` found in `tool_result` blocks: "
                f"{block.get('tool_use_id')}. Each `tool_result` block must have a corresponding `tool_use` block in "
                "the previous message."
            )
    return None


def _blocks(content: Any, kind: str) -> list[dict[str, Any]]:
    if not isinstance(content, list):
        return []
    return [block for block in content if isinstance(block, dict) and block.get("type") == kind]


def _chosen_tool(tools: list[dict[str, Any]], choice: Any) -> tuple[dict[str, Any] | None, httpx.Response | None]:
    """The tool the answer calls: the one `tool_choice` names, the first for auto and any (the simulator's rule),
    none for `none` or without tools."""
    kind = choice.get("type", "auto") if isinstance(choice, dict) else "auto"
    if not tools or kind == "none":
        return None, None
    if kind == "tool":
        for tool in tools:
            if tool.get("name") == choice.get("name"):
                return tool, None
        return None, errors.invalid(f"tool_choice.name: Tool '{choice.get('name')}' not found in tools")
    return tools[0], None


def create_message(request: SimulatorRequest, key: ApiKey, version: str, backend: AnthropicBackend) -> httpx.Response:
    try:
        body = request.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        return errors.invalid("The request body is not valid JSON.")
    model, refusal = _valid_request(body, version, backend)
    if refusal is not None:
        return refusal
    max_tokens = body.get("max_tokens")
    if not isinstance(max_tokens, int) or max_tokens < 1:
        return errors.invalid("max_tokens: Field required")
    if max_tokens > model["max_output_tokens"]:
        return errors.invalid(
            f"max_tokens: {max_tokens} > {model['max_output_tokens']}, which is the maximum allowed number of output "
            f"tokens for {model['id']}"
        )
    if body.get("stream"):
        return errors.not_implemented("streaming messages")
    tools = [tool for tool in body.get("tools") or [] if isinstance(tool, dict) and "input_schema" in tool]
    tool, refusal = _chosen_tool(tools, body.get("tool_choice"))
    if refusal is not None:
        return refusal
    system = body.get("system")
    texts = ([_text_of(system)] if system else []) + [_text_of(m.get("content")) for m in body["messages"]]
    seed = digest({"messages": body["messages"], "system": system, "model": model["id"]})
    queued = backend.next_queued()
    content, stop = _answer(queued, tool, texts[-1], seed, max_tokens)
    written = " ".join(json.dumps(b["input"]) if b["type"] == "tool_use" else b["text"] for b in content)
    input_tokens = prompt_tokens(texts, tools or None)
    output_tokens = count_tokens(written)
    if queued is not None:
        input_tokens = input_tokens if queued.input_tokens is None else queued.input_tokens
        output_tokens = output_tokens if queued.output_tokens is None else queued.output_tokens
    backend.record_usage(key.workspace_id, model["id"], input_tokens, output_tokens)
    return json_response(
        200,
        {
            "id": f"msg_{digest([seed, time.time()])}",
            "type": "message",
            "role": "assistant",
            "model": model["id"],
            "content": content,
            "stop_reason": stop,
            "stop_sequence": None,
            "usage": {
                "input_tokens": input_tokens,
                "output_tokens": output_tokens,
                "cache_creation_input_tokens": 0,
                "cache_read_input_tokens": 0,
                "service_tier": "standard",
            },
        },
    )


def _answer(
    queued: QueuedMessage | None, tool: dict[str, Any] | None, last_text: str, seed: str, max_tokens: int
) -> tuple[list[dict[str, Any]], str]:
    """The content blocks and stop reason: queued, else a call of the chosen tool, else simulated text."""
    if queued is not None:
        if queued.tool_input is not None and tool is not None:
            block = {"type": "tool_use", "id": f"toolu_{seed}", "name": tool["name"], "input": queued.tool_input}
            return [block], queued.stop_reason or "tool_use"
        return [{"type": "text", "text": queued.text or ""}], queued.stop_reason or "end_turn"
    if tool is not None:
        arguments = synthesize(tool["input_schema"], seed=seed)
        return [{"type": "tool_use", "id": f"toolu_{seed}", "name": tool["name"], "input": arguments}], "tool_use"
    text = simulated_reply(last_text, seed)
    if count_tokens(text) > max_tokens:
        return [{"type": "text", "text": text[: max_tokens * 4]}], "max_tokens"
    return [{"type": "text", "text": text}], "end_turn"


def count_message_tokens(request: SimulatorRequest, version: str, backend: AnthropicBackend) -> httpx.Response:
    try:
        body = request.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        return errors.invalid("The request body is not valid JSON.")
    _model, refusal = _valid_request(body, version, backend)
    if refusal is not None:
        return refusal
    system = body.get("system")
    texts = ([_text_of(system)] if system else []) + [_text_of(m.get("content")) for m in body["messages"]]
    return json_response(200, {"input_tokens": prompt_tokens(texts, body.get("tools") or None)})


def _model_object(model: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "model",
        "id": model["id"],
        "display_name": model["display_name"],
        "created_at": model["created_at"],
        "lifecycle": "active",
        "max_tokens": model["max_output_tokens"],
    }


def list_models(backend: AnthropicBackend) -> httpx.Response:
    data = [_model_object(model) for model in backend.models.values()]
    body = {"data": data, "has_more": False, "first_id": data[0]["id"], "last_id": data[-1]["id"]}
    return json_response(200, body)


def retrieve_model(request: SimulatorRequest, backend: AnthropicBackend) -> httpx.Response:
    model = backend.model(request.params["model"])
    if model is None:
        return errors.not_found(f"model: {request.params['model']}")
    return json_response(200, _model_object(model))
