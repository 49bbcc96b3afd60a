"""The Anthropic simulator: Messages (with tool use), token counting and Models over a stateful backend seeded
from `fixtures/anthropic/`. Answers are canned (`queue_completion`) or derived deterministically from the request;
every body parses with the official SDK's types. Usable in process (`transport()`) or as a server
(`SimulatorApp({"anthropic": AnthropicSimulator()})`, then point SENTIA_ANTHROPIC__BASE_URL at `<url>/anthropic`)."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sentia_testkit.simulators.anthropic import errors
from sentia_testkit.simulators.anthropic.backend import FIXTURES_DIR, AnthropicBackend, QueuedMessage
from sentia_testkit.simulators.anthropic.routes import register_routes
from sentia_testkit.simulators.core import Fault, Simulator
from sentia_testkit.simulators.model_api import ModelUsage, sdk_transport

if TYPE_CHECKING:
    import httpx2

API_KEY = "sk-ant-api03-sentia-simulator-operations-4b7e2c9d1f"
"""The seed's key of the operations-analysis workspace."""
WORKSPACE = "wrkspc_01SentiaOperations9Xq"


class AnthropicSimulator(Simulator):
    vendor = "anthropic"

    def __init__(self, *, fixtures: Path = FIXTURES_DIR, clock: Callable[[], float] = time.time) -> None:
        super().__init__()
        self.backend = AnthropicBackend(fixtures=fixtures, clock=clock)
        register_routes(self, self.backend)

    def queue_completion(
        self,
        text: str | None = None,
        *,
        tool_input: dict[str, Any] | None = None,
        stop_reason: str | None = None,
        input_tokens: int | None = None,
        output_tokens: int | None = None,
    ) -> None:
        """Answer the next message with this instead of a derived answer: `tool_input` as a call of the requested
        tool (stop reason tool_use), or `text` (end_turn); `stop_reason` overrides either (max_tokens, refusal)."""
        self.backend.enqueue(
            QueuedMessage(
                text=text,
                tool_input=tool_input,
                stop_reason=stop_reason,
                input_tokens=input_tokens,
                output_tokens=output_tokens,
            )
        )

    def usage(self, workspace: str = WORKSPACE) -> dict[str, ModelUsage]:
        """Requests and tokens per model the workspace used so far."""
        return self.backend.workspaces[workspace].usage

    def rate_limit(self, route: str = "*", *, retry_after: float = 1, times: int = 1) -> None:
        """The next `times` calls of `route` get Anthropic's 429 rate_limit_error with Retry-After."""
        status, headers, body = errors.rate_limited(retry_after)
        self.faults.add(route, Fault(status=status, headers=headers, body=body, times=times))

    def overloaded(self, route: str = "*", *, times: int = 1) -> None:
        """The next `times` calls of `route` get Anthropic's 529 overloaded_error."""
        status, headers, body = errors.server_error("overloaded_error")
        self.faults.add(route, Fault(status=status, headers=headers, body=body, times=times))

    def server_error(self, route: str = "*", *, times: int = 1) -> None:
        """The next `times` calls of `route` get Anthropic's 500 api_error."""
        status, headers, body = errors.server_error("api_error")
        self.faults.add(route, Fault(status=status, headers=headers, body=body, times=times))

    def server_settings(self, url: str) -> dict[str, str]:
        """The SENTIA_ANTHROPIC__* settings that point the Sentia server at this simulator served at `url`
        (e.g. http://127.0.0.1:8900/anthropic)."""
        return {"SENTIA_ANTHROPIC__API_KEY": API_KEY, "SENTIA_ANTHROPIC__BASE_URL": url.rstrip("/")}

    def sdk_transport(self) -> httpx2.MockTransport:
        """An httpx2 transport answering from this simulator, for the official SDK's `http_client`."""
        return sdk_transport(self)

    def reset(self) -> None:
        super().reset()
        self.backend.reset()
