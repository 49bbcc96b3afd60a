"""unleashed-get-purchase-orders: purchase orders, paged, with their lines, what is still to be received and which
are overdue."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import Field, model_validator

from sentia_server.cache import CacheTier
from sentia_server.integrations.unleashed import PURCHASE_ORDERS, Page
from sentia_server.integrations.unleashed.models import PurchaseOrder
from sentia_server.tools.context import ToolContext
from sentia_server.tools.paging import PageInfo, fit_to_budget
from sentia_server.tools.registry import ToolInput, ToolOutput
from sentia_server.tools.unleashed.common import (
    AsOf,
    Code,
    Guid,
    ModifiedSince,
    PageNumber,
    PageSize,
    ProductRefOut,
    WarehouseRefOut,
    day_of,
    group,
    money,
    number,
    page_info,
    product_ref,
    unleashed_client,
    utc_today,
)
from sentia_server.tools.unleashed.orders import ZERO, OrderSummary, check_ranges, order_fields, summary

PurchaseStatus = Literal["Unapproved", "Parked", "Placed", "Costed", "Receipted", "Complete", "Deleted"]
AWAITING_RECEIPT = frozenset({"Unapproved", "Parked", "Placed", "Costed"})


class PurchaseOrdersInput(ToolInput):
    order_guid: Guid | None = Field(
        default=None, description="Only this purchase order (its Unleashed Guid); the other filters are then ignored."
    )
    order_number: Code | None = Field(default=None, description="Only the order with this number; overrides the rest.")
    statuses: list[PurchaseStatus] | None = Field(default=None, min_length=1, description="Only these statuses.")
    custom_statuses: list[Annotated[str, Field(min_length=1, max_length=50)]] | None = Field(
        default=None, min_length=1, max_length=10, description="Only these custom statuses; overrides statuses."
    )
    supplier_code: Code | None = Field(default=None, description="Suppliers whose code starts with this.")
    supplier_guid: Guid | None = Field(default=None, description="Only this supplier's orders.")
    warehouse_code: Annotated[str, Field(min_length=1, max_length=15)] | None = Field(
        default=None, description="Only orders delivering to this warehouse."
    )
    order_date_from: date | None = Field(default=None, description="Ordered on or after this day.")
    order_date_to: date | None = Field(default=None, description="Ordered on or before this day.")
    completed_after: date | None = Field(default=None, description="Completed on or after this day.")
    completed_before: date | None = Field(default=None, description="Completed on or before this day.")
    modified_since: ModifiedSince
    include_lines: bool = Field(default=True, description="Add each order's lines.")
    overdue_only: bool = Field(default=False, description="Keep only the page's orders past their required date.")
    as_of: AsOf
    page: PageNumber
    page_size: PageSize

    @model_validator(mode="after")
    def _consistent(self) -> PurchaseOrdersInput:
        check_ranges(self, (("order_date_from", "order_date_to"), ("completed_after", "completed_before")))
        return self


class PurchaseLineOut(ToolOutput):
    line_number: int | None
    product: ProductRefOut
    ordered: float
    received: float | None
    outstanding: float = Field(description="Ordered minus received.")
    unit_price: float | None
    line_total: float | None
    delivery_date: date | None


class PurchaseOrderOut(ToolOutput):
    guid: str
    number: str
    status: str
    custom_status: str | None
    supplier_code: str | None
    supplier_name: str | None
    supplier_reference: str | None
    warehouse: WarehouseRefOut | None
    order_date: date | None
    required_date: date | None
    received_date: date | None
    completed_date: date | None
    currency: str | None
    exchange_rate: float | None
    sub_total: float
    tax_total: float
    total: float
    days_overdue: int | None = Field(description="Days past the required date of an order not yet receipted.")
    comments: str | None
    lines: list[PurchaseLineOut] | None = None


class PurchaseOrderList(ToolOutput):
    orders: list[PurchaseOrderOut]
    summary: OrderSummary = Field(description="Figures over this page's orders, before overdue_only.")
    page: PageInfo
    total_matching: int
    as_of: date


def purchase_order_out(order: PurchaseOrder, as_of: date, *, lines: bool) -> PurchaseOrderOut:
    return PurchaseOrderOut(
        **order_fields(order, open_order=order.order_status in AWAITING_RECEIPT, as_of=as_of),
        supplier_code=order.supplier.supplier_code,
        supplier_name=order.supplier.supplier_name,
        supplier_reference=order.supplier_ref,
        received_date=day_of(order.received_date),
        lines=[
            PurchaseLineOut(
                line_number=line.line_number,
                product=product_ref(line.product),
                ordered=number(line.order_quantity) or 0.0,
                received=number(line.receipt_quantity),
                outstanding=number(max(line.order_quantity - (line.receipt_quantity or ZERO), ZERO)) or 0.0,
                unit_price=number(line.unit_price),
                line_total=money(line.line_total),
                delivery_date=day_of(line.delivery_date),
            )
            for line in order.purchase_order_lines
        ]
        if lines
        else None,
    )


@group.tool(
    "unleashed-get-purchase-orders",
    title="Unleashed purchase orders",
    cache_tier=CacheTier.SHORT,
    read_only=True,
    open_world=True,
)
async def get_purchase_orders(params: PurchaseOrdersInput, ctx: ToolContext) -> PurchaseOrderList:
    """List purchase orders by number, status, supplier, warehouse or dates, one page at a time, with their lines
    (ordered, received, outstanding), totals per currency and which orders are past their required date."""
    client = unleashed_client(ctx)
    as_of = params.as_of or utc_today()
    found: Page[PurchaseOrder] = await client.page_or_one(
        PURCHASE_ORDERS,
        params.order_guid,
        page=params.page,
        page_size=params.page_size,
        filters={
            "orderNumber": params.order_number,
            "orderStatus": params.statuses,
            "customOrderStatus": params.custom_statuses,
            "supplierCode": params.supplier_code,
            "supplierId": params.supplier_guid,
            "warehouseCode": params.warehouse_code,
            "startDate": params.order_date_from,
            "endDate": params.order_date_to,
            "completedAfter": params.completed_after,
            "completedBefore": params.completed_before,
            "modifiedSince": params.modified_since,
        },
    )
    orders = [purchase_order_out(o, as_of, lines=params.include_lines) for o in found.items]
    totals = summary(
        (
            o.status,
            o.currency or "unknown",
            raw.sub_total,
            raw.tax_total,
            raw.total,
            o.days_overdue is not None,
        )
        for o, raw in zip(orders, found.items, strict=True)
    )
    listed = [o for o in orders if o.days_overdue is not None] if params.overdue_only else orders
    kept, reason = fit_to_budget(listed, ctx.runtime.settings.tool_response_budget_bytes)
    return PurchaseOrderList(
        orders=kept,
        summary=totals,
        page=page_info(found, len(kept), reason),
        total_matching=found.number_of_items,
        as_of=as_of,
    )
