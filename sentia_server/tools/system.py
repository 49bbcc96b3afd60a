"""System tools: the server's own status and the catalogue of tools."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field

from sentia_server.auth.permissions import is_allowed
from sentia_server.auth.principal import Role
from sentia_server.cache import CacheTier
from sentia_server.tools.context import ToolContext
from sentia_server.tools.registry import ToolCategory, ToolGroup, ToolInput, ToolOutput

group = ToolGroup(ToolCategory.SYSTEM)


class SystemStatusInput(ToolInput):
    include_vendors: bool = Field(default=True, description="Include the configuration state of each vendor.")


class DependencyStatus(ToolOutput):
    status: Literal["ok", "degraded", "failed"]
    backend: str = Field(description="e.g. sqlite, postgresql, memory, redis")
    latency_ms: float | None = None
    detail: str | None = None


class VendorStatus(ToolOutput):
    name: str
    configured: bool
    missing_settings: list[str] = Field(description="Environment variables to set before the vendor can be called.")


OverallStatus = Literal["healthy", "degraded", "unhealthy"]


class SystemStatus(ToolOutput):
    status: OverallStatus
    version: str
    environment: str
    started_at: datetime
    uptime_seconds: float
    database: DependencyStatus
    cache: DependencyStatus
    vendors: list[VendorStatus] | None = None
    tools_total: int
    tools_by_category: dict[str, int]
    threat_level: Literal["none", "low", "elevated", "high", "critical"] | None = Field(
        default=None,
        description="The threat level from recent security events across all tenants; shown to admins only.",
    )


_OVERALL: dict[str, OverallStatus] = {"ok": "healthy", "degraded": "degraded", "failed": "unhealthy"}


@group.tool(
    "system-status",
    title="System status",
    read_only=True,
)
async def system_status(params: SystemStatusInput, ctx: ToolContext) -> SystemStatus:
    """Report the server's version and uptime, whether its database and cache answer, and which vendors are
    configured. Use it first when other tools fail."""
    runtime = ctx.runtime
    report = await runtime.check_health()
    dependencies = {
        dependency.name: DependencyStatus(
            status=dependency.status,
            backend=dependency.backend,
            latency_ms=dependency.latency_ms,
            detail=dependency.detail,
        )
        for dependency in report.dependencies
    }
    vendors = None
    if params.include_vendors:
        vendors = [
            VendorStatus(name=name, configured=settings.configured, missing_settings=settings.missing_settings())
            for name, settings in runtime.settings.vendor_settings().items()
        ]
    return SystemStatus(
        status=_OVERALL[report.status],
        version=runtime.version,
        environment=runtime.settings.environment.value,
        started_at=runtime.started_at,
        uptime_seconds=round(runtime.uptime_seconds, 3),
        database=dependencies["database"],
        cache=dependencies["cache"],
        vendors=vendors,
        tools_total=len(ctx.registry),
        tools_by_category={category: len(specs) for category, specs in ctx.registry.by_category().items()},
        threat_level=(await runtime.security.current_level()).label if ctx.principal.role is Role.ADMIN else None,
    )


class ListToolsInput(ToolInput):
    category: ToolCategory | None = Field(default=None, description="Only tools of this category.")


class ToolSummary(ToolOutput):
    name: str
    title: str
    description: str
    category: ToolCategory
    permission: str
    cache_tier: CacheTier
    read_only: bool
    callable: bool = Field(description="Whether the caller's role may call this tool.")


class ToolCatalogue(ToolOutput):
    total: int
    categories: dict[str, int]
    tools: list[ToolSummary]


@group.tool(
    "list-tools",
    title="List tools",
    read_only=True,
)
async def list_tools(params: ListToolsInput, ctx: ToolContext) -> ToolCatalogue:
    """List the server's tools by category, with the permission each needs and whether you may call it."""
    summaries = [
        ToolSummary(
            name=spec.name,
            title=spec.title,
            description=spec.description,
            category=spec.category,
            permission=spec.permission.value,
            cache_tier=spec.cache_tier,
            read_only=spec.read_only,
            callable=is_allowed(ctx.principal.role, spec.permission),
        )
        for spec in ctx.registry
        if params.category is None or spec.category is params.category
    ]
    categories: dict[str, int] = {}
    for summary in summaries:
        categories[summary.category.value] = categories.get(summary.category.value, 0) + 1
    return ToolCatalogue(total=len(summaries), categories=categories, tools=summaries)
