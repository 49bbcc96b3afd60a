"""The path of every tool call after the transport: principal → RBAC → arguments → cache → tool → audit."""

from __future__ import annotations

import time
import uuid
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, cast

import structlog
from mcp.server.mcpserver.exceptions import ToolError
from mcp.shared.exceptions import MCPError
from pydantic import BaseModel, ValidationError

from sentia_server.auth.permissions import is_allowed
from sentia_server.auth.principal import Principal
from sentia_server.cache import CacheTier
from sentia_server.cache.keys import tool_result_key
from sentia_server.cache.single_flight import flights_of
from sentia_server.integrations.http import VendorError, vendor_call_observer
from sentia_server.observability.context import request_id_var
from sentia_server.runtime import Runtime
from sentia_server.security.rate_limits import RateLimited, limits_for_call
from sentia_server.storage.audit import ToolExecutionRecord
from sentia_server.tools.context import ToolContext
from sentia_server.tools.errors import InternalToolError, InvalidArguments, PermissionDenied, Unauthenticated
from sentia_server.tools.registry import ToolRegistry, ToolSpec
from sentia_server.tools.results import SerializedResult

log = structlog.get_logger(__name__)

PrincipalResolver = Callable[[], Awaitable[Principal | None]]


class ToolExecutor:
    """Runs tools for one transport. Every call is recorded in `tool_executions`, whatever its outcome."""

    def __init__(
        self, runtime: Runtime, registry: ToolRegistry, resolve_principal: PrincipalResolver, transport: str
    ) -> None:
        self._runtime = runtime
        self._registry = registry
        self._resolve_principal = resolve_principal
        self._transport = transport

    async def call(
        self, spec: ToolSpec[Any, Any], arguments: Mapping[str, Any], *, jsonrpc_id: str | None
    ) -> BaseModel | SerializedResult:
        """Run one call: authorize, validate, answer from the cache or the handler, audit. A cacheable tool's
        result comes back serialized (`SerializedResult`), any other as its output model."""
        started = time.perf_counter()
        principal = await self._resolve_principal()
        if principal is None:
            raise Unauthenticated()
        request_id = request_id_var.get() or jsonrpc_id
        # Reports suspicious arguments and tool sweeps; never blocks (the input schema does) and never raises.
        await self._runtime.security.inspect_tool_call(spec.name, arguments, principal, request_id)
        status, error_class = "error", None
        observing = vendor_call_observer.set(self._runtime.metrics)
        try:
            result = await self._authorized_call(spec, arguments, principal, request_id)
            status = "success"
            return result
        except PermissionDenied as error:
            status, error_class = "denied", type(error).__name__
            raise
        except RateLimited as error:
            status, error_class = "rate_limited", type(error).__name__
            raise
        except InvalidArguments as error:
            status, error_class = "invalid_arguments", type(error).__name__
            raise
        except VendorError as error:  # the vendor, its status and what to do: for the caller to read
            error_class = type(error).__name__
            raise ToolError(str(error)) from None
        except (ToolError, MCPError) as error:
            error_class = type(error).__name__
            raise
        except Exception as error:
            error_class = type(error).__name__
            reference = request_id or uuid.uuid4().hex
            log.error("tool failed", tool=spec.name, reference=reference, exc_info=error)
            raise InternalToolError(spec.name, reference) from None
        finally:
            vendor_call_observer.reset(observing)
            await self._audit(spec, principal, status, error_class, started, request_id)

    async def _authorized_call(
        self, spec: ToolSpec[Any, Any], arguments: Mapping[str, Any], principal: Principal, request_id: str | None
    ) -> BaseModel | SerializedResult:
        settings = self._runtime.settings
        limits = limits_for_call(
            spec.name, category=spec.category.value, read_only=spec.read_only, principal=principal, settings=settings
        )
        await self._runtime.tool_limits.check(spec.name, limits)
        if not is_allowed(principal.role, spec.permission):
            raise PermissionDenied(spec.name, principal, spec.permission)
        try:
            params = spec.input_model.model_validate(arguments)
        except ValidationError as error:
            raise InvalidArguments.from_validation_error(
                spec.name, error, list(spec.input_model.model_fields)
            ) from None
        context = ToolContext(principal, self._runtime, self._registry, request_id, self._transport)
        if spec.cache_tier is not CacheTier.NONE:
            return await self._cached_call(spec, params, context)
        result: BaseModel = await spec.handler(params, context)
        if not spec.read_only:
            await self._invalidate(spec, principal.tenant)
        return result

    def _generation_key(self, spec: ToolSpec[Any, Any], tenant: str) -> str:
        return f"generation:{tenant}:{spec.category.value}"

    async def _invalidate(self, spec: ToolSpec[Any, Any], tenant: str) -> None:
        """After a change through a write tool, the tenant's cached reads of that vendor no longer count: they were
        keyed with the previous generation. The marker outlives every cached entry it guards."""
        ttl = 2 * self._runtime.settings.cache_ttl_seconds(CacheTier.LONG.value)
        await self._runtime.cache.set(self._generation_key(spec, tenant), uuid.uuid4().hex.encode(), ttl)

    async def _cached_call(self, spec: ToolSpec[Any, Any], params: BaseModel, context: ToolContext) -> SerializedResult:
        cache = self._runtime.cache
        generation = await cache.get(self._generation_key(spec, context.principal.tenant)) or b""
        key = tool_result_key(
            spec.name,
            context.principal.tenant,
            params.model_dump(mode="json"),
            generation.decode(),
            spec.output_fingerprint,
        )
        tier = spec.cache_tier.value
        cached = await cache.get(key)
        if cached is not None:
            self._runtime.metrics.observe_cache(tier, hit=True)
            return SerializedResult(cached)

        async def compute() -> SerializedResult:
            self._runtime.metrics.observe_cache(tier, hit=False)
            computed = SerializedResult.of(await spec.handler(params, context))
            await cache.set(key, computed.json, self._runtime.settings.cache_ttl_seconds(tier))
            return computed

        # Identical misses in flight at once share one execution; a failure reaches them all and is not cached.
        result, _shared = await flights_of(cache).run(
            key, compute, on_join=lambda: self._runtime.metrics.observe_cache_coalesced(tier)
        )
        return cast("SerializedResult", result)

    async def _audit(
        self,
        spec: ToolSpec[Any, Any],
        principal: Principal,
        status: str,
        error_class: str | None,
        started: float,
        request_id: str | None,
    ) -> None:
        seconds = time.perf_counter() - started
        self._runtime.metrics.observe_tool(spec.name, status, seconds)
        record = ToolExecutionRecord(
            principal_subject=principal.subject,
            principal_role=principal.role.value,
            tenant=principal.tenant,
            auth_method=principal.auth_method.value,
            transport=self._transport,
            tool=spec.name,
            status=status,
            duration_ms=round(seconds * 1000, 3),
            error_class=error_class,
            request_id=request_id,
        )
        try:
            await self._runtime.tool_log.submit(record)
        except Exception as error:  # an audit outage must not turn a finished call into a failure
            log.error("tool execution not recorded", tool=spec.name, error_type=type(error).__name__)
