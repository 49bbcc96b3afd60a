"""unleashed-get-suppliers: suppliers, paged, with their terms and, optionally, their delivery record computed
from their purchase orders."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from pydantic import Field

from sentia_server.cache import CacheTier
from sentia_server.integrations.unleashed import PURCHASE_ORDERS, SUPPLIERS, Page, UnleashedClient
from sentia_server.integrations.unleashed.models import PurchaseOrder, Supplier
from sentia_server.tools.context import ToolContext
from sentia_server.tools.paging import PageInfo, fit_to_budget
from sentia_server.tools.registry import ToolInput, ToolOutput
from sentia_server.tools.unleashed.common import (
    Code,
    Guid,
    ModifiedSince,
    PageNumber,
    PageSize,
    day_of,
    group,
    money,
    page_info,
    unleashed_client,
)
from sentia_server.tools.unleashed.parties import AddressOut, address_out

MAX_ORDER_PAGES = 10
RECEIVED = frozenset({"Receipted", "Complete"})
OPEN = frozenset({"Placed", "Costed"})


class SuppliersInput(ToolInput):
    supplier_guid: Guid | None = Field(
        default=None, description="Only this supplier (its Unleashed Guid); the other filters are then ignored."
    )
    supplier_code: Code | None = Field(default=None, description="Suppliers whose code starts with this.")
    contact_email: Code | None = Field(default=None, description="Suppliers whose email starts with this.")
    modified_since: ModifiedSince
    include_performance: bool = Field(
        default=False,
        description="Add each supplier's delivery record from its purchase orders: orders received, on time, average "
        "days from order to receipt, and what is still on order.",
    )
    page: PageNumber
    page_size: PageSize


class SupplierPerformanceOut(ToolOutput):
    orders_received: int
    received_on_time: int = Field(description="Received on or before the required date.")
    on_time_percent: float | None
    average_days_to_receive: float | None = Field(description="Order date to receipt date, in days.")
    open_orders: int = Field(description="Placed or costed orders not yet received.")
    open_order_value: dict[str, float] = Field(description="Total of the open orders, per currency.")


class SupplierOut(ToolOutput):
    guid: str
    code: str
    name: str
    email: str | None
    phone: str | None
    currency: str | None
    payment_term: str | None
    tax_number: str | None
    lead_time_days: int | None
    minimum_order_value: float | None
    obsolete: bool
    addresses: list[AddressOut]
    last_modified: date | None
    performance: SupplierPerformanceOut | None = None


class SupplierList(ToolOutput):
    suppliers: list[SupplierOut]
    page: PageInfo
    total_matching: int
    notes: list[str]


def performance(orders: list[PurchaseOrder]) -> SupplierPerformanceOut:
    """The delivery record in a supplier's purchase orders."""
    received = [o for o in orders if o.order_status in RECEIVED and o.received_date and o.order_date]
    on_time = [o for o in received if _on_time(o)]
    waits = [(o.received_date - o.order_date).days for o in received if o.received_date and o.order_date]
    open_orders = [o for o in orders if o.order_status in OPEN]
    value: dict[str, Decimal] = {}
    for order in open_orders:
        currency = order.currency.currency_code if order.currency else "unknown"
        value[currency] = value.get(currency, Decimal(0)) + order.total
    return SupplierPerformanceOut(
        orders_received=len(received),
        received_on_time=len(on_time),
        on_time_percent=round(len(on_time) / len(received) * 100, 1) if received else None,
        average_days_to_receive=round(sum(waits) / len(waits), 1) if waits else None,
        open_orders=len(open_orders),
        open_order_value={currency: money(total) or 0.0 for currency, total in sorted(value.items())},
    )


def _on_time(order: PurchaseOrder) -> bool:
    received, required = day_of(order.received_date), day_of(order.required_date)
    return required is None or (received is not None and received <= required)


async def orders_by_supplier(client: UnleashedClient) -> tuple[dict[str, list[PurchaseOrder]], bool]:
    orders, complete = await client.everything(PURCHASE_ORDERS, max_pages=MAX_ORDER_PAGES)
    grouped: dict[str, list[PurchaseOrder]] = {}
    for order in orders:
        grouped.setdefault(order.supplier.guid or "", []).append(order)
    return grouped, complete


def supplier_out(supplier: Supplier) -> SupplierOut:
    return SupplierOut(
        guid=supplier.guid,
        code=supplier.supplier_code,
        name=supplier.supplier_name,
        email=supplier.email,
        phone=supplier.phone_number,
        currency=supplier.currency.currency_code if supplier.currency else None,
        payment_term=supplier.payment_term,
        tax_number=supplier.gst_vat_number,
        lead_time_days=supplier.lead_time_days,
        minimum_order_value=money(supplier.minimum_order_value),
        obsolete=supplier.obsolete,
        addresses=[address_out(a) for a in supplier.addresses],
        last_modified=day_of(supplier.last_modified_on),
    )


@group.tool(
    "unleashed-get-suppliers",
    title="Unleashed suppliers",
    cache_tier=CacheTier.LONG,
    read_only=True,
    open_world=True,
)
async def get_suppliers(params: SuppliersInput, ctx: ToolContext) -> SupplierList:
    """List suppliers by code, email or change time, one page at a time, with currency, payment terms, lead time
    and addresses; optionally their delivery record (on-time receipts, days to receive, open orders)."""
    client = unleashed_client(ctx)
    found: Page[Supplier] = await client.page_or_one(
        SUPPLIERS,
        params.supplier_guid,
        page=params.page,
        page_size=params.page_size,
        filters={
            "supplierCode": params.supplier_code,
            "contactEmail": params.contact_email,
            "modifiedSince": params.modified_since,
        },
    )
    suppliers = [supplier_out(s) for s in found.items]
    notes: list[str] = []
    if params.include_performance and suppliers:
        grouped, complete = await orders_by_supplier(client)
        if not complete:
            notes.append(f"performance counts the first {MAX_ORDER_PAGES * 1000} purchase orders only")
        for supplier in suppliers:
            supplier.performance = performance(grouped.get(supplier.guid, []))
    kept, reason = fit_to_budget(suppliers, ctx.runtime.settings.tool_response_budget_bytes)
    return SupplierList(
        suppliers=kept, page=page_info(found, len(kept), reason), total_matching=found.number_of_items, notes=notes
    )
