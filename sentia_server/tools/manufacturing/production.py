"""manufacturing-production-status: Unleashed assemblies as the domain's manufacturing orders, counted by status,
with what is late.

Unleashed has two fixed assembly statuses, Parked and Completed, and lets a company refine Parked with custom
statuses. They map onto the domain's order statuses as follows: Completed is completed; a Parked assembly is
planned, unless its custom status names a later stage: one mentioning quality, QC, inspection or testing is
quality_check, one mentioning production, progress, running, bottling, distilling or blending is in_production,
and one mentioning scheduled, released or ready is released. Unleashed keeps no priority, so orders carry the
domain's default; assemblies are built for stock, so the customer is the company's own stock in the destination
warehouse; each order is valued at the product's average landed cost in the company's base currency.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from pydantic import Field, ValidationError

from sentia_server.cache import CacheTier
from sentia_server.domain import ManufacturingOrder, Money, OrderLine, OrderPriority, OrderStatus
from sentia_server.integrations.http import VendorError
from sentia_server.integrations.unleashed import ASSEMBLIES, PRODUCTS, UnleashedClient
from sentia_server.integrations.unleashed.models import Assembly, Product
from sentia_server.tools.context import ToolContext
from sentia_server.tools.paging import PageInfo, fit_to_budget
from sentia_server.tools.registry import ToolCategory, ToolGroup, ToolInput, ToolOutput
from sentia_server.tools.unleashed.common import day_of, unleashed_client, utc_today

group = ToolGroup(ToolCategory.MANUFACTURING)

MAX_PAGES = 10
_STAGES: tuple[tuple[OrderStatus, tuple[str, ...]], ...] = (
    (OrderStatus.QUALITY_CHECK, ("quality", "qc", "inspect", "test")),
    (OrderStatus.IN_PRODUCTION, ("production", "progress", "running", "bottling", "distill", "blending")),
    (OrderStatus.RELEASED, ("scheduled", "released", "ready")),
)
OPEN_STATUSES = frozenset(
    {OrderStatus.PLANNED, OrderStatus.RELEASED, OrderStatus.IN_PRODUCTION, OrderStatus.QUALITY_CHECK}
)


class ProductionStatusInput(ToolInput):
    include_completed: bool = Field(
        default=False, description="Also list completed assemblies (by default only those not yet completed)."
    )
    completed_since: date | None = Field(
        default=None, description="With include_completed: only assemblies completed on or after this day."
    )
    statuses: list[OrderStatus] | None = Field(
        default=None, min_length=1, description="Only orders in these (domain) statuses."
    )
    late_only: bool = Field(default=False, description="List only the orders that are late.")
    as_of: date | None = Field(default=None, description="The day against which due dates are judged; default today.")
    page: int = Field(default=1, ge=1, le=10_000, description="Page of the order list, from 1.")
    page_size: int = Field(default=50, ge=1, le=500, description="Orders per page.")


class MoneyOut(ToolOutput):
    amount: str = Field(description='Exact decimal amount, e.g. "3459.60".')
    currency: str


class OrderLineOut(ToolOutput):
    sku: str
    description: str | None
    quantity: float
    unit_price: MoneyOut
    line_total: MoneyOut


class ManufacturingOrderOut(ToolOutput):
    """A domain ManufacturingOrder, validated by the domain model, with its derived values."""

    order_number: str
    customer: str
    status: OrderStatus
    priority: OrderPriority
    lines: list[OrderLineOut]
    created_date: date
    due_date: date
    notes: str | None
    currency: str
    total: MoneyOut
    total_quantity: float


class ProductionOrderOut(ToolOutput):
    order: ManufacturingOrderOut
    unleashed_status: str = Field(description="Parked or Completed, as Unleashed keeps it.")
    custom_status: str | None = Field(description="The Unleashed custom status the domain status was read from.")
    warehouse: str | None = Field(description="Destination warehouse code.")
    completed_on: date | None
    late: bool = Field(description="Open and past its due date, or completed after it.")
    days_late: int | None
    days_until_due: int | None = Field(description="For open orders not yet due: days left.")


class LateOrderOut(ToolOutput):
    order_number: str
    sku: str
    quantity: float
    status: OrderStatus
    due_date: date
    days_late: int


class UnmappedOut(ToolOutput):
    assembly_number: str
    reason: str = Field(description="Why the assembly does not make a valid manufacturing order.")


class ProductionStatus(ToolOutput):
    as_of: date
    currency: str = Field(description="The Unleashed company's base currency, in which orders are valued.")
    counts_by_status: dict[str, int] = Field(description="Orders per domain status, over every order read.")
    units_by_status: dict[str, float]
    value_by_status: dict[str, float] = Field(description="Value at average landed cost, base currency.")
    late: list[LateOrderOut] = Field(description="Open orders past their due date, most overdue first.")
    orders: list[ProductionOrderOut]
    unmapped: list[UnmappedOut]
    page: PageInfo
    total_orders: int
    notes: list[str]


def order_status(assembly: Assembly) -> OrderStatus:
    if assembly.assembly_status == "Completed":
        return OrderStatus.COMPLETED
    custom = (assembly.custom_assembly_status or "").lower()
    for status, words in _STAGES:
        if any(word in custom for word in words):
            return status
    return OrderStatus.PLANNED


def to_order(assembly: Assembly, product: Product | None, company: str, currency: str) -> ManufacturingOrder:
    """The assembly as a ManufacturingOrder; ValueError (or a ValidationError) naming what does not fit."""
    cost = product.average_land_price if product is not None else None
    if cost is None or cost <= 0:
        raise ValueError(f"product {assembly.product.product_code} has no average landed cost to value it at")
    created = day_of(assembly.created_on) or day_of(assembly.assembly_date)
    due = day_of(assembly.assemble_by) or day_of(assembly.assembly_date)
    if created is None or due is None:
        raise ValueError("Unleashed gave neither a creation date nor a due date")
    warehouse = assembly.destination_warehouse.warehouse_code if assembly.destination_warehouse else "unassigned"
    return ManufacturingOrder(
        order_number=assembly.assembly_number,
        customer=f"{company} stock ({warehouse})",
        status=order_status(assembly),
        lines=[
            OrderLine(
                sku=assembly.product.product_code,
                description=assembly.product.product_description,
                quantity=assembly.quantity,
                unit_price=Money(amount=round(cost, 4), currency=currency),
            )
        ],
        created_date=created,
        due_date=due,
        notes=assembly.comments,
    )


def production_order_out(assembly: Assembly, order: ManufacturingOrder, as_of: date) -> ProductionOrderOut:
    completed_on = day_of(assembly.assembly_date) if order.status is OrderStatus.COMPLETED else None
    end = completed_on if completed_on is not None else as_of
    late_days = (end - order.due_date).days
    return ProductionOrderOut(
        order=ManufacturingOrderOut.model_validate(order.model_dump(mode="json")),
        unleashed_status=assembly.assembly_status,
        custom_status=assembly.custom_assembly_status,
        warehouse=assembly.destination_warehouse.warehouse_code if assembly.destination_warehouse else None,
        completed_on=completed_on,
        late=late_days > 0,
        days_late=late_days if late_days > 0 else None,
        days_until_due=(order.due_date - as_of).days
        if order.status in OPEN_STATUSES and order.due_date >= as_of
        else None,
    )


async def read_assemblies(client: UnleashedClient, params: ProductionStatusInput) -> tuple[list[Assembly], list[str]]:
    notes: list[str] = []
    parked, complete = await client.everything(ASSEMBLIES, filters={"assemblyStatus": ["Parked"]}, max_pages=MAX_PAGES)
    assemblies = list(parked)
    if params.include_completed:
        done, done_complete = await client.everything(
            ASSEMBLIES,
            filters={"assemblyStatus": ["Completed"], "modifiedSince": params.completed_since},
            max_pages=MAX_PAGES,
        )
        since = params.completed_since
        assemblies += [a for a in done if since is None or (day_of(a.assembly_date) or since) >= since]
        complete = complete and done_complete
    if not complete:
        notes.append(f"only the first {MAX_PAGES * 1000} assemblies of a status were read")
    return sorted(assemblies, key=lambda a: a.assembly_number), notes


def _tally(
    orders: list[ManufacturingOrder],
) -> tuple[dict[str, int], dict[str, float], dict[str, float]]:
    counts: dict[str, int] = {}
    units: dict[str, Decimal] = {}
    value: dict[str, Decimal] = {}
    for order in orders:
        key = order.status.value
        counts[key] = counts.get(key, 0) + 1
        units[key] = units.get(key, Decimal(0)) + order.total_quantity
        value[key] = value.get(key, Decimal(0)) + order.total.amount
    return (
        counts,
        {key: float(round(total, 4)) for key, total in units.items()},
        {key: float(round(total, 2)) for key, total in value.items()},
    )


@group.tool(
    "manufacturing-production-status",
    title="Production status",
    cache_tier=CacheTier.SHORT,
    read_only=True,
    open_world=True,
)
async def production_status(params: ProductionStatusInput, ctx: ToolContext) -> ProductionStatus:
    """Show production: Unleashed assemblies as manufacturing orders (planned, released, in production, quality
    check, completed), counted and valued by status, with the open orders past their due date listed most overdue
    first. Completed assemblies are included on request."""
    client = unleashed_client(ctx)
    as_of = params.as_of or utc_today()
    assemblies, notes = await read_assemblies(client, params)
    company = await client.company()
    currency = company.currency_code
    if currency is None:
        raise VendorError("unleashed", "did not say the company's base currency", hint="check the company settings")
    products, _ = await client.everything(PRODUCTS, filters={"includeObsolete": True}, max_pages=MAX_PAGES)
    by_guid = {product.guid: product for product in products}
    mapped: list[tuple[ManufacturingOrder, ProductionOrderOut]] = []
    unmapped: list[UnmappedOut] = []
    for assembly in assemblies:
        try:
            order = to_order(
                assembly, by_guid.get(assembly.product.guid or ""), company.company_name or "company", currency
            )
        except (ValueError, ValidationError) as problem:
            unmapped.append(UnmappedOut(assembly_number=assembly.assembly_number, reason=_reason(problem)))
            continue
        mapped.append((order, production_order_out(assembly, order, as_of)))
    if params.statuses:
        mapped = [pair for pair in mapped if pair[0].status in params.statuses]
    counts, units, value = _tally([order for order, _ in mapped])
    orders = [out for _, out in mapped]
    late = sorted(
        (
            LateOrderOut(
                order_number=o.order.order_number,
                sku=o.order.lines[0].sku,
                quantity=float(o.order.total_quantity),
                status=o.order.status,
                due_date=o.order.due_date,
                days_late=o.days_late or 0,
            )
            for o in orders
            if o.late and o.order.status in OPEN_STATUSES
        ),
        key=lambda item: -item.days_late,
    )
    listed = [o for o in orders if o.late] if params.late_only else orders
    start = (params.page - 1) * params.page_size
    window = listed[start : start + params.page_size]
    kept, reason = fit_to_budget(window, ctx.runtime.settings.tool_response_budget_bytes)
    more = start + params.page_size < len(listed)
    return ProductionStatus(
        as_of=as_of,
        currency=currency,
        counts_by_status=counts,
        units_by_status=units,
        value_by_status=value,
        late=late,
        orders=kept,
        unmapped=unmapped,
        page=PageInfo(
            returned=len(kept),
            has_more=more,
            next_page=params.page + 1 if more else None,
            truncated=reason is not None,
            truncated_reason=reason,
        ),
        total_orders=len(listed),
        notes=notes,
    )


def _reason(problem: ValueError) -> str:
    if isinstance(problem, ValidationError):
        return "; ".join(str(error["msg"]) for error in problem.errors(include_url=False, include_input=False))
    return str(problem)
