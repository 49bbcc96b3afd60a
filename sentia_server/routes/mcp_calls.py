"""`tools/call` answered directly: the MCP endpoint's most frequent request without the SDK's per-request machinery.

A tool call of the per-request protocol revision (2026-07-28 and later: one POST, one JSON answer, no session) is
self-contained. Answering it takes the bearer credential, the tool's name and arguments, and the executor, which
already does everything a call needs (rate limit, RBAC, argument validation, cache, audit, metrics). The SDK's path
adds, for each request, a Starlette sub-application with three authentication layers, a dispatch context, a server
runner with its own middleware chain, and two serialisations of the result, which together cost more than the call.

This endpoint answers the calls whose every part it can vouch for, exactly as the SDK would, and hands anything
else to the SDK unchanged: other methods, notifications and batches, earlier protocol revisions, SSE-only clients,
`Mcp-Param-*` headers, tools outside the registry, a request the SDK's own checks would refuse, and a credential that
does not verify (the SDK then answers the 401, and the verdict is not computed twice). The tests compare the two
paths' answers for successes, cache hits, refusals and errors.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Mapping
from typing import Any

import orjson
import structlog
from cachetools import LRUCache
from mcp.server.auth.middleware.auth_context import auth_context_var
from mcp.server.auth.middleware.bearer_auth import AuthenticatedUser
from mcp.server.auth.provider import AccessToken
from mcp.server.mcpserver.exceptions import ToolError
from mcp.server.streamable_http import check_accept_headers
from mcp.server.transport_security import TransportSecurityMiddleware, TransportSecuritySettings
from mcp.shared.exceptions import MCPError
from mcp.shared.inbound import (
    ERROR_CODE_HTTP_STATUS,
    MCP_PARAM_HEADER_PREFIX,
    InboundModernRoute,
    classify_inbound_request,
    find_duplicated_routing_header,
    x_mcp_header_map,
)
from mcp_types import SERVER_INFO_META_KEY, CallToolResult, InputRequiredResult, TextContent
from mcp_types.methods import serialize_server_result, validate_client_request
from pydantic import BaseModel, ValidationError
from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from sentia_server.auth.verifier import CredentialVerifier, RememberedVerdicts
from sentia_server.security.body import read_body
from sentia_server.tools.executor import ToolExecutor
from sentia_server.tools.registry import ToolRegistry, ToolSpec
from sentia_server.tools.results import SerializedResult

log = structlog.get_logger(__name__)

TOOLS_CALL = "tools/call"
_PARAM_HEADER_PREFIX = MCP_PARAM_HEADER_PREFIX.lower().encode()
_LONG_DIGIT_RUN = re.compile(rb"[0-9]{19}")
_JSON_HEADERS = [(b"content-type", b"application/json")]

RENDERED_BYTES = 8 * 1024 * 1024
RENDERED_MAX_BYTES = 128 * 1024
"""Cacheable tools' results are kept rendered, keyed by their wire form: 8 MiB of results up to 128 KiB each."""

ResultConversion = Callable[[ToolSpec[Any, Any], Any], CallToolResult | InputRequiredResult]


class _Handover(Exception):
    """The request is one for the SDK to answer."""


