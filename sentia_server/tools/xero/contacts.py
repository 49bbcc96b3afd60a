"""xero-get-contacts: customers and suppliers, paged, with their balances."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field

from sentia_server.cache import CacheTier
from sentia_server.integrations.xero.models import Contact
from sentia_server.integrations.xero.where import all_of, any_of, condition
from sentia_server.tools.context import ToolContext
from sentia_server.tools.paging import PageInfo, fit_to_budget
from sentia_server.tools.registry import ToolInput, ToolOutput
from sentia_server.tools.xero.common import (
    ContactStatus,
    PageNumber,
    PageSize,
    SortOrder,
    TenantId,
    TenantRef,
    connect,
    group,
    money,
    page_info,
)


def _default_contact_statuses() -> list[ContactStatus]:
    return ["ACTIVE"]


class ContactsInput(ToolInput):
    tenant_id: TenantId
    contact_type: Literal["customers", "suppliers", "all"] = Field(
        default="all", description="customers (IsCustomer), suppliers (IsSupplier) or all."
    )
    statuses: list[ContactStatus] = Field(
        default_factory=_default_contact_statuses, min_length=1, description="Only contacts in these statuses."
    )
    search_term: str | None = Field(
        default=None,
        min_length=1,
        max_length=255,
        description="Case-insensitive search in name, first and last name, contact number and email.",
    )
    name: str | None = Field(default=None, min_length=1, max_length=255, description="Exactly this name.")
    email: str | None = Field(default=None, min_length=3, max_length=255, description="Exactly this email address.")
    modified_since: datetime | None = Field(default=None, description="Only contacts changed since this time.")
    sort_by: Literal["Name", "UpdatedDateUTC", "ContactNumber"] = Field(default="Name", description="Sort key.")
    sort_order: SortOrder = Field(default="ASC", description="Sort direction.")
    page: PageNumber
    page_size: PageSize
    include_addresses: bool = Field(default=True, description="Include postal and street addresses.")
    include_phones: bool = Field(default=True, description="Include phone numbers.")
    include_groups: bool = Field(default=True, description="Include contact group names.")
    include_balances: bool = Field(
        default=True, description="Include amounts outstanding and overdue (receivable and payable, base currency)."
    )


class AddressOut(ToolOutput):
    address_type: str
    line1: str | None
    city: str | None
    region: str | None
    postal_code: str | None
    country: str | None


class PhoneOut(ToolOutput):
    phone_type: str
    number: str | None


class BalancesOut(ToolOutput):
    receivable_outstanding: float
    receivable_overdue: float
    payable_outstanding: float
    payable_overdue: float


class ContactOut(ToolOutput):
    contact_id: str
    contact_number: str | None
    name: str
    status: str
    email: str | None
    is_customer: bool
    is_supplier: bool
    default_currency: str | None
    tax_number: str | None
    updated_at: datetime | None
    addresses: list[AddressOut] | None = None
    phones: list[PhoneOut] | None = None
    groups: list[str] | None = None
    balances: BalancesOut | None = None


class ContactList(ToolOutput):
    tenant: TenantRef
    contacts: list[ContactOut]
    page: PageInfo
    total_matching: int | None


def _contact_out(contact: Contact, params: ContactsInput) -> ContactOut:
    balances = None
    if params.include_balances and contact.balances is not None:
        receivable, payable = contact.balances.accounts_receivable, contact.balances.accounts_payable
        balances = BalancesOut(
            receivable_outstanding=money(receivable.outstanding) if receivable else 0.0,
            receivable_overdue=money(receivable.overdue) if receivable else 0.0,
            payable_outstanding=money(payable.outstanding) if payable else 0.0,
            payable_overdue=money(payable.overdue) if payable else 0.0,
        )
    return ContactOut(
        contact_id=contact.contact_id,
        contact_number=contact.contact_number,
        name=contact.name,
        status=contact.status,
        email=contact.email,
        is_customer=contact.is_customer,
        is_supplier=contact.is_supplier,
        default_currency=contact.default_currency,
        tax_number=contact.tax_number,
        updated_at=contact.updated_at,
        addresses=[
            AddressOut(
                address_type=a.address_type,
                line1=a.line1,
                city=a.city,
                region=a.region,
                postal_code=a.postal_code,
                country=a.country,
            )
            for a in contact.addresses
        ]
        if params.include_addresses
        else None,
        phones=[PhoneOut(phone_type=p.phone_type, number=p.number) for p in contact.phones]
        if params.include_phones
        else None,
        groups=[g.name for g in contact.groups] if params.include_groups else None,
        balances=balances,
    )


@group.tool(
    "xero-get-contacts",
    title="Xero contacts",
    cache_tier=CacheTier.MEDIUM,
    read_only=True,
    open_world=True,
)
async def get_contacts(params: ContactsInput, ctx: ToolContext) -> ContactList:
    """List customers and suppliers by status, name, email or a search term, one page at a time, with addresses,
    phones, groups and the amounts they owe or are owed."""
    client, tenant = await connect(ctx, params.tenant_id)
    conditions = []
    if params.contact_type == "customers":
        conditions.append(condition("IsCustomer", "==", True))
    elif params.contact_type == "suppliers":
        conditions.append(condition("IsSupplier", "==", True))
    statuses = list(dict.fromkeys(params.statuses))
    if len(statuses) < 3:
        conditions.append(any_of("ContactStatus", statuses))
    if params.name is not None:
        conditions.append(condition("Name", "==", params.name))
    if params.email is not None:
        conditions.append(condition("EmailAddress", "==", params.email))
    found = await client.contacts(
        tenant.tenant_id,
        where=all_of(conditions),
        order=f"{params.sort_by} {params.sort_order}",
        include_archived="ARCHIVED" in statuses,
        search_term=params.search_term,
        modified_since=params.modified_since,
        page=params.page,
        page_size=params.page_size,
    )
    contacts = [_contact_out(contact, params) for contact in found.items]
    kept, reason = fit_to_budget(contacts, ctx.runtime.settings.tool_response_budget_bytes)
    return ContactList(
        tenant=tenant,
        contacts=kept,
        page=page_info(len(kept), found.has_more, params.page, reason),
        total_matching=found.item_count,
    )
