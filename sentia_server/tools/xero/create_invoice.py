"""xero-create-invoice: create a sales invoice or bill, or only validate and preview it."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any, Literal

from pydantic import Field, HttpUrl, model_validator

from sentia_server.cache import CacheTier
from sentia_server.integrations.http import VendorError
from sentia_server.integrations.xero import XeroClient
from sentia_server.tools.context import ToolContext
from sentia_server.tools.registry import ToolInput, ToolOutput
from sentia_server.tools.xero.common import UUID_PATTERN, TenantId, TenantRef, XeroId, connect, group, money, utc_today
from sentia_server.tools.xero.invoices import InvoiceOut, invoice_out


class TrackingIn(ToolInput):
    name: str = Field(min_length=1, max_length=100, description="Tracking category name, e.g. Region.")
    option: str = Field(min_length=1, max_length=100, description="Tracking option, e.g. UK.")


class LineItemIn(ToolInput):
    description: str = Field(min_length=1, max_length=4000, description="What is sold or bought.")
    quantity: Decimal = Field(default=Decimal(1), gt=0, le=Decimal("1e9"), description="Units, more than 0.")
    unit_amount: Decimal = Field(
        ge=Decimal("-1e12"),
        le=Decimal("1e12"),
        description="Price per unit (tax excluded or included as line_amount_types says); negative for credits.",
    )
    account_code: str | None = Field(
        default=None, min_length=1, max_length=10, description="Ledger account code, e.g. 200 for sales."
    )
    item_code: str | None = Field(default=None, min_length=1, max_length=30, description="Xero item code.")
    tax_type: str | None = Field(
        default=None,
        pattern=r"^[A-Z0-9]{1,50}$",
        description="Xero tax type such as OUTPUT2 (UK 20% VAT on sales) or NONE; default: the account's.",
    )
    discount_rate: Decimal | None = Field(default=None, ge=0, le=100, description="Percentage discount.")
    tracking: list[TrackingIn] = Field(default_factory=list, max_length=2, description="Up to two tracking options.")


class CreateInvoiceInput(ToolInput):
    tenant_id: TenantId
    invoice_type: Literal["ACCREC", "ACCPAY"] = Field(
        default="ACCREC", description="ACCREC for a sales invoice, ACCPAY for a bill."
    )
    contact_id: XeroId = Field(description="The customer (or supplier) ContactID.")
    line_items: list[LineItemIn] = Field(min_length=1, max_length=100, description="The invoice lines.")
    invoice_date: date | None = Field(default=None, description="Issue date; default: today in the organisation.")
    due_date: date | None = Field(default=None, description="Due date; needed when the status is AUTHORISED.")
    invoice_number: str | None = Field(
        default=None, min_length=1, max_length=255, description="Default for ACCREC: Xero's next number."
    )
    reference: str | None = Field(default=None, max_length=255, description="Customer reference, e.g. their PO.")
    currency_code: str | None = Field(
        default=None, pattern=r"^[A-Z]{3}$", description="ISO 4217 code; default: the organisation's base currency."
    )
    currency_rate: Decimal | None = Field(
        default=None, gt=0, description="Units of currency_code per unit of base currency; default: Xero's rate."
    )
    status: Literal["DRAFT", "SUBMITTED", "AUTHORISED"] = Field(
        default="DRAFT", description="DRAFT, SUBMITTED (for approval) or AUTHORISED (approved)."
    )
    line_amount_types: Literal["Exclusive", "Inclusive", "NoTax"] = Field(
        default="Exclusive", description="Whether unit amounts exclude tax, include it, or carry none."
    )
    branding_theme_id: str | None = Field(default=None, pattern=UUID_PATTERN, description="Xero branding theme.")
    url: HttpUrl | None = Field(default=None, description="Link to a source document, shown in Xero.")
    email_to_contact: bool = Field(
        default=False, description="Have Xero email the invoice to the contact (AUTHORISED sales invoices only)."
    )
    validate_only: bool = Field(
        default=False,
        description="Only check the contact and the lines (accounts exist and are active) and preview the line "
        "amounts; nothing is created.",
    )
    idempotency_key: str | None = Field(
        default=None,
        min_length=1,
        max_length=128,
        pattern=r"^[!-~]+$",
        description="Any unique text (no spaces, at most 128 characters). Sending the same key again returns the "
        "first result instead of creating a second invoice.",
    )

    @model_validator(mode="after")
    def _consistent(self) -> CreateInvoiceInput:
        if self.invoice_date and self.due_date and self.due_date < self.invoice_date:
            raise ValueError("due_date must not be before invoice_date")
        if self.email_to_contact and (self.invoice_type != "ACCREC" or self.status != "AUTHORISED"):
            raise ValueError("email_to_contact needs an AUTHORISED sales invoice (invoice_type ACCREC)")
        return self

    def xero_invoice(self) -> dict[str, Any]:
        """The invoice in Xero's JSON (the element of the Invoices array)."""
        lines = []
        for line in self.line_items:
            item: dict[str, Any] = {
                "Description": line.description,
                "Quantity": float(line.quantity),
                "UnitAmount": float(line.unit_amount),
            }
            optional = {
                "AccountCode": line.account_code,
                "ItemCode": line.item_code,
                "TaxType": line.tax_type,
                "DiscountRate": None if line.discount_rate is None else float(line.discount_rate),
            }
            item.update({key: value for key, value in optional.items() if value is not None})
            if line.tracking:
                item["Tracking"] = [{"Name": t.name, "Option": t.option} for t in line.tracking]
            lines.append(item)
        invoice: dict[str, Any] = {
            "Type": self.invoice_type,
            "Contact": {"ContactID": self.contact_id},
            "LineItems": lines,
            "Status": self.status,
            "LineAmountTypes": self.line_amount_types,
        }
        optional_invoice = {
            "Date": self.invoice_date.isoformat() if self.invoice_date else None,
            "DueDate": self.due_date.isoformat() if self.due_date else None,
            "InvoiceNumber": self.invoice_number,
            "Reference": self.reference,
            "CurrencyCode": self.currency_code,
            "CurrencyRate": None if self.currency_rate is None else float(self.currency_rate),
            "BrandingThemeID": self.branding_theme_id,
            "Url": None if self.url is None else str(self.url),
        }
        invoice.update({key: value for key, value in optional_invoice.items() if value is not None})
        return invoice