class DirectToolCalls:
    """The MCP endpoint: `tools/call` requests answered here, everything else by `sdk_app` (the SDK's streamable HTTP
    application, which keeps serving the rest of the protocol)."""

    def __init__(
        self,
        sdk_app: ASGIApp,
        *,
        mcp_path: str,
        registry: ToolRegistry,
        executor: ToolExecutor,
        credentials: CredentialVerifier,
        transport_security: TransportSecuritySettings,
        convert_result: ResultConversion,
        server_info: Mapping[str, Any],
    ) -> None:
        self._sdk_app = sdk_app
        self._convert_result = convert_result
        # What the SDK stamps on every result of a per-request revision (its `serverInfo`), encoded once.
        self._result_meta = json.dumps({SERVER_INFO_META_KEY: server_info}, separators=(",", ":")).encode()
        self._mcp_path = mcp_path
        self._executor = executor
        self._credentials = credentials
        self._transport_security = TransportSecurityMiddleware(transport_security)
        # A cached result comes back as the same bytes object while it stays in the cache (cache.compression).
        self._rendered: LRUCache[bytes, bytes] = LRUCache(maxsize=RENDERED_BYTES, getsizeof=len)
        # A tool whose schema binds arguments to Mcp-Param-* headers is left to the SDK, which checks them.
        self._tools: dict[str, ToolSpec[Any, Any]] = {
            spec.name: spec for spec in registry if not x_mcp_header_map(spec.input_schema)
        }

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST" or scope["path"] != self._mcp_path:
            await self._sdk_app(scope, receive, send)
            return
        body, replayed = await read_body(receive)
        remembered = RememberedVerdicts()
        try:
            await self._answer(scope, body, send)
        except _Handover:
            await self._sdk_app(scope, replayed, send)
        finally:
            remembered.forget()

    async def _answer(self, scope: Scope, body: bytes, send: Send) -> None:
        request = Request(scope)
        if any(name.startswith(_PARAM_HEADER_PREFIX) for name, _ in scope["headers"]):
            raise _Handover
        if await self._transport_security.validate_request(request, is_post=True) is not None:
            raise _Handover
        if not check_accept_headers(request)[0]:
            raise _Handover
        call, version = _tool_call(body, request)
        spec = self._tools.get(call["params"]["name"])
        if spec is None:
            raise _Handover
        access = await self._verified_access(request)
        user_token = auth_context_var.set(AuthenticatedUser(access))
        try:
            status, answer = await self._run(spec, call, version)
        finally:
            auth_context_var.reset(user_token)
        await send({"type": "http.response.start", "status": status, "headers": _with_length(answer)})
        await send({"type": "http.response.body", "body": answer})

    async def _verified_access(self, request: Request) -> AccessToken:
        authorization = request.headers.get("authorization", "")
        if not authorization.lower().startswith("bearer "):
            raise _Handover
        access = await self._credentials.verify_token(authorization[7:])
        if access is None or (access.expires_at is not None and access.expires_at < time.time()):
            raise _Handover  # the SDK answers 401; the verifier remembers its verdict for this request
        return access

    async def _run(self, spec: ToolSpec[Any, Any], call: Mapping[str, Any], version: str) -> tuple[int, bytes]:
        """Status and JSON-RPC answer of one call, with the SDK's mapping of outcomes: a protocol error for an
        `MCPError`, an `isError` result naming the tool for anything else."""
        request_id = call["id"]
        arguments = call["params"].get("arguments") or {}
        try:
            result = await self._executor.call(spec, arguments, jsonrpc_id=str(request_id))
            return 200, _envelope(request_id, "result", self._result_json(spec, result, version))
        except MCPError as error:
            status = ERROR_CODE_HTTP_STATUS.get(error.error.code, 200)
            return status, _envelope(request_id, "error", error.error.model_dump_json(by_alias=True, exclude_none=True))
        except ToolError as error:  # raised on purpose: its message is for the caller
            log.info("tool call failed", tool=spec.name, error=str(error))
            text = f"Error executing tool {spec.name}: {error}"
        except Exception as error:  # a crash: its text stays here
            log.error("tool call crashed", tool=spec.name, exc_info=error)
            text = f"Error executing tool {spec.name}"
        failed = CallToolResult(content=[TextContent(type="text", text=text)], is_error=True)
        return 200, _envelope(request_id, "result", self._shaped(failed, version))

    def _result_json(self, spec: ToolSpec[Any, Any], result: Any, version: str) -> bytes:
        """The result's JSON. A result in its wire form is sent as it is, beside its text content, with what the
        SDK adds to every result; anything else takes the SDK's conversion and shaping. A cacheable tool's result
        (already in its wire form) is rendered once for all the calls the cache answers with it."""
        if isinstance(result, SerializedResult):
            rendered = self._rendered.get(result.json)
            if rendered is None:
                rendered = self._rendered_result(result.json)
                if len(result.json) <= RENDERED_MAX_BYTES:
                    self._rendered[result.json] = rendered
            return rendered
        if type(result) is spec.output_model:
            return self._rendered_result(SerializedResult.of(result).json)
        return self._shaped(self._convert_result(spec, result), version)

    def _rendered_result(self, result_json: bytes) -> bytes:
        """A result in its wire form as the JSON of a `CallToolResult`: its text content and its structured content."""
        text = json.dumps(result_json.decode(), ensure_ascii=False).encode()
        return (
            b'{"content":[{"type":"text","text":' + text + b'}],"structuredContent":' + result_json
            + b',"isError":false,"resultType":"complete","_meta":' + self._result_meta + b"}"
        )  # fmt: skip

    def _shaped(self, result: BaseModel, version: str) -> bytes:
        """A result model in the wire shape of `version`, as the SDK's runner shapes it."""
        dumped = serialize_server_result(
            TOOLS_CALL, version, result.model_dump(by_alias=True, mode="json", exclude_none=True)
        )
        if dumped.get("resultType") is None:
            dumped["resultType"] = "complete"
        return (
            json.dumps(dumped, separators=(",", ":"), ensure_ascii=False).encode()[:-1]
            + b',"_meta":'
            + (self._result_meta + b"}")
        )


def _tool_call(body: bytes, request: Request) -> tuple[dict[str, Any], str]:
    """The decoded request and its protocol revision, if it is a well-formed `tools/call` of a per-request revision
    that the SDK would accept."""
    try:
        # orjson reads an integer beyond 64 bits as a float, which would change an argument's value; a body with 19
        # digits in a row may hold one, and is read by the standard parser. What orjson refuses otherwise (NaN,
        # lone surrogates, nesting past 1024) goes to the SDK, which parses and judges the request itself.
        call = json.loads(body) if _LONG_DIGIT_RUN.search(body) else orjson.loads(body)
    except (ValueError, RecursionError):  # orjson.JSONDecodeError is a ValueError
        raise _Handover from None
    if not isinstance(call, dict) or call.get("jsonrpc") != "2.0" or call.get("method") != TOOLS_CALL:
        raise _Handover
    request_id = call.get("id")
    if isinstance(request_id, bool) or not isinstance(request_id, str | int):
        raise _Handover
    params = call.get("params")
    if not isinstance(params, dict) or not isinstance(params.get("name"), str):
        raise _Handover
    if not isinstance(params.get("arguments", {}), dict | None):
        raise _Handover
    if find_duplicated_routing_header(request.headers.items()) is not None:
        raise _Handover
    route = classify_inbound_request(call, headers=request.headers)
    if not isinstance(route, InboundModernRoute):
        raise _Handover
    try:
        validate_client_request(TOOLS_CALL, route.protocol_version, params)
    except (ValueError, KeyError, ValidationError):
        raise _Handover from None
    return call, route.protocol_version


def _envelope(request_id: str | int, member: str, payload: str | bytes) -> bytes:
    encoded = payload.encode() if isinstance(payload, str) else payload
    return b'{"jsonrpc":"2.0","id":' + orjson.dumps(request_id) + b',"' + member.encode() + b'":' + encoded + b"}"


def _with_length(body: bytes) -> list[tuple[bytes, bytes]]:
    return [*_JSON_HEADERS, (b"content-length", str(len(body)).encode())]
