"""Send every payload into every string an MCP tool or a REST route accepts, and report what went wrong.

For each tool the probe builds arguments that are valid except for the attacked string (samples from the tool's
input schema), sends one payload at a time, and checks the answer: no internal error (JSON-RPC -32603, a tool
error admitting an internal failure, an HTTP 5xx, or a stack trace or internal path in any text), no payload
reflected into an HTML response, and, given simulators that log their requests, no payload reaching a vendor
request unencoded (raw in a URL, or inside a GraphQL document instead of its variables). Strings limited to an
`enum` or a `const` are skipped: they accept nothing else.
"""

from __future__ import annotations

import copy
import json
import shlex
from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import anyio
import httpx

from sentia_testkit.security import evidence
from sentia_testkit.security.corpus import Payload, all_payloads, stratified_sample
from sentia_testkit.security.evidence import HasRequests
from sentia_testkit.security.findings import Finding, Report, Severity
from sentia_testkit.security.schemas import Path, sample_value, string_slots, with_value_at

INTERNAL_ERROR = "internal-error"
HTML_REFLECTION = "html-reflection"
VENDOR_ENCODING = "vendor-encoding"
NO_ANSWER = "no-answer"
DEFAULT_PER_CATEGORY = 3


class McpSession(Protocol):
    """What the probe needs of an MCP client: `mcp.Client` and `mcp.ClientSession` both fit."""

    async def list_tools(self) -> Any: ...

    async def call_tool(self, name: str, arguments: dict[str, Any] | None = None) -> Any: ...


@dataclass(frozen=True)
class ProbeOptions:
    """How much to send. `per_category` payloads of each corpus per string (0: the whole corpus); tools named in
    `full_corpus` always get every payload."""

    per_category: int = DEFAULT_PER_CATEGORY
    full_corpus: Collection[str] = ()
    seed: int = 0
    payloads: Sequence[Payload] | None = None
    simulators: Sequence[HasRequests] = ()
    timeout: float = 30.0
    internal_error_markers: Sequence[str] = evidence.INTERNAL_ERROR_MARKERS

    def payloads_for(self, target: str) -> list[Payload]:
        corpus = list(self.payloads) if self.payloads is not None else all_payloads()
        per_category = 0 if target in self.full_corpus else self.per_category
        return stratified_sample(corpus, per_category, seed=self.seed)


@dataclass(frozen=True)
class RestRoute:
    """A REST route and a valid JSON body for it: every string in the body is attacked in turn."""

    method: str
    path: str
    body: Any
    headers: Mapping[str, str] = field(default_factory=dict)


def _format_path(path: Path) -> str:
    return "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in path).lstrip(".")


class _Recorder:
    """Which simulator requests arrived while one probe was in flight."""

    def __init__(self, simulators: Sequence[HasRequests]) -> None:
        self.simulators = simulators
        self.marks = [0] * len(simulators)

    def start(self) -> None:
        self.marks = [len(simulator.requests) for simulator in self.simulators]

    def received(self) -> Iterator[Any]:
        for simulator, mark in zip(self.simulators, self.marks, strict=True):
            yield from list(simulator.requests)[mark:]


async def probe_mcp(session: McpSession, options: ProbeOptions | None = None, *, tools: Collection[str] = ()) -> Report:
    """Probe every tool the session lists (or only those named in `tools`)."""
    options = options or ProbeOptions()
    report = Report("MCP input probe")
    recorder = _Recorder(options.simulators)
    for tool in await _list_tools(session):
        name: str = tool.name
        if tools and name not in tools:
            continue
        schema = _input_schema(tool)
        base = sample_value(schema)
        for slot in string_slots(schema):
            target = f"{name} {_format_path(slot)}"
            for payload in options.payloads_for(name):
                arguments = with_value_at(base, schema, slot, payload.text)
                recorder.start()
                report.probes += 1
                report.extend(await _call_and_judge(session, name, arguments, payload, target, options))
                report.extend(_vendor_findings(payload, recorder, target, _mcp_reproducer(name, arguments)))
    return report


async def _list_tools(session: McpSession) -> list[Any]:
    listed = await session.list_tools()
    found = list(listed.tools)
    while getattr(listed, "next_cursor", None):
        listed = await session.list_tools(cursor=listed.next_cursor)  # type: ignore[call-arg]
        found.extend(listed.tools)
    return found


def _input_schema(tool: Any) -> Mapping[str, Any]:
    schema = getattr(tool, "input_schema", None) or getattr(tool, "inputSchema", None) or {"type": "object"}
    return dict(schema)


def _mcp_reproducer(name: str, arguments: Any) -> str:
    return f"tools/call {name} {json.dumps(arguments, ensure_ascii=True)}"


