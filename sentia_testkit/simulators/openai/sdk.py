"""An in-process transport for the official OpenAI and Anthropic SDKs, which send through httpx2: each request is
answered by a simulator (faults included; a timeout fault raises httpx2.ReadTimeout, as a real transport would).

    client = anthropic.AsyncAnthropic(api_key=API_KEY, base_url="https://api.anthropic.test",
                                      http_client=httpx2.AsyncClient(transport=sdk_transport(simulator)))
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import httpx

from sentia_testkit.simulators.core import Simulator

if TYPE_CHECKING:
    import httpx2

DROPPED = ("content-length", "content-encoding")


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
        kept = [
            (k, v) for k, v in answer.headers.multi_items() if k.lower() not in ("content-length", "content-encoding")
        ]
        return httpx2.Response(answer.status_code, headers=kept, content=answer.content, request=request)

    return httpx2.MockTransport(handle)
