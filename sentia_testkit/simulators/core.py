"""What every vendor simulator shares: routing, fault injection, a request log, and two ways to be reached.

A simulator is a set of named routes (one per vendor endpoint) over a backend that holds state. In process it is
an `httpx.MockTransport` (`simulator.transport()`); as a server it is an ASGI app (`simulator.asgi_app()`). An
endpoint the simulator does not implement answers 501 with a body that says so, never a plausible empty result.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx

NOT_IMPLEMENTED = "not implemented by the simulator"


@dataclass
class SimulatorRequest:
    """The request a route handler sees: the httpx request plus the path parameters its pattern captured."""

    request: httpx.Request
    params: dict[str, str]

    @property
    def method(self) -> str:
        return self.request.method

    @property
    def query(self) -> httpx.QueryParams:
        return self.request.url.params

    @property
    def headers(self) -> httpx.Headers:
        return self.request.headers

    def json(self) -> Any:
        return json.loads(self.request.content or b"null")


Handler = Callable[[SimulatorRequest], httpx.Response]


@dataclass(frozen=True)
class Route:
    name: str
    method: str
    pattern: re.Pattern[str]
    handler: Handler


@dataclass(frozen=True)
class Fault:
    """What a route answers instead of its normal response, for `times` calls."""

    status: int | None = None
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    timeout: bool = False
    """In process: raise httpx.ReadTimeout. As a server: answer only after `delay` seconds."""
    delay: float = 0.0
    times: int = 1


class FaultInjector:
    """Per-route queues of faults, consumed in order. `route="*"` applies to every route."""

    def __init__(self) -> None:
        self._queues: dict[str, deque[Fault]] = {}

    def add(self, route: str, fault: Fault) -> None:
        queue = self._queues.setdefault(route, deque())
        queue.extend([fault] * fault.times)

    def rate_limit(self, route: str = "*", *, retry_after: float = 1, times: int = 1, body: bytes = b"") -> None:
        self.add(route, Fault(status=429, headers={"retry-after": f"{retry_after:g}"}, body=body, times=times))

    def server_error(self, route: str = "*", *, status: int = 503, times: int = 1) -> None:
        self.add(route, Fault(status=status, body=b'{"error": "simulated server error"}', times=times))

    def timeout(self, route: str = "*", *, delay: float = 60.0, times: int = 1) -> None:
        self.add(route, Fault(timeout=True, delay=delay, times=times))

    def malformed(self, route: str = "*", *, times: int = 1) -> None:
        self.add(route, Fault(status=200, headers={"content-type": "application/json"}, body=b'{"trunc', times=times))

    def next_for(self, route: str) -> Fault | None:
        for key in (route, "*"):
            queue = self._queues.get(key)
            if queue:
                return queue.popleft()
        return None

    def clear(self) -> None:
        self._queues.clear()

    def pending(self) -> int:
        return sum(len(queue) for queue in self._queues.values())


def json_response(status: int, body: Any, headers: dict[str, str] | None = None) -> httpx.Response:
    return httpx.Response(status, json=body, headers=headers)


class Simulator:
    """Base of the vendor simulators. Subclasses declare routes with `self.route(...)` and keep state in a backend."""

    vendor = "vendor"

    def __init__(self) -> None:
        self.routes: list[Route] = []
        self.faults = FaultInjector()
        self.requests: list[httpx.Request] = []

    def route(self, method: str, path: str, name: str) -> Callable[[Handler], Handler]:
        """Declare a route; `{name}` in the path captures one segment, `{name:path}` the rest of the path."""
        regex = re.sub(r"\{(\w+):path\}", r"(?P<\1>.+)", path)
        regex = re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", regex)
        compiled = re.compile(f"^{regex}$")

        def register(handler: Handler) -> Handler:
            self.routes.append(Route(name, method.upper(), compiled, handler))
            return handler

        return register

    def match(self, method: str, path: str) -> tuple[Route, dict[str, str]] | None:
        for route in self.routes:
            found = route.pattern.match(path)
            if found and route.method == method:
                return route, found.groupdict()
        return None

    def handle(self, request: httpx.Request) -> httpx.Response:
        """Answer one request in process: a queued fault, the route's handler, or 501 for an endpoint not simulated.
        A timeout fault raises httpx.ReadTimeout, as the client's transport would."""
        answer = self._answer(request)
        if isinstance(answer, Fault):
            raise httpx.ReadTimeout(f"simulated timeout of {self.vendor}", request=request)
        return answer

    async def handle_async(self, request: httpx.Request) -> httpx.Response:
        """Answer one request as a server: a timeout fault answers only after its delay."""
        answer = self._answer(request)
        if isinstance(answer, Fault):
            await asyncio.sleep(answer.delay)
            return json_response(504, {"error": "simulated timeout"})
        return answer

    def _answer(self, request: httpx.Request) -> httpx.Response | Fault:
        """The response, or the timeout fault to apply."""
        self.requests.append(request)
        matched = self.match(request.method, request.url.path)
        if matched is None:
            return json_response(
                501,
                {"error": NOT_IMPLEMENTED, "vendor": self.vendor, "method": request.method, "path": request.url.path},
            )
        route, params = matched
        fault = self.faults.next_for(route.name)
        if fault is None:
            return route.handler(SimulatorRequest(request, params))
        if fault.timeout:
            return fault
        return httpx.Response(fault.status or 500, headers=fault.headers, content=fault.body)

    def transport(self) -> httpx.MockTransport:
        """An httpx transport answering from this simulator, for `httpx.AsyncClient(transport=...)`."""
        return httpx.MockTransport(self.handle)

    def requests_to(self, route: str) -> Iterator[httpx.Request]:
        """The recorded requests that matched `route` (for assertions on what a client sent)."""
        for request in self.requests:
            matched = self.match(request.method, request.url.path)
            if matched is not None and matched[0].name == route:
                yield request

    def reset(self) -> None:
        self.faults.clear()
        self.requests.clear()
