"""One handler per simulated OpenAI endpoint: Chat Completions (with `response_format` json_schema and function
`tools`), Responses, Models and Embeddings. Each checks the bearer key (and the OpenAI-Organization and
OpenAI-Project headers when sent) the way OpenAI does, counts the request against the organisation's per-minute
limit (429 with Retry-After), validates the body, and answers in the shape the official SDK parses. Streaming and
other options that are not simulated answer 501."""

from __future__ import annotations

import json
import re
import time
import uuid
from collections.abc import Callable
from typing import Any

import httpx

from sentia_testkit.simulators.core import Simulator, SimulatorRequest, json_response
from sentia_testkit.simulators.model_api import RequestWindow
from sentia_testkit.simulators.openai import errors
from sentia_testkit.simulators.openai.backend import ApiKey, OpenAIBackend, QueuedCompletion
from sentia_testkit.simulators.openai.synthesis import (
    count_tokens,
    digest,
    embedding,
    embedding_base64,
    prompt_tokens,
    simulated_reply,
    synthesize,
)

SCHEMA_NAME = r"^[a-zA-Z0-9_-]{1,64}$"
Handler = Callable[[SimulatorRequest, ApiKey], httpx.Response]


def register_routes(simulator: Simulator, backend: OpenAIBackend) -> None:
    def guarded(handler: Handler, *, counted: bool = True) -> Callable[[SimulatorRequest], httpx.Response]:
        def run(request: SimulatorRequest) -> httpx.Response:
            key, refusal = _authenticate(request, backend)
            if key is None:
                return _with_request_id(refusal or errors.missing_key())
            window = backend.count_request(key.organization_id) if counted else None
            if window is not None and not window.allowed:
                status, headers, body = errors.rate_limited(max(round(window.reset_seconds, 3), 0.001))
                return _with_request_id(httpx.Response(status, headers=headers, content=body))
            response = handler(request, key)
            if window is not None:
                response.headers.update(_limit_headers(window))
            response.headers["openai-organization"] = key.organization_id
            return _with_request_id(response)

        return run

    simulator.route("POST", "/v1/chat/completions", "chat.completions")(
        guarded(lambda request, key: create_chat_completion(request, key, backend))
    )
    simulator.route("POST", "/v1/responses", "responses")(
        guarded(lambda request, key: create_response(request, key, backend))
    )
    simulator.route("POST", "/v1/embeddings", "embeddings")(
        guarded(lambda request, key: create_embedding(request, backend))
    )
    simulator.route("GET", "/v1/models", "models.list")(
        guarded(lambda request, key: list_models(backend), counted=False)
    )
    simulator.route("GET", "/v1/models/{model}", "models.retrieve")(
        guarded(lambda request, key: retrieve_model(request, backend), counted=False)
    )


def _authenticate(request: SimulatorRequest, backend: OpenAIBackend) -> tuple[ApiKey | None, httpx.Response | None]:
    scheme, _, secret = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        return None, errors.missing_key()
    key = backend.authenticate(secret.strip())
    if key is None:
        return None, errors.invalid_key(secret.strip())
    organization = request.headers.get("openai-organization")
    if organization and organization != key.organization_id:
        return None, errors.mismatched("OpenAI-Organization", "mismatched_organization")
    project = request.headers.get("openai-project")
    if project and project != key.project_id:
        return None, errors.mismatched("OpenAI-Project", "mismatched_project")
    return key, None


def _with_request_id(response: httpx.Response) -> httpx.Response:
    response.headers["x-request-id"] = f"req_{uuid.uuid4().hex}"
    return response


def _limit_headers(window: RequestWindow) -> dict[str, str]:
    return {
        "x-ratelimit-limit-requests": str(window.limit),
        "x-ratelimit-remaining-requests": str(window.remaining),
        "x-ratelimit-reset-requests": f"{window.reset_seconds:.3f}s",
    }


def _body(request: SimulatorRequest) -> dict[str, Any] | httpx.Response:
    try:
        body = request.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        return errors.bad_request(
            "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP "
            "library correctly.)"
        )
    if not isinstance(body, dict):
        return errors.bad_request("The request body must be a JSON object.")
    return body


