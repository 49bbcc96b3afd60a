"""The Anthropic client: the official SDK's `AsyncAnthropic`, on an httpx2 client the server gives it.

The SDK builds requests (`x-api-key`, `anthropic-version`) and parses answers into its own types, with strict
validation. Everything about the connection — base URL transport, timeouts, retries, rate limits, circuit breaker —
belongs to the `http_client` passed in, so the SDK's own retries are switched off (`max_retries=0`).

A structured answer is a forced tool call: one tool whose `input_schema` is the expected structure, and
`tool_choice={"type": "tool", "name": ...}`, so the answer is a `tool_use` block whose `input` follows the schema
(https://docs.anthropic.com/en/docs/agents-and-tools/tool-use/implement-tool-use#forcing-tool-use). When the
input does not match, the conversation continues with a `tool_result` marked `is_error` that says what was wrong.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

import anthropic
import httpx2
from anthropic.types import Message, MessageParam, TextBlock, ToolUseBlock

from sentia_server.integrations.anthropic import errors
from sentia_server.integrations.settings import AnthropicSettings

Effort = Literal["low", "medium", "high", "xhigh", "max"]


@dataclass(frozen=True)
class ToolAnswer:
    tool_input: dict[str, Any] | None
    """The input of the forced tool call: the structured answer. None when the model called no tool."""
    tool_use_id: str | None
    text: str
    """Any text the model wrote besides the tool call (for a refusal, its explanation)."""
    stop_reason: str | None
    model: str
    input_tokens: int
    """Every input token billed: uncached, cache writes and cache reads."""
    output_tokens: int


@dataclass
class ToolConversation:
    """The turns sent so far: the user's request, then a failed answer and its correction for each retry."""

    tool_name: str
    messages: list[MessageParam] = field(default_factory=list)

    @classmethod
    def start(cls, tool_name: str, request: str) -> ToolConversation:
        return cls(tool_name, [{"role": "user", "content": request}])

    def correct(self, answer: ToolAnswer, problem: str) -> None:
        """Answer the model's last turn with what was wrong, so that its next turn can fix it."""
        if answer.tool_input is not None and answer.tool_use_id is not None:
            self.messages.append(
                {
                    "role": "assistant",
                    "content": [
                        {
                            "type": "tool_use",
                            "id": answer.tool_use_id,
                            "name": self.tool_name,
                            "input": answer.tool_input,
                        }
                    ],
                }
            )
            self.messages.append(
                {
                    "role": "user",
                    "content": [
                        {"type": "tool_result", "tool_use_id": answer.tool_use_id, "is_error": True, "content": problem}
                    ],
                }
            )
            return
        self.messages.append({"role": "assistant", "content": answer.text or "(no answer)"})
        self.messages.append({"role": "user", "content": f"{problem} Answer by calling the {self.tool_name} tool."})


class AnthropicClient:
    vendor = "anthropic"

    def __init__(self, settings: AnthropicSettings, http_client: httpx2.AsyncClient) -> None:
        self._secret = settings.api_key.get_secret_value() if settings.api_key is not None else None
        self._sdk = anthropic.AsyncAnthropic(
            api_key=self._secret or "",
            base_url=settings.base_url,
            timeout=settings.timeout,
            max_retries=0,
            http_client=http_client,
            _strict_response_validation=True,
        )

    async def forced_tool_call(
        self,
        *,
        model: str,
        system: str,
        conversation: ToolConversation,
        description: str,
        schema: dict[str, Any],
        max_tokens: int,
        effort: Effort | None,
    ) -> ToolAnswer:
        """One message that must call the conversation's tool; VendorError when Anthropic does not answer one."""
        try:
            message = await self._sdk.messages.create(
                model=model,
                system=system,
                messages=conversation.messages,
                tools=[{"name": conversation.tool_name, "description": description, "input_schema": schema}],
                tool_choice={"type": "tool", "name": conversation.tool_name},
                max_tokens=max_tokens,
                output_config=anthropic.omit if effort is None else {"effort": effort},
            )
        except anthropic.APIStatusError as error:
            raise errors.status_error(error, self._secret) from None
        except anthropic.APIResponseValidationError as error:
            raise errors.malformed(error.response.status_code) from None
        except ValueError:
            raise errors.malformed(200) from None
        except anthropic.APIConnectionError as error:
            raise errors.unreachable(error) from None
        return _answer(message, conversation.tool_name)

    async def aclose(self) -> None:
        await self._sdk.close()


def _answer(message: Message, tool_name: str) -> ToolAnswer:
    calls = [block for block in message.content if isinstance(block, ToolUseBlock) and block.name == tool_name]
    text = " ".join(block.text for block in message.content if isinstance(block, TextBlock)).strip()
    usage = message.usage
    billed_input = usage.input_tokens + (usage.cache_creation_input_tokens or 0) + (usage.cache_read_input_tokens or 0)
    return ToolAnswer(
        tool_input=dict(calls[0].input) if calls else None,
        tool_use_id=calls[0].id if calls else None,
        text=text,
        stop_reason=message.stop_reason,
        model=message.model,
        input_tokens=billed_input,
        output_tokens=usage.output_tokens,
    )
