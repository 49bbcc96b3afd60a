"""The OpenAI client: the official SDK's `AsyncOpenAI`, on an httpx2 client the server gives it.

The SDK builds requests and parses answers into its own types (with strict validation, so a body that is not a
chat completion is an error rather than a half-filled object). Everything about the connection — base URL
transport, timeouts, retries, rate limits, circuit breaker — belongs to the `http_client` passed in, so the SDK's
own retries are switched off (`max_retries=0`): the two never stack.

Structured answers use Chat Completions with `response_format={"type": "json_schema", ...}` and `strict: true`
(https://platform.openai.com/docs/guides/structured-outputs), and `max_completion_tokens`, which every current
model accepts (`max_tokens` is refused by reasoning models).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Literal

import httpx2
import openai
from openai.types.chat import ChatCompletion, ChatCompletionMessageParam

from sentia_server.integrations.openai import errors
from sentia_server.integrations.settings import OpenAISettings


@dataclass(frozen=True)
class ChatMessage:
    role: Literal["user", "assistant"]
    content: str


@dataclass(frozen=True)
class ChatAnswer:
    content: str | None
    """The model's text: the JSON document when it answered in the schema."""
    refusal: str | None
    finish_reason: str
    model: str
    prompt_tokens: int
    completion_tokens: int


class OpenAIClient:
    vendor = "openai"

    def __init__(self, settings: OpenAISettings, http_client: httpx2.AsyncClient) -> None:
        self._secret = settings.api_key.get_secret_value() if settings.api_key is not None else None
        self._sdk = openai.AsyncOpenAI(
            api_key=self._secret or "",
            organization=settings.organization,
            project=settings.project,
            base_url=settings.base_url,
            timeout=settings.timeout,
            max_retries=0,
            http_client=http_client,
            _strict_response_validation=True,
        )

    async def structured_chat(
        self,
        *,
        model: str,
        system: str,
        messages: list[ChatMessage],
        schema_name: str,
        schema: dict[str, Any],
        max_tokens: int,
        temperature: float | None,
    ) -> ChatAnswer:
        """One chat completion whose answer must follow `schema`; VendorError when OpenAI does not answer one."""
        sent: list[ChatCompletionMessageParam] = [{"role": "system", "content": system}]
        for message in messages:
            if message.role == "user":
                sent.append({"role": "user", "content": message.content})
            else:
                sent.append({"role": "assistant", "content": message.content})
        try:
            completion = await self._sdk.chat.completions.create(
                model=model,
                messages=sent,
                response_format={
                    "type": "json_schema",
                    "json_schema": {"name": schema_name, "schema": schema, "strict": True},
                },
                max_completion_tokens=max_tokens,
                temperature=openai.omit if temperature is None else temperature,
            )
        except openai.APIStatusError as error:
            raise errors.status_error(error, self._secret) from None
        except openai.APIResponseValidationError as error:
            raise errors.malformed(error.status_code) from None
        except json.JSONDecodeError:
            raise errors.malformed(200) from None
        except openai.APIConnectionError as error:
            raise errors.unreachable(error) from None
        return _answer(completion)

    async def aclose(self) -> None:
        await self._sdk.close()


def _answer(completion: ChatCompletion) -> ChatAnswer:
    if not completion.choices:
        raise errors.malformed(200)
    choice = completion.choices[0]
    usage = completion.usage
    return ChatAnswer(
        content=choice.message.content,
        refusal=choice.message.refusal,
        finish_reason=choice.finish_reason,
        model=completion.model,
        prompt_tokens=usage.prompt_tokens if usage is not None else 0,
        completion_tokens=usage.completion_tokens if usage is not None else 0,
    )