def _chat_model(body: dict[str, Any], backend: OpenAIBackend) -> dict[str, Any] | httpx.Response:
    model_id = body.get("model")
    if not isinstance(model_id, str) or not model_id:
        return errors.bad_request("you must provide a model parameter", param="model")
    model = backend.model(model_id)
    if model is None:
        return errors.model_not_found(model_id)
    if model["kind"] != "chat":
        return errors.error(404, f"This is not a chat model and thus not supported: {model_id}", param="model")
    temperature = body.get("temperature")
    if model.get("reasoning") and temperature is not None and temperature != 1:
        return errors.unsupported_value("temperature", temperature)
    return model


def _text_of(content: Any) -> str:
    """The text of a message's content: a string, or the text of its parts."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "\n".join(str(part.get("text", "")) for part in content if isinstance(part, dict))
    return ""


def _strict_problem(schema: Any, context: tuple[str, ...] = ()) -> str | None:
    """What makes `schema` unusable with strict: true (OpenAI's first complaint), or None."""
    if isinstance(schema, list):
        for index, item in enumerate(schema):
            problem = _strict_problem(item, (*context, str(index)))
            if problem:
                return problem
        return None
    if not isinstance(schema, dict):
        return None
    if schema.get("type") == "object":
        if schema.get("additionalProperties") is not False:
            return f"In context={context}, 'additionalProperties' is required to be supplied and to be false."
        missing = [name for name in schema.get("properties", {}) if name not in schema.get("required", [])]
        if missing:
            return (
                f"In context={context}, 'required' is required to be supplied and to be an array including every key "
                f"in properties. Missing '{missing[0]}'."
            )
    for key, value in schema.items():
        problem = _strict_problem(value, (*context, key))
        if problem:
            return problem
    return None


def _json_schema_format(fmt: Any, where: str) -> tuple[dict[str, Any] | None, httpx.Response | None]:
    """The JSON schema of a `json_schema` format (None for text), or the 400 that refuses it."""
    if not isinstance(fmt, dict) or fmt.get("type") in (None, "text"):
        return None, None
    if fmt.get("type") == "json_object":
        return {"type": "object", "properties": {"answer": {"type": "string"}}}, None
    if fmt.get("type") != "json_schema":
        return None, errors.bad_request(f"Invalid value for '{where}.type': {fmt.get('type')!r}.", param=where)
    spec = fmt.get("json_schema", fmt)
    name = spec.get("name")
    if not isinstance(name, str) or not re.match(SCHEMA_NAME, name):
        return None, errors.bad_request(
            f"Invalid '{where}.json_schema.name': must match {SCHEMA_NAME}.", param=f"{where}.json_schema.name"
        )
    schema = spec.get("schema")
    if not isinstance(schema, dict):
        return None, errors.bad_request(f"Missing required parameter: '{where}.json_schema.schema'.")
    if spec.get("strict"):
        problem = _strict_problem(schema)
        if problem:
            return None, errors.bad_request(
                f"Invalid schema for response_format '{name}': {problem}", param=where, code="invalid_json_schema"
            )
    return schema, None


def _fit(text: str, limit: int | None) -> tuple[str, bool]:
    """`text`, cut to `limit` output tokens when it is longer; and whether it was cut."""
    if limit is None or count_tokens(text) <= limit:
        return text, False
    return text[: limit * 4], True


# Chat Completions


def create_chat_completion(request: SimulatorRequest, key: ApiKey, backend: OpenAIBackend) -> httpx.Response:
    body = _body(request)
    if isinstance(body, httpx.Response):
        return body
    model = _chat_model(body, backend)
    if isinstance(model, httpx.Response):
        return model
    messages = body.get("messages")
    if not isinstance(messages, list) or not messages:
        return errors.bad_request("[] is too short - 'messages'", param="messages")
    if model.get("reasoning") and "max_tokens" in body:
        return errors.unsupported_parameter("max_tokens", "max_completion_tokens")
    for option, allowed in (("stream", (None, False)), ("n", (None, 1))):
        if body.get(option) not in allowed:
            return errors.not_implemented(f"chat completions with {option}={body.get(option)!r}")
    schema, refusal = _json_schema_format(body.get("response_format"), "response_format")
    if refusal is not None:
        return refusal
    texts = [_text_of(message.get("content")) for message in messages if isinstance(message, dict)]
    tools = [tool for tool in body.get("tools") or [] if isinstance(tool, dict) and tool.get("type") == "function"]
    seed = digest({"messages": messages, "model": model["id"]})
    limit = body.get("max_completion_tokens", body.get("max_tokens"))
    queued = backend.next_queued()
    message: dict[str, Any] = {"role": "assistant", "content": None, "refusal": None, "annotations": []}
    finish = "stop"
    tool_choice = body.get("tool_choice", "auto")
    if queued is not None:
        message["content"], message["refusal"], finish = queued.content, queued.refusal, queued.finish_reason
    elif tools and tool_choice != "none":
        function = _chosen_function(tools, tool_choice)
        arguments = synthesize(function.get("parameters") or {"type": "object", "properties": {}}, seed=seed)
        message["tool_calls"] = [
            {
                "id": f"call_{seed}",
                "type": "function",
                "function": {"name": function["name"], "arguments": json.dumps(arguments)},
            }
        ]
        finish = "tool_calls"
    else:
        text = json.dumps(synthesize(schema, seed=seed)) if schema is not None else simulated_reply(texts[-1], seed)
        message["content"], cut = _fit(text, limit)
        finish = "length" if cut else "stop"
    written = message["content"] or message["refusal"] or json.dumps(message.get("tool_calls", ""))
    usage_in = queued.prompt_tokens if queued and queued.prompt_tokens is not None else None
    usage_out = queued.completion_tokens if queued and queued.completion_tokens is not None else None
    prompt = usage_in if usage_in is not None else prompt_tokens(texts, schema if schema is not None else tools or None)
    completion = usage_out if usage_out is not None else count_tokens(written)
    backend.record_usage(key.organization_id, model["id"], prompt, completion)
    return json_response(
        200,
        {
            "id": f"chatcmpl-{uuid.uuid4().hex[:24]}",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": model["id"],
            "choices": [{"index": 0, "message": message, "logprobs": None, "finish_reason": finish}],
            "usage": _chat_usage(prompt, completion),
            "service_tier": "default",
            "system_fingerprint": f"fp_{digest(model['id'])[:10]}",
        },
    )


def _chosen_function(tools: list[dict[str, Any]], tool_choice: Any) -> dict[str, Any]:
    """The function named by `tool_choice`, else the first one (the simulator's rule for auto and required)."""
    functions: list[dict[str, Any]] = [tool.get("function", {}) for tool in tools]
    if isinstance(tool_choice, dict):
        wanted = tool_choice.get("function", {}).get("name")
        for function in functions:
            if function.get("name") == wanted:
                return function
    return functions[0]


def _chat_usage(prompt: int, completion: int) -> dict[str, Any]:
    return {
        "prompt_tokens": prompt,
        "completion_tokens": completion,
        "total_tokens": prompt + completion,
        "prompt_tokens_details": {"cached_tokens": 0, "audio_tokens": 0},
        "completion_tokens_details": {
            "reasoning_tokens": 0,
            "audio_tokens": 0,
            "accepted_prediction_tokens": 0,
            "rejected_prediction_tokens": 0,
        },
    }


# Responses


def _input_texts(value: Any) -> list[str] | None:
    if isinstance(value, str):
        return [value]
    if not isinstance(value, list):
        return None
    texts = []
    for item in value:
        if isinstance(item, str):
            texts.append(item)
        elif isinstance(item, dict) and item.get("type", "message") == "message":
            texts.append(_text_of_input(item.get("content")))
    return texts


def _text_of_input(content: Any) -> str:
    if isinstance(content, list):
        return "\n".join(str(part.get("text", "")) for part in content if isinstance(part, dict))
    return _text_of(content)


def create_response(request: SimulatorRequest, key: ApiKey, backend: OpenAIBackend) -> httpx.Response:
    body = _body(request)
    if isinstance(body, httpx.Response):
        return body
    model = _chat_model(body, backend)
    if isinstance(model, httpx.Response):
        return model
    texts = _input_texts(body.get("input"))
    if not texts:
        return errors.bad_request("Missing required parameter: 'input'.", param="input")
    for option in ("stream", "background", "previous_response_id", "tools"):
        if body.get(option):
            return errors.not_implemented(f"responses with {option}")
    text_config = body.get("text") or {}
    schema, refusal = _json_schema_format(text_config.get("format"), "text.format")
    if refusal is not None:
        return refusal
    instructions = body.get("instructions")
    seed = digest({"input": body.get("input"), "instructions": instructions, "model": model["id"]})
    queued = backend.next_queued() or QueuedCompletion()
    if queued.content is not None or queued.refusal is not None:
        written, cut = queued.content or "", queued.finish_reason == "length"
    else:
        text = json.dumps(synthesize(schema, seed=seed)) if schema is not None else simulated_reply(texts[-1], seed)
        written, cut = _fit(text, body.get("max_output_tokens"))
    content: dict[str, Any]
    if queued.refusal is not None:
        content = {"type": "refusal", "refusal": queued.refusal}
    else:
        content = {"type": "output_text", "text": written, "annotations": [], "logprobs": []}
    all_texts = ([instructions] if isinstance(instructions, str) else []) + texts
    prompt = queued.prompt_tokens if queued.prompt_tokens is not None else prompt_tokens(all_texts, schema)
    completion = queued.completion_tokens if queued.completion_tokens is not None else count_tokens(written)
    backend.record_usage(key.organization_id, model["id"], prompt, completion)
    now = time.time()
    return json_response(
        200,
        {
            "id": f"resp_{uuid.uuid4().hex}",
            "object": "response",
            "created_at": int(now),
            "completed_at": None if cut else int(now),
            "status": "incomplete" if cut else "completed",
            "incomplete_details": {"reason": "max_output_tokens"} if cut else None,
            "error": None,
            "instructions": instructions,
            "model": model["id"],
            "output": [
                {
                    "type": "message",
                    "id": f"msg_{seed}",
                    "status": "incomplete" if cut else "completed",
                    "role": "assistant",
                    "content": [content],
                }
            ],
            "parallel_tool_calls": True,
            "tool_choice": "auto",
            "tools": [],
            "temperature": body.get("temperature", 1.0),
            "top_p": 1.0,
            "max_output_tokens": body.get("max_output_tokens"),
            "text": {"format": text_config.get("format") or {"type": "text"}},
            "usage": {
                "input_tokens": prompt,
                "input_tokens_details": {"cached_tokens": 0, "cache_write_tokens": 0},
                "output_tokens": completion,
                "output_tokens_details": {"reasoning_tokens": 0},
                "total_tokens": prompt + completion,
            },
        },
    )


# Embeddings and models


def create_embedding(request: SimulatorRequest, backend: OpenAIBackend) -> httpx.Response:
    body = _body(request)
    if isinstance(body, httpx.Response):
        return body
    model_id = body.get("model")
    model = backend.model(model_id) if isinstance(model_id, str) else None
    if model is None:
        return errors.model_not_found(str(model_id))
    if model["kind"] != "embedding":
        return errors.bad_request(f"The model `{model_id}` does not support embeddings.", param="model")
    raw = body.get("input")
    inputs = [raw] if isinstance(raw, str) else raw
    if not isinstance(inputs, list) or not inputs or not all(isinstance(item, str) and item for item in inputs):
        return errors.bad_request("'input' must be a non-empty string or an array of non-empty strings.", param="input")
    dimensions = body.get("dimensions", model["dimensions"])
    if not isinstance(dimensions, int) or not 1 <= dimensions <= model["dimensions"]:
        return errors.bad_request(f"This model supports at most {model['dimensions']} dimensions.", param="dimensions")
    encoding = body.get("encoding_format", "float")
    if encoding not in ("float", "base64"):
        return errors.bad_request(f"Invalid value for 'encoding_format': {encoding!r}.", param="encoding_format")
    data = []
    for index, text in enumerate(inputs):
        vector = embedding(text, dimensions)
        data.append(
            {
                "object": "embedding",
                "index": index,
                "embedding": embedding_base64(vector) if encoding == "base64" else vector,
            }
        )
    tokens = sum(count_tokens(text) for text in inputs)
    return json_response(
        200,
        {
            "object": "list",
            "data": data,
            "model": model["id"],
            "usage": {"prompt_tokens": tokens, "total_tokens": tokens},
        },
    )


def _model_object(model: dict[str, Any]) -> dict[str, Any]:
    return {"id": model["id"], "object": "model", "created": model["created"], "owned_by": model["owned_by"]}


def list_models(backend: OpenAIBackend) -> httpx.Response:
    return json_response(200, {"object": "list", "data": [_model_object(m) for m in backend.models.values()]})


def retrieve_model(request: SimulatorRequest, backend: OpenAIBackend) -> httpx.Response:
    model = backend.model(request.params["model"])
    if model is None:
        return errors.model_not_found(request.params["model"])
    return json_response(200, _model_object(model))
