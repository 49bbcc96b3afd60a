"""unleashed-get-customers: customers, paged, with terms, contacts and, optionally, their order history computed
from their sales orders."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Literal

from pydantic import Field

from sentia_server.cache import CacheTier
from sentia_server.integrations.unleashed import CUSTOMERS, SALES_ORDERS, Page, UnleashedClient
from sentia_server.integrations.unleashed.models import Customer, SalesOrder
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
OPEN = frozenset({"Parked", "Placed", "Backordered"})


class CustomersInput(ToolInput):
    customer_guid: Guid | None = Field(
        default=None, description="Only this customer (its Unleashed Guid); the other filters are then ignored."
    )
    customer_code: Code | None = Field(default=None, description="Customers whose code starts with this.")
    customer_name: Code | None = Field(default=None, description="Customers whose name starts with this.")
    search: Code | None = Field(
        default=None, description="Customers whose code or name contains this text (case-sensitive, as in Unleashed)."
    )
    contact_email: Code | None = Field(default=None, description="Customers whose contact email starts with this.")
    currency: str | None = Field(
        default=None, pattern=r"^[A-Z]{3}$", description="Customers trading in this currency (ISO code, e.g. EUR)."
    )
    customer_type: Code | None = Field(default=None, description="Customers of this customer type (exact name).")
    include_obsolete: bool = Field(default=False, description="Include obsolete customers.")
    include_all_contacts: bool = Field(default=False, description="Add every contact of each customer.")
    include_order_history: bool = Field(
        default=False,
        description="Add each customer's order history from its sales orders: orders, open orders, first and last "
        "order dates and completed sales per currency.",
    )
    modified_since: ModifiedSince
    order_by: Literal["CustomerCode", "LastModifiedOn", "CreatedOn"] = Field(
        default="CustomerCode", description="Sort key."
    )
    page: PageNumber
    page_size: PageSize


class ContactOut(ToolOutput):
    first_name: str | None
    last_name: str | None
    email: str | None
    phone: str | None


class OrderHistoryOut(ToolOutput):
    orders: int = Field(description="Sales orders other than deleted ones.")
    open_orders: int = Field(description="Parked, placed or backordered.")
    first_order: date | None
    last_order: date | None
    completed_sales: dict[str, float] = Field(description="Total of completed orders, per currency.")


class CustomerOut(ToolOutput):
    guid: str
    code: str
    name: str
    customer_type: str | None
    email: str | None
    phone: str | None
    currency: str | None
    payment_term: str | None
    tax_number: str | None
    sell_price_tier: str | None
    stop_credit: bool
    obsolete: bool
    primary_contact: str | None
    addresses: list[AddressOut]
    contacts: list[ContactOut] | None = None
    last_modified: date | None
    order_history: OrderHistoryOut | None = None


class CustomerList(ToolOutput):
    customers: list[CustomerOut]
    page: PageInfo
    total_matching: int
    notes: list[str]


def order_history(orders: list[SalesOrder]) -> OrderHistoryOut:
    live = [o for o in orders if o.order_status != "Deleted"]
    dates = sorted(d for d in (day_of(o.order_date) for o in live) if d is not None)
    sales: dict[str, Decimal] = {}
    for order in live:
        if order.order_status == "Completed":
            currency = order.currency.currency_code if order.currency else "unknown"
            sales[currency] = sales.get(currency, Decimal(0)) + order.total
    return OrderHistoryOut(
        orders=len(live),
        open_orders=sum(o.order_status in OPEN for o in live),
        first_order=dates[0] if dates else None,
        last_order=dates[-1] if dates else None,
        completed_sales={currency: money(total) or 0.0 for currency, total in sorted(sales.items())},
    )


async def orders_by_customer(client: UnleashedClient, guids: list[str]) -> tuple[dict[str, list[SalesOrder]], bool]:
    orders, complete = await client.everything(SALES_ORDERS, filters={"customerId": guids}, max_pages=MAX_ORDER_PAGES)
    grouped: dict[str, list[SalesOrder]] = {}
    for order in orders:
        grouped.setdefault(order.customer.guid or "", []).append(order)
    return grouped, complete


def customer_out(customer: Customer, params: CustomersInput) -> CustomerOut:
    contact = " ".join(part for part in (customer.contact_first_name, customer.contact_last_name) if part)
    return CustomerOut(
        guid=customer.guid,
        code=customer.customer_code,
        name=customer.customer_name,
        customer_type=customer.customer_type,
        email=customer.email,
        phone=customer.phone_number,
        currency=customer.currency.currency_code if customer.currency else None,
        payment_term=customer.payment_term,
        tax_number=customer.gst_vat_number,
        sell_price_tier=customer.sell_price_tier,
        stop_credit=customer.stop_credit,
        obsolete=customer.obsolete,
        primary_contact=contact or None,
        addresses=[address_out(a) for a in customer.addresses],
        contacts=[
            ContactOut(first_name=c.first_name, last_name=c.last_name, email=c.email_address, phone=c.phone_number)
            for c in customer.contacts
        ]
        if params.include_all_contacts
        else None,
        last_modified=day_of(customer.last_modified_on),
    )


@group.tool(
    "unleashed-get-customers",
    title="Unleashed customers",
    cache_tier=CacheTier.LONG,
    read_only=True,
    open_world=True,
)
async def get_customers(params: CustomersInput, ctx: ToolContext) -> CustomerList:
    """List customers by code, name, text, email, currency, type or change time, one page at a time, with terms,
    addresses and contacts; optionally each customer's order history from its sales orders."""
    client = unleashed_client(ctx)
    found: Page[Customer] = await client.page_or_one(
        CUSTOMERS,
        params.customer_guid,
        page=params.page,
        page_size=params.page_size,
        filters={
            "customerCode": params.customer_code,
            "customerName": params.customer_name,
            "customer": params.search,
            "contactEmail": params.contact_email,
            "currency": params.currency,
            "customerType": params.customer_type,
            "includeObsolete": params.include_obsolete or None,
            "includeAllContacts": params.include_all_contacts or None,
            "modifiedSince": params.modified_since,
            "orderBy": None if params.order_by == "CustomerCode" else params.order_by,
        },
        guid_filters={"includeAllContacts": params.include_all_contacts or None},
    )
    customers = [customer_out(c, params) for c in found.items]
    notes: list[str] = []
    if params.include_order_history and customers:
        grouped, complete = await orders_by_customer(client, [c.guid for c in customers])
        if not complete:
            notes.append(f"order history counts the first {MAX_ORDER_PAGES * 1000} sales orders only")
        for customer in customers:
            customer.order_history = order_history(grouped.get(customer.guid, []))
    kept, reason = fit_to_budget(customers, ctx.runtime.settings.tool_response_budget_bytes)
    return CustomerList(
        customers=kept, page=page_info(found, len(kept), reason), total_matching=found.number_of_items, notes=notes
    )