async def _call_and_judge(
    session: McpSession, name: str, arguments: Any, payload: Payload, target: str, options: ProbeOptions
) -> list[Finding]:
    reproducer = _mcp_reproducer(name, arguments)
    sent = f"payload {payload.text!r} ({payload.category})"
    try:
        with anyio.fail_after(options.timeout):
            result = await session.call_tool(name, arguments)
    except TimeoutError:
        return [
            Finding(NO_ANSWER, f"no answer within {options.timeout:g} s", Severity.MEDIUM, target, sent, reproducer)
        ]
    except Exception as error:  # the probe reports any failure instead of stopping at the first
        code = getattr(getattr(error, "error", None), "code", getattr(error, "code", None))
        text = str(getattr(getattr(error, "error", None), "message", error))
        if code == evidence.JSONRPC_INTERNAL_ERROR or not isinstance(code, int):
            what = f"JSON-RPC error {code}" if isinstance(code, int) else f"the call failed ({type(error).__name__})"
            return [Finding(INTERNAL_ERROR, what, Severity.HIGH, target, f"{sent}: {text[:300]}", reproducer)]
        return _leak_findings(text, sent, target, reproducer)
    findings = []
    texts = [getattr(item, "text", "") or "" for item in getattr(result, "content", [])]
    joined = "\n".join(texts)
    if getattr(result, "is_error", False) and evidence.admits_internal_error(joined, options.internal_error_markers):
        findings.append(
            Finding(
                INTERNAL_ERROR,
                "tool error admits an internal failure",
                Severity.HIGH,
                target,
                f"{sent}: {joined[:300]}",
                reproducer,
            )
        )
    findings.extend(_leak_findings(joined, sent, target, reproducer))
    for item in getattr(result, "content", []):
        resource = getattr(item, "resource", None)
        mime = str(getattr(resource, "mime_type", None) or getattr(resource, "mimeType", None) or "")
        if evidence.reflected_into_html(payload.text, mime, str(getattr(resource, "text", "") or "")):
            findings.append(
                Finding(
                    HTML_REFLECTION, "payload reflected unescaped into HTML", Severity.HIGH, target, sent, reproducer
                )
            )
    return findings


def _leak_findings(text: str, sent: str, target: str, reproducer: str) -> list[Finding]:
    leaked = evidence.leaks(text)
    if leaked is None:
        return []
    return [
        Finding(
            INTERNAL_ERROR, "answer reveals internals", Severity.HIGH, target, f"{sent}: shows {leaked!r}", reproducer
        )
    ]


def _vendor_findings(payload: Payload, recorder: _Recorder, target: str, reproducer: str) -> list[Finding]:
    sent = f"payload {payload.text!r} ({payload.category})"
    return [
        Finding(VENDOR_ENCODING, title, Severity.HIGH, target, f"{sent}: {detail}", reproducer)
        for title, detail in evidence.vendor_request_problems(payload.text, recorder.received())
    ]


def json_string_slots(body: Any, prefix: Path = ()) -> Iterator[Path]:
    """Every string leaf of a JSON value, as a path of keys and indexes."""
    if isinstance(body, str):
        yield prefix
    elif isinstance(body, Mapping):
        for key, value in body.items():
            yield from json_string_slots(value, (*prefix, key))
    elif isinstance(body, list):
        for index, value in enumerate(body):
            yield from json_string_slots(value, (*prefix, index))


def _replaced(body: Any, path: Path, value: str) -> Any:
    copied = copy.deepcopy(body)
    if not path:
        return value
    container = copied
    for part in path[:-1]:
        container = container[part]
    container[path[-1]] = value
    return copied


async def probe_rest(
    client: httpx.AsyncClient, routes: Sequence[RestRoute], options: ProbeOptions | None = None
) -> Report:
    """Probe every string of each route's JSON body through `client` (its base URL and headers apply)."""
    options = options or ProbeOptions()
    report = Report("REST input probe")
    recorder = _Recorder(options.simulators)
    for route in routes:
        route_name = f"{route.method.upper()} {route.path}"
        for slot in json_string_slots(route.body):
            target = f"{route_name} body{'.' if slot else ''}{_format_path(slot)}"
            for payload in options.payloads_for(route_name):
                body = _replaced(route.body, slot, payload.text)
                recorder.start()
                report.probes += 1
                reproducer = _curl(client, route, body)
                report.extend(await _send_and_judge(client, route, body, payload, target, reproducer, options))
                report.extend(_vendor_findings(payload, recorder, target, reproducer))
    return report


def _curl(client: httpx.AsyncClient, route: RestRoute, body: Any) -> str:
    url = client.base_url.join(route.path)
    headers = " ".join(f"-H {shlex.quote(f'{name}: {value}')}" for name, value in route.headers.items())
    data = shlex.quote(json.dumps(body, ensure_ascii=True))
    return f"curl -X {route.method.upper()} {shlex.quote(str(url))} -H 'content-type: application/json' " + (
        f"{headers} --data {data}" if headers else f"--data {data}"
    )


async def _send_and_judge(
    client: httpx.AsyncClient,
    route: RestRoute,
    body: Any,
    payload: Payload,
    target: str,
    reproducer: str,
    options: ProbeOptions,
) -> list[Finding]:
    sent = f"payload {payload.text!r} ({payload.category})"
    try:
        with anyio.fail_after(options.timeout):
            response = await client.request(route.method, route.path, json=body, headers=dict(route.headers))
    except TimeoutError:
        return [
            Finding(NO_ANSWER, f"no answer within {options.timeout:g} s", Severity.MEDIUM, target, sent, reproducer)
        ]
    except Exception as error:  # an app that raises through an in-process transport, or drops the connection
        detail = f"{sent}: {type(error).__name__}"
        return [Finding(INTERNAL_ERROR, "the request failed", Severity.HIGH, target, detail, reproducer)]
    findings = []
    if response.status_code >= 500:
        findings.append(
            Finding(
                INTERNAL_ERROR,
                f"HTTP {response.status_code}",
                Severity.HIGH,
                target,
                f"{sent}: {response.text[:300]}",
                reproducer,
            )
        )
    findings.extend(_leak_findings(response.text, sent, target, reproducer))
    if evidence.reflected_into_html(payload.text, response.headers.get("content-type", ""), response.text):
        findings.append(
            Finding(HTML_REFLECTION, "payload reflected unescaped into HTML", Severity.HIGH, target, sent, reproducer)
        )
    return findings