class InvoicePreview(ToolOutput):
    contact_name: str | None
    line_amounts: list[float] = Field(description="quantity x unit amount less discount, per line.")
    lines_total: float = Field(
        description="Sum of the line amounts (before tax for Exclusive, tax included for Inclusive)."
    )
    currency_code: str | None


class CreateInvoiceResult(ToolOutput):
    tenant: TenantRef
    validate_only: bool
    valid: bool = Field(description="False when validate_only found problems.")
    problems: list[str]
    checks: list[str] = Field(description="What was checked.")
    preview: InvoicePreview | None = None
    invoice: InvoiceOut | None = Field(default=None, description="The invoice as Xero stored it.")
    emailed: bool = False
    idempotency_key: str | None = None
    notes: list[str] = Field(default_factory=list)


def _line_amount(line: LineItemIn) -> Decimal:
    discount = (line.discount_rate or Decimal(0)) / 100
    return round(line.quantity * line.unit_amount * (1 - discount), 2)


async def _validate_invoice(
    client: XeroClient, tenant: TenantRef, params: CreateInvoiceInput
) -> tuple[list[str], list[str], InvoicePreview]:
    problems: list[str] = []
    checks = ["contact exists and is active", "each line's account code exists and is active"]
    contact = await client.contact(tenant.tenant_id, params.contact_id)
    if contact is None:
        problems.append(f"no contact with ContactID {params.contact_id} in {tenant.tenant_name}")
    elif contact.status != "ACTIVE":
        problems.append(f"contact '{contact.name}' is {contact.status}; only ACTIVE contacts can be invoiced")
    accounts = {account.code: account for account in await client.accounts(tenant.tenant_id) if account.code}
    for number, line in enumerate(params.line_items, start=1):
        if line.account_code is None:
            if params.status != "DRAFT":
                problems.append(f"line {number}: an account_code is needed on a {params.status} invoice")
            continue
        account = accounts.get(line.account_code)
        if account is None:
            problems.append(f"line {number}: account code '{line.account_code}' does not exist")
        elif account.status != "ACTIVE":
            problems.append(f"line {number}: account code '{line.account_code}' is {account.status}")
    amounts = [_line_amount(line) for line in params.line_items]
    preview = InvoicePreview(
        contact_name=None if contact is None else contact.name,
        line_amounts=[money(value) for value in amounts],
        lines_total=money(sum(amounts, Decimal(0))),
        currency_code=params.currency_code,
    )
    return problems, checks, preview


@group.tool(
    "xero-create-invoice",
    title="Create a Xero invoice",
    cache_tier=CacheTier.NONE,
    read_only=False,
    destructive=False,
    idempotent=False,
    open_world=True,
)
async def create_invoice(params: CreateInvoiceInput, ctx: ToolContext) -> CreateInvoiceResult:
    """Create a sales invoice or bill in Xero (DRAFT, SUBMITTED or AUTHORISED), optionally emailing it to the
    contact. With validate_only nothing is created: the contact and the lines are checked and the amounts
    previewed. Calls are not idempotent by themselves; give an idempotency_key and a repeated call with the same
    key returns the first invoice instead of creating another. Xero's validation messages are returned verbatim."""
    client, tenant = await connect(ctx, params.tenant_id)
    if params.validate_only:
        problems, checks, preview = await _validate_invoice(client, tenant, params)
        checks.append("tax types and currencies are checked by Xero when the invoice is created")
        return CreateInvoiceResult(
            tenant=tenant, validate_only=True, valid=not problems, problems=problems, checks=checks, preview=preview
        )
    try:
        created = await client.create_invoice(
            tenant.tenant_id, params.xero_invoice(), idempotency_key=params.idempotency_key
        )
    except VendorError as error:
        if error.status == 403:
            raise VendorError(
                "xero",
                "refused to create the invoice",
                status=403,
                hint="creating invoices needs the accounting.transactions scope: add it to SENTIA_XERO__SCOPES "
                "and to the app's connection",
            ) from None
        raise
    emailed, notes = False, []
    if params.email_to_contact:
        try:
            await client.email_invoice(tenant.tenant_id, created.invoice_id, idempotency_key=params.idempotency_key)
            emailed = True
        except VendorError as error:
            notes.append(f"the invoice was created but not emailed: {error}")
    return CreateInvoiceResult(
        tenant=tenant,
        validate_only=False,
        valid=True,
        problems=[],
        checks=["validated by Xero"],
        invoice=invoice_out(created, utc_today(), lines=True, payments=False),
        emailed=emailed,
        idempotency_key=params.idempotency_key,
        notes=notes,
    )
