"""What the OpenAI and Anthropic simulators share: token usage per model, the per-minute request window behind
their rate-limit headers, and an in-process transport for the official SDKs, which send through httpx2: each
request is answered by a simulator (faults included; a timeout fault raises httpx2.ReadTimeout, as a real
transport would).

    client = anthropic.AsyncAnthropic(api_key=API_KEY, base_url="https://api.anthropic.test",
                                      http_client=httpx2.AsyncClient(transport=sdk_transport(simulator)))
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from typing import TYPE_CHECKING

import httpx

from sentia_testkit.simulators.core import Simulator

if TYPE_CHECKING:
    import httpx2

DROPPED = ("content-length", "content-encoding")
WINDOW_SECONDS = 60.0


@dataclass
class ModelUsage:
    """Requests and tokens one organisation or workspace used with one model."""

    requests: int = 0
    input_tokens: int = 0
    output_tokens: int = 0


def add_usage(usage: dict[str, ModelUsage], model: str, input_tokens: int, output_tokens: int) -> None:
    tally = usage.setdefault(model, ModelUsage())
    tally.requests += 1
    tally.input_tokens += input_tokens
    tally.output_tokens += output_tokens


@dataclass(frozen=True)
class RequestWindow:
    """The per-minute request window after counting a request (or refusing it)."""

    limit: int
    remaining: int
    reset_seconds: float
    allowed: bool


def count_request(window: deque[float], limit: int, now: float) -> RequestWindow:
    """Count one request made at `now` in `window` (the times of the last minute's requests), unless it is full."""
    while window and now - window[0] >= WINDOW_SECONDS:
        window.popleft()
    if len(window) >= limit:
        return RequestWindow(limit, 0, WINDOW_SECONDS - (now - window[0]), allowed=False)
    window.append(now)
    return RequestWindow(limit, limit - len(window), WINDOW_SECONDS - (now - window[0]), allowed=True)


def sdk_transport(simulator: Simulator) -> httpx2.MockTransport:
    import httpx2

    def handle(request: httpx2.Request) -> httpx2.Response:
        outgoing = httpx.Request(
            request.method, str(request.url), headers=request.headers.multi_items(), content=request.read()
        )
        try:
            answer = simulator.handle(outgoing)
        except httpx.TimeoutException as error:
            raise httpx2.ReadTimeout(str(error), request=request) from None
        kept = [(k, v) for k, v in answer.headers.multi_items() if k.lower() not in DROPPED]
        return httpx2.Response(answer.status_code, headers=kept, content=answer.content, request=request)

    return httpx2.MockTransport(handle)
