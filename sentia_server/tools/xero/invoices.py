"""xero-get-invoices: sales invoices and bills, paged, with an optional ageing summary."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import Field, model_validator

from sentia_server.analytics import ageing
from sentia_server.cache import CacheTier
from sentia_server.integrations.xero import Page
from sentia_server.integrations.xero import figures as xf
from sentia_server.integrations.xero.models import Invoice
from sentia_server.integrations.xero.where import all_of, condition
from sentia_server.tools.context import ToolContext
from sentia_server.tools.paging import PageInfo, fit_to_budget
from sentia_server.tools.registry import ToolInput, ToolOutput
from sentia_server.tools.xero.ageing import MAX_AGEING_PAGES_NOTE, AgeingSummary, ageing_summary
from sentia_server.tools.xero.common import (
    UUID_PATTERN,
    InvoiceLineOut,
    InvoiceStatus,
    PageNumber,
    PageSize,
    SortOrder,
    TenantId,
    TenantRef,
    base_currency,
    connect,
    group,
    line_out,
    money,
    page_info,
    utc_today,
)


def _default_invoice_statuses() -> list[InvoiceStatus]:
    return ["AUTHORISED", "PAID"]


class InvoicePaymentOut(ToolOutput):
    payment_id: str | None
    payment_date: date
    amount: float
    reference: str | None


class InvoiceOut(ToolOutput):
    invoice_id: str
    invoice_number: str | None
    type: str = Field(description="ACCREC (sales invoice) or ACCPAY (bill).")
    status: str
    contact_id: str
    contact_name: str
    invoice_date: date | None
    due_date: date | None
    reference: str | None
    currency_code: str
    currency_rate: float
    sub_total: float
    total_tax: float
    total: float
    amount_due: float
    amount_paid: float
    amount_credited: float
    fully_paid_on: date | None
    days_overdue: int | None = Field(description="Days past due on the as_of date, for approved invoices still owed.")
    updated_at: datetime | None
    has_attachments: bool
    sent_to_contact: bool | None
    line_items: list[InvoiceLineOut] | None = Field(default=None, description="When include_line_items is set.")
    payments: list[InvoicePaymentOut] | None = Field(default=None, description="When include_payments is set.")


def invoice_out(invoice: Invoice, as_of: date, *, lines: bool, payments: bool) -> InvoiceOut:
    owed = invoice.status == "AUTHORISED" and invoice.amount_due > 0
    return InvoiceOut(
        invoice_id=invoice.invoice_id,
        invoice_number=invoice.invoice_number,
        type=invoice.type,
        status=invoice.status,
        contact_id=invoice.contact.contact_id,
        contact_name=invoice.contact.name,
        invoice_date=invoice.date,
        due_date=invoice.due_date,
        reference=invoice.reference,
        currency_code=invoice.currency_code,
        currency_rate=float(invoice.currency_rate),
        sub_total=money(invoice.sub_total),
        total_tax=money(invoice.total_tax),
        total=money(invoice.total),
        amount_due=money(invoice.amount_due),
        amount_paid=money(invoice.amount_paid),
        amount_credited=money(invoice.amount_credited),
        fully_paid_on=invoice.fully_paid_on,
        days_overdue=ageing.days_overdue(invoice.due_date, as_of) if owed else None,
        updated_at=invoice.updated_at,
        has_attachments=invoice.has_attachments,
        sent_to_contact=invoice.sent_to_contact,
        line_items=[line_out(line) for line in invoice.line_items] if lines else None,
        payments=[
            InvoicePaymentOut(
                payment_id=p.payment_id, payment_date=p.date, amount=money(p.amount), reference=p.reference
            )
            for p in invoice.payments
        ]
        if payments
        else None,
    )


class InvoicesInput(ToolInput):
    tenant_id: TenantId
    invoice_type: Literal["ACCREC", "ACCPAY"] | None = Field(
        default="ACCREC", description="ACCREC for sales invoices, ACCPAY for bills; null for both."
    )
    statuses: list[InvoiceStatus] = Field(
        default_factory=_default_invoice_statuses,
        min_length=1,
        description="Only invoices in these statuses.",
    )
    contact_id: str | None = Field(default=None, pattern=UUID_PATTERN, description="Only this contact's invoices.")
    contact_name: str | None = Field(
        default=None, min_length=1, max_length=255, description="Only invoices of the contact with exactly this name."
    )
    invoice_ids: list[Annotated[str, Field(pattern=UUID_PATTERN)]] | None = Field(
        default=None, min_length=1, max_length=50, description="Only these invoices (InvoiceIDs)."
    )
    invoice_numbers: list[Annotated[str, Field(min_length=1, max_length=255)]] | None = Field(
        default=None, max_length=50, description="Only these invoice numbers."
    )
    search_term: str | None = Field(
        default=None, min_length=1, max_length=255, description="Case-insensitive search in number and reference."
    )
    date_from: date | None = Field(default=None, description="Issued on or after this date.")
    date_to: date | None = Field(default=None, description="Issued on or before this date.")
    due_date_from: date | None = Field(default=None, description="Due on or after this date.")
    due_date_to: date | None = Field(default=None, description="Due on or before this date.")
    min_total: Decimal | None = Field(default=None, ge=0, description="Total (tax included) at least this.")
    max_total: Decimal | None = Field(default=None, ge=0, description="Total (tax included) at most this.")
    overdue_only: bool = Field(
        default=False, description="Only approved invoices with an amount due whose due date is before as_of."
    )
    as_of: date | None = Field(default=None, description="The day for overdue and ageing figures; default today.")
    modified_since: datetime | None = Field(
        default=None, description="Only invoices created or changed since this time (Xero's If-Modified-Since)."
    )
    sort_by: Literal["Date", "DueDate", "Total", "InvoiceNumber", "UpdatedDateUTC"] = Field(
        default="Date", description="Sort key."
    )
    sort_order: SortOrder = Field(default="DESC", description="Sort direction.")
    page: PageNumber
    page_size: PageSize
    include_line_items: bool = Field(default=False, description="Include each invoice's lines.")
    include_payments: bool = Field(default=False, description="Include each invoice's payments.")
    include_ageing: bool = Field(
        default=False,
        description="Add an ageing summary (current, 1-30, 31-60, 61-90, over 90 days) of every approved invoice "
        "matching the filters that still has an amount due, not just this page.",
    )

    @model_validator(mode="after")
    def _consistent(self) -> InvoicesInput:
        for low, high in (("date_from", "date_to"), ("due_date_from", "due_date_to"), ("min_total", "max_total")):
            first, second = getattr(self, low), getattr(self, high)
            if first is not None and second is not None and first > second:
                raise ValueError(f"{low} must not be after {high}")
        if self.overdue_only and "AUTHORISED" not in self.statuses:
            raise ValueError("overdue_only needs AUTHORISED among the statuses: only approved invoices fall due")
        return self


class InvoiceList(ToolOutput):
    tenant: TenantRef
    invoices: list[InvoiceOut]
    page: PageInfo
    total_matching: int | None = Field(description="How many invoices match, when Xero says.")
    ageing: AgeingSummary | None = None


def _invoice_conditions(params: InvoicesInput, as_of: date) -> list[str]:
    conditions = []
    if params.invoice_type is not None:
        conditions.append(condition("Type", "==", params.invoice_type))
    if params.contact_name is not None:
        conditions.append(condition("Contact.Name", "==", params.contact_name))
    for field, operator, value in (
        ("Date", ">=", params.date_from),
        ("Date", "<=", params.date_to),
        ("DueDate", ">=", params.due_date_from),
        ("DueDate", "<=", params.due_date_to),
        ("Total", ">=", params.min_total),
        ("Total", "<=", params.max_total),
    ):
        if value is not None:
            conditions.append(condition(field, operator, value))
    if params.overdue_only:
        conditions += [condition("AmountDue", ">", Decimal(0)), condition("DueDate", "<", as_of)]
    return conditions


@group.tool(
    "xero-get-invoices",
    title="Xero invoices",
    cache_tier=CacheTier.SHORT,
    read_only=True,
    open_world=True,
)
async def get_invoices(params: InvoicesInput, ctx: ToolContext) -> InvoiceList:
    """List sales invoices or bills filtered by status, contact, issue and due dates, total, overdue state or
    change time, one page at a time (next_page says how to continue). Optionally include lines, payments and an
    ageing summary of everything still owed."""
    client, tenant = await connect(ctx, params.tenant_id)
    as_of = params.as_of or utc_today()
    statuses: list[str] = ["AUTHORISED"] if params.overdue_only else list(dict.fromkeys(params.statuses))
    conditions = _invoice_conditions(params, as_of)
    contact_ids = [params.contact_id] if params.contact_id else None
    found = await client.invoices(
        tenant.tenant_id,
        where=all_of(conditions),
        order=f"{params.sort_by} {params.sort_order}",
        statuses=statuses,
        contact_ids=contact_ids,
        ids=params.invoice_ids,
        invoice_numbers=params.invoice_numbers,
        search_term=params.search_term,
        modified_since=params.modified_since,
        page=params.page,
        page_size=params.page_size,
    )
    invoices = [
        invoice_out(i, as_of, lines=params.include_line_items, payments=params.include_payments) for i in found.items
    ]
    kept, reason = fit_to_budget(invoices, ctx.runtime.settings.tool_response_budget_bytes)
    summary = None
    if params.include_ageing:
        notes = []
        open_invoices: list[Invoice] = []
        complete = True
        if "AUTHORISED" in statuses:
            where = all_of([*conditions, condition("AmountDue", ">", Decimal(0))])

            async def fetch(number: int) -> Page[Invoice]:
                return await client.invoices(
                    tenant.tenant_id,
                    where=where,
                    statuses=["AUTHORISED"],
                    contact_ids=contact_ids,
                    ids=params.invoice_ids,
                    invoice_numbers=params.invoice_numbers,
                    search_term=params.search_term,
                    modified_since=params.modified_since,
                    page=number,
                    page_size=100,
                )

            open_invoices, complete = await xf.all_pages(fetch)
            if not complete:
                notes.append(MAX_AGEING_PAGES_NOTE)
        else:
            notes.append("no AUTHORISED status among the filters, so nothing is owed on the matching invoices")
        base = await base_currency(client, tenant.tenant_id)
        summary = ageing_summary(open_invoices, as_of, base, complete=complete, notes=notes)
    return InvoiceList(
        tenant=tenant,
        invoices=kept,
        page=page_info(len(kept), found.has_more, params.page, reason),
        total_matching=found.item_count,
        ageing=summary,
    )
