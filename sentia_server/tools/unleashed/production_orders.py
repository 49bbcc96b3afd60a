"""unleashed-get-production-orders: assemblies (Unleashed's production orders), paged, with their component lines
and whether each is late against its assemble-by date."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import Field, model_validator

from sentia_server.cache import CacheTier
from sentia_server.integrations.unleashed import ASSEMBLIES, Page
from sentia_server.integrations.unleashed.models import Assembly
from sentia_server.tools.context import ToolContext
from sentia_server.tools.paging import PageInfo, fit_to_budget
from sentia_server.tools.registry import ToolInput, ToolOutput
from sentia_server.tools.unleashed.common import (
    AsOf,
    Guid,
    ModifiedSince,
    PageNumber,
    PageSize,
    ProductRefOut,
    WarehouseRefOut,
    day_of,
    group,
    number,
    page_info,
    product_ref,
    unleashed_client,
    utc_today,
    warehouse_ref,
)

AssemblyStatus = Literal["Parked", "Completed"]
"""Unleashed's fixed assembly statuses; custom statuses refine Parked."""
CustomStatus = Annotated[str, Field(min_length=1, max_length=50)]


class ProductionOrdersInput(ToolInput):
    assembly_guid: Guid | None = Field(
        default=None, description="Only this assembly (its Unleashed Guid); the other filters are then ignored."
    )
    assembly_number: Annotated[str, Field(min_length=1, max_length=50)] | None = Field(
        default=None, description="Only the assembly with this number (e.g. ASM-00042); overrides the other filters."
    )
    statuses: list[AssemblyStatus] | None = Field(
        default=None, min_length=1, description="Only assemblies in these statuses (Parked: not yet completed)."
    )
    custom_statuses: list[CustomStatus] | None = Field(
        default=None,
        min_length=1,
        max_length=10,
        description="Only assemblies with these custom statuses (e.g. 'In Production'); overrides statuses.",
    )
    created_from: date | None = Field(default=None, description="Created on or after this day.")
    created_to: date | None = Field(default=None, description="Created on or before this day.")
    modified_since: ModifiedSince
    include_lines: bool = Field(default=True, description="Add each assembly's component lines.")
    late_only: bool = Field(default=False, description="Keep only the page's assemblies that are late.")
    as_of: AsOf
    page: PageNumber
    page_size: PageSize

    @model_validator(mode="after")
    def _consistent(self) -> ProductionOrdersInput:
        if self.created_from and self.created_to and self.created_from > self.created_to:
            raise ValueError("created_from must not be after created_to")
        return self


class AssemblyLineOut(ToolOutput):
    line_number: int | None
    component: ProductRefOut
    quantity: float
    wastage_quantity: float | None


class AssemblyOut(ToolOutput):
    guid: str
    number: str
    status: str = Field(description="Parked or Completed.")
    custom_status: str | None
    product: ProductRefOut
    quantity: float
    assembly_date: date | None = Field(description="The assembly's date (for a completed one, when it was done).")
    assemble_by: date | None = Field(description="The date it is due.")
    estimated_start: date | None
    source_warehouse: WarehouseRefOut | None
    destination_warehouse: WarehouseRefOut | None
    comments: str | None
    late: bool = Field(description="Due before as_of and still parked, or completed after its due date.")
    days_late: int | None = Field(description="Days past the due date (to as_of, or to completion).")
    lines: list[AssemblyLineOut] | None = None


class ProductionSummary(ToolOutput):
    by_status: dict[str, int]
    by_custom_status: dict[str, int]
    late: int
    units_parked: float = Field(description="Units on this page's parked assemblies.")


class ProductionOrderList(ToolOutput):
    assemblies: list[AssemblyOut]
    summary: ProductionSummary = Field(description="Figures over this page's assemblies, before late_only.")
    page: PageInfo
    total_matching: int
    as_of: date


def lateness(assembly: Assembly, as_of: date) -> int | None:
    """Days late: a parked assembly past its due date counts to `as_of`, a completed one to its completion."""
    due = day_of(assembly.assemble_by)
    if due is None:
        return None
    if assembly.assembly_status == "Completed":
        done = day_of(assembly.assembly_date)
        return (done - due).days if done is not None and done > due else None
    return (as_of - due).days if as_of > due else None


def assembly_out(assembly: Assembly, as_of: date, *, lines: bool) -> AssemblyOut:
    days_late = lateness(assembly, as_of)
    return AssemblyOut(
        guid=assembly.guid,
        number=assembly.assembly_number,
        status=assembly.assembly_status,
        custom_status=assembly.custom_assembly_status,
        product=product_ref(assembly.product),
        quantity=number(assembly.quantity) or 0.0,
        assembly_date=day_of(assembly.assembly_date),
        assemble_by=day_of(assembly.assemble_by),
        estimated_start=day_of(assembly.estimated_start_date),
        source_warehouse=warehouse_ref(assembly.source_warehouse),
        destination_warehouse=warehouse_ref(assembly.destination_warehouse),
        comments=assembly.comments,
        late=days_late is not None,
        days_late=days_late,
        lines=[
            AssemblyLineOut(
                line_number=line.line_number,
                component=product_ref(line.product),
                quantity=number(line.quantity) or 0.0,
                wastage_quantity=number(line.wastage_quantity),
            )
            for line in assembly.assembly_lines
        ]
        if lines
        else None,
    )


def summarise(assemblies: list[AssemblyOut]) -> ProductionSummary:
    by_status: dict[str, int] = {}
    by_custom: dict[str, int] = {}
    for item in assemblies:
        by_status[item.status] = by_status.get(item.status, 0) + 1
        if item.custom_status:
            by_custom[item.custom_status] = by_custom.get(item.custom_status, 0) + 1
    parked = sum(item.quantity for item in assemblies if item.status == "Parked")
    return ProductionSummary(
        by_status=by_status, by_custom_status=by_custom, late=sum(a.late for a in assemblies), units_parked=parked
    )


@group.tool(
    "unleashed-get-production-orders",
    title="Unleashed production orders (assemblies)",
    cache_tier=CacheTier.SHORT,
    read_only=True,
    open_world=True,
)
async def get_production_orders(params: ProductionOrdersInput, ctx: ToolContext) -> ProductionOrderList:
    """List assemblies (production orders: a product made from its bill of materials) by number, status, custom
    status or dates, one page at a time, with their component lines, due dates and which are late; the summary
    counts the page's assemblies by status."""
    client = unleashed_client(ctx)
    as_of = params.as_of or utc_today()
    found: Page[Assembly] = await client.page_or_one(
        ASSEMBLIES,
        params.assembly_guid,
        page=params.page,
        page_size=params.page_size,
        filters={
            "assemblyNumber": params.assembly_number,
            "assemblyStatus": params.statuses,
            "customAssemblyStatus": params.custom_statuses,
            "startDate": params.created_from,
            "endDate": params.created_to,
            "modifiedSince": params.modified_since,
        },
    )
    assemblies = [assembly_out(a, as_of, lines=params.include_lines) for a in found.items]
    summary = summarise(assemblies)
    listed = [a for a in assemblies if a.late] if params.late_only else assemblies
    kept, reason = fit_to_budget(listed, ctx.runtime.settings.tool_response_budget_bytes)
    return ProductionOrderList(
        assemblies=kept,
        summary=summary,
        page=page_info(found, len(kept), reason),
        total_matching=found.number_of_items,
        as_of=as_of,
    )
