"""The OpenAI simulator: Chat Completions, Responses, Models and Embeddings over a stateful backend seeded from
`fixtures/openai/`. Answers are canned (`queue_completion`) or derived deterministically from the request; every
body parses with the official SDK's types. Usable in process (`transport()`) or as a server
(`SimulatorApp({"openai": OpenAISimulator()})`, then point SENTIA_OPENAI__BASE_URL at `<url>/openai/v1`)."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sentia_testkit.simulators.core import Fault, Simulator
from sentia_testkit.simulators.model_api import ModelUsage, sdk_transport

if TYPE_CHECKING:
    import httpx2
from sentia_testkit.simulators.openai import errors
from sentia_testkit.simulators.openai.backend import FIXTURES_DIR, OpenAIBackend, QueuedCompletion
from sentia_testkit.simulators.openai.routes import register_routes

API_KEY = "sk-proj-sentia-simulator-mcp-server-2f8c1e9a7b"
"""The seed's key of Sentia Spirits Ltd's sentia-mcp-server project."""
ORGANIZATION = "org-SentiaSpiritsLtd7Q2x"
PROJECT = "proj_SentiaMcpServer4Kp9"


class OpenAISimulator(Simulator):
    vendor = "openai"

    def __init__(self, *, fixtures: Path = FIXTURES_DIR, clock: Callable[[], float] = time.time) -> None:
        super().__init__()
        self.backend = OpenAIBackend(fixtures=fixtures, clock=clock)
        register_routes(self, self.backend)

    def queue_completion(
        self,
        content: str | None = None,
        *,
        json_body: Any = None,
        refusal: str | None = None,
        finish_reason: str = "stop",
        prompt_tokens: int | None = None,
        completion_tokens: int | None = None,
    ) -> None:
        """Answer the next chat completion or response with this instead of a derived answer: `content` as text,
        or `json_body` serialised as the text (for a structured answer), or a `refusal`."""
        text = json.dumps(json_body) if json_body is not None else content
        self.backend.enqueue(
            QueuedCompletion(
                content=text,
                refusal=refusal,
                finish_reason=finish_reason,
                prompt_tokens=prompt_tokens,
                completion_tokens=completion_tokens,
            )
        )

    def usage(self, organization: str = ORGANIZATION) -> dict[str, ModelUsage]:
        """Requests and tokens per model the organisation used so far."""
        return self.backend.organizations[organization].usage

    def rate_limit(self, route: str = "*", *, retry_after: float = 1, times: int = 1) -> None:
        """The next `times` calls of `route` get OpenAI's 429 with Retry-After."""
        status, headers, body = errors.rate_limited(retry_after)
        self.faults.add(route, Fault(status=status, headers=headers, body=body, times=times))

    def server_error(self, route: str = "*", *, status: int = 500, times: int = 1) -> None:
        """The next `times` calls of `route` get OpenAI's server error body with `status`."""
        status, headers, body = errors.server_error(status)
        self.faults.add(route, Fault(status=status, headers=headers, body=body, times=times))

    def server_settings(self, url: str) -> dict[str, str]:
        """The SENTIA_OPENAI__* settings that point the Sentia server at this simulator served at `url`
        (e.g. http://127.0.0.1:8900/openai)."""
        return {
            "SENTIA_OPENAI__API_KEY": API_KEY,
            "SENTIA_OPENAI__BASE_URL": f"{url.rstrip('/')}/v1",
            "SENTIA_OPENAI__ORGANIZATION": ORGANIZATION,
            "SENTIA_OPENAI__PROJECT": PROJECT,
        }

    def sdk_transport(self) -> httpx2.MockTransport:
        """An httpx2 transport answering from this simulator, for the official SDK's `http_client`."""
        return sdk_transport(self)

    def reset(self) -> None:
        super().reset()
        self.backend.reset()
