"""One structured exchange with a model, the same for both vendors: send the request, read the answer as a JSON
object, and, when it was wrong, send a correction in the vendor's own way (OpenAI: the answer and a user message;
Anthropic: the tool call and an error `tool_result`)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from sentia_server.integrations.anthropic import AnthropicClient, ToolAnswer
from sentia_server.integrations.anthropic.client import ToolConversation
from sentia_server.integrations.openai import ChatAnswer, ChatMessage, OpenAIClient
from sentia_server.integrations.settings import AnthropicSettings, OpenAISettings

Stop = Literal["complete", "truncated", "refused"]


@dataclass(frozen=True)
class Prompt:
    system: str
    user: str
    name: str
    """The structure's name (a-z, 0-9, _ and -), shown to the model as the schema or tool name."""
    description: str
    schema: dict[str, Any]


@dataclass(frozen=True)
class Answer:
    data: Any
    """The JSON value the model answered, or None when `problem` says why there is none."""
    problem: str | None
    stop: Stop
    detail: str | None
    """The model's explanation when it refused."""
    model: str
    input_tokens: int
    output_tokens: int


class Exchange(Protocol):
    async def send(self) -> Answer: ...

    def correct(self, answer: Answer, problem: str) -> None: ...


@dataclass
class OpenAIExchange:
    client: OpenAIClient
    settings: OpenAISettings
    prompt: Prompt
    messages: list[ChatMessage] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.messages.append(ChatMessage("user", self.prompt.user))

    async def send(self) -> Answer:
        answer = await self.client.structured_chat(
            model=self.settings.model,
            system=self.prompt.system,
            messages=list(self.messages),
            schema_name=self.prompt.name,
            schema=self.prompt.schema,
            max_tokens=self.settings.max_tokens,
            temperature=self.settings.temperature,
        )
        return _from_chat(answer)

    def correct(self, answer: Answer, problem: str) -> None:
        previous = answer.data if answer.problem is None else None
        text = json.dumps(previous) if previous is not None else "(an answer that was not valid JSON)"
        self.messages.append(ChatMessage("assistant", text))
        self.messages.append(ChatMessage("user", f"{problem} Answer again, following the JSON schema exactly."))


def _from_chat(answer: ChatAnswer) -> Answer:
    stop: Stop = "complete"
    if answer.refusal:
        stop = "refused"
    elif answer.finish_reason == "length":
        stop = "truncated"
    data: Any = None
    problem: str | None = None
    if stop == "complete":
        try:
            data = json.loads(answer.content or "")
        except json.JSONDecodeError as error:
            problem = f"the answer is not JSON ({error.msg} at character {error.pos})."
    return Answer(
        data=data,
        problem=problem,
        stop=stop,
        detail=answer.refusal,
        model=answer.model,
        input_tokens=answer.prompt_tokens,
        output_tokens=answer.completion_tokens,
    )


@dataclass
class AnthropicExchange:
    client: AnthropicClient
    settings: AnthropicSettings
    prompt: Prompt
    conversation: ToolConversation = field(init=False)
    _last: ToolAnswer | None = field(default=None, init=False)

    def __post_init__(self) -> None:
        self.conversation = ToolConversation.start(self.prompt.name, self.prompt.user)

    async def send(self) -> Answer:
        answer = await self.client.forced_tool_call(
            model=self.settings.model,
            system=self.prompt.system,
            conversation=self.conversation,
            description=self.prompt.description,
            schema=self.prompt.schema,
            max_tokens=self.settings.max_tokens,
            effort=self.settings.effort,
        )
        self._last = answer
        return _from_tool(answer)

    def correct(self, answer: Answer, problem: str) -> None:
        if self._last is not None:
            self.conversation.correct(self._last, problem)


def _from_tool(answer: ToolAnswer) -> Answer:
    stop: Stop = "complete"
    if answer.stop_reason == "refusal":
        stop = "refused"
    elif answer.stop_reason in ("max_tokens", "model_context_window_exceeded"):
        stop = "truncated"
    problem = None
    if stop == "complete" and answer.tool_input is None:
        problem = "the answer did not call the tool that carries the structured answer."
    return Answer(
        data=answer.tool_input if stop == "complete" else None,
        problem=problem,
        stop=stop,
        detail=answer.text or None,
        model=answer.model,
        input_tokens=answer.input_tokens,
        output_tokens=answer.output_tokens,
    )
