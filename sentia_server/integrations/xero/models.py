"""Typed views of the Xero Accounting API's JSON: only the fields the server uses, dates parsed from either of
Xero's forms, money as Decimal. Unknown fields are ignored, so additions to the API never break a call."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from sentia_server.integrations.xero.dates import parse_date, parse_datetime


def _date(value: Any) -> Any:
    return parse_date(value) if isinstance(value, str) else value


def _datetime(value: Any) -> Any:
    return parse_datetime(value) if isinstance(value, str) else value


XeroDate = Annotated[date, BeforeValidator(_date)]
XeroDateTime = Annotated[datetime, BeforeValidator(_datetime)]
ZERO = Decimal(0)


class XeroRecord(BaseModel):
    model_config = ConfigDict(extra="ignore", populate_by_name=True, frozen=True)


def _prefer_date_strings(data: Any, pairs: tuple[tuple[str, str], ...]) -> Any:
    """Fill `Date` from `DateString` when only the ISO form is present (both forms describe the same day)."""
    if isinstance(data, dict):
        for field, fallback in pairs:
            if data.get(field) in (None, "") and data.get(fallback):
                data = {**data, field: data[fallback]}
    return data


class Connection(XeroRecord):
    """A Xero organisation this app may reach (GET https://api.xero.com/connections)."""

    id: str
    tenant_id: str = Field(alias="tenantId")
    tenant_name: str = Field(default="", alias="tenantName")
    tenant_type: str = Field(default="ORGANISATION", alias="tenantType")


class ContactRef(XeroRecord):
    contact_id: str = Field(alias="ContactID")
    name: str = Field(default="", alias="Name")


class Tracking(XeroRecord):
    name: str = Field(default="", alias="Name")
    option: str = Field(default="", alias="Option")


class LineItem(XeroRecord):
    description: str = Field(default="", alias="Description")
    quantity: Decimal | None = Field(default=None, alias="Quantity")
    unit_amount: Decimal | None = Field(default=None, alias="UnitAmount")
    item_code: str | None = Field(default=None, alias="ItemCode")
    account_code: str | None = Field(default=None, alias="AccountCode")
    tax_type: str | None = Field(default=None, alias="TaxType")
    tax_amount: Decimal = Field(default=ZERO, alias="TaxAmount")
    line_amount: Decimal = Field(default=ZERO, alias="LineAmount")
    discount_rate: Decimal | None = Field(default=None, alias="DiscountRate")
    tracking: list[Tracking] = Field(default_factory=list, alias="Tracking")


class InvoicePayment(XeroRecord):
    """A payment as embedded in an invoice."""

    payment_id: str | None = Field(default=None, alias="PaymentID")
    date: XeroDate = Field(alias="Date")
    amount: Decimal = Field(alias="Amount")
    reference: str | None = Field(default=None, alias="Reference")

    @model_validator(mode="before")
    @classmethod
    def _dates(cls, data: Any) -> Any:
        return _prefer_date_strings(data, (("Date", "DateString"),))


class Invoice(XeroRecord):
    invoice_id: str = Field(alias="InvoiceID")
    type: str = Field(alias="Type")
    invoice_number: str | None = Field(default=None, alias="InvoiceNumber")
    reference: str | None = Field(default=None, alias="Reference")
    status: str = Field(alias="Status")
    contact: ContactRef = Field(alias="Contact")
    date: XeroDate | None = Field(default=None, alias="Date")
    due_date: XeroDate | None = Field(default=None, alias="DueDate")
    line_amount_types: str | None = Field(default=None, alias="LineAmountTypes")
    currency_code: str = Field(default="", alias="CurrencyCode")
    currency_rate: Decimal = Field(default=Decimal(1), alias="CurrencyRate")
    sub_total: Decimal = Field(default=ZERO, alias="SubTotal")
    total_tax: Decimal = Field(default=ZERO, alias="TotalTax")
    total: Decimal = Field(default=ZERO, alias="Total")
    amount_due: Decimal = Field(default=ZERO, alias="AmountDue")
    amount_paid: Decimal = Field(default=ZERO, alias="AmountPaid")
    amount_credited: Decimal = Field(default=ZERO, alias="AmountCredited")
    fully_paid_on: XeroDate | None = Field(default=None, alias="FullyPaidOnDate")
    updated_at: XeroDateTime | None = Field(default=None, alias="UpdatedDateUTC")
    has_attachments: bool = Field(default=False, alias="HasAttachments")
    sent_to_contact: bool | None = Field(default=None, alias="SentToContact")
    line_items: list[LineItem] = Field(default_factory=list, alias="LineItems")
    payments: list[InvoicePayment] = Field(default_factory=list, alias="Payments")

    @model_validator(mode="before")
    @classmethod
    def _dates(cls, data: Any) -> Any:
        return _prefer_date_strings(data, (("Date", "DateString"), ("DueDate", "DueDateString")))


class Address(XeroRecord):
    address_type: str = Field(default="", alias="AddressType")
    line1: str | None = Field(default=None, alias="AddressLine1")
    city: str | None = Field(default=None, alias="City")
    region: str | None = Field(default=None, alias="Region")
    postal_code: str | None = Field(default=None, alias="PostalCode")
    country: str | None = Field(default=None, alias="Country")


class Phone(XeroRecord):
    phone_type: str = Field(default="", alias="PhoneType")
    number: str | None = Field(default=None, alias="PhoneNumber")


class ContactGroup(XeroRecord):
    contact_group_id: str | None = Field(default=None, alias="ContactGroupID")
    name: str = Field(default="", alias="Name")


class BalanceLine(XeroRecord):
    outstanding: Decimal = Field(default=ZERO, alias="Outstanding")
    overdue: Decimal = Field(default=ZERO, alias="Overdue")


class Balances(XeroRecord):
    accounts_receivable: BalanceLine | None = Field(default=None, alias="AccountsReceivable")
    accounts_payable: BalanceLine | None = Field(default=None, alias="AccountsPayable")


class Contact(XeroRecord):
    contact_id: str = Field(alias="ContactID")
    contact_number: str | None = Field(default=None, alias="ContactNumber")
    status: str = Field(default="ACTIVE", alias="ContactStatus")
    name: str = Field(default="", alias="Name")
    email: str | None = Field(default=None, alias="EmailAddress")
    is_customer: bool = Field(default=False, alias="IsCustomer")
    is_supplier: bool = Field(default=False, alias="IsSupplier")
    default_currency: str | None = Field(default=None, alias="DefaultCurrency")
    tax_number: str | None = Field(default=None, alias="TaxNumber")
    addresses: list[Address] = Field(default_factory=list, alias="Addresses")
    phones: list[Phone] = Field(default_factory=list, alias="Phones")
    groups: list[ContactGroup] = Field(default_factory=list, alias="ContactGroups")
    balances: Balances | None = Field(default=None, alias="Balances")
    updated_at: XeroDateTime | None = Field(default=None, alias="UpdatedDateUTC")


class AccountRef(XeroRecord):
    account_id: str | None = Field(default=None, alias="AccountID")
    code: str | None = Field(default=None, alias="Code")
    name: str | None = Field(default=None, alias="Name")


class BankTransaction(XeroRecord):
    bank_transaction_id: str = Field(alias="BankTransactionID")
    type: str = Field(alias="Type")
    status: str = Field(default="AUTHORISED", alias="Status")
    contact: ContactRef | None = Field(default=None, alias="Contact")
    bank_account: AccountRef = Field(alias="BankAccount")
    date: XeroDate | None = Field(default=None, alias="Date")
    reference: str | None = Field(default=None, alias="Reference")
    is_reconciled: bool = Field(default=False, alias="IsReconciled")
    currency_code: str = Field(default="", alias="CurrencyCode")
    currency_rate: Decimal = Field(default=Decimal(1), alias="CurrencyRate")
    line_amount_types: str | None = Field(default=None, alias="LineAmountTypes")
    sub_total: Decimal = Field(default=ZERO, alias="SubTotal")
    total_tax: Decimal = Field(default=ZERO, alias="TotalTax")
    total: Decimal = Field(default=ZERO, alias="Total")
    line_items: list[LineItem] = Field(default_factory=list, alias="LineItems")
    updated_at: XeroDateTime | None = Field(default=None, alias="UpdatedDateUTC")

    @model_validator(mode="before")
    @classmethod
    def _dates(cls, data: Any) -> Any:
        return _prefer_date_strings(data, (("Date", "DateString"),))


class InvoiceRef(XeroRecord):
    invoice_id: str | None = Field(default=None, alias="InvoiceID")
    invoice_number: str | None = Field(default=None, alias="InvoiceNumber")
    type: str | None = Field(default=None, alias="Type")
    currency_code: str | None = Field(default=None, alias="CurrencyCode")


class Payment(XeroRecord):
    """A payment as listed by GET Payments."""

    payment_id: str = Field(alias="PaymentID")
    date: XeroDate = Field(alias="Date")
    amount: Decimal = Field(alias="Amount")
    currency_rate: Decimal = Field(default=Decimal(1), alias="CurrencyRate")
    payment_type: str = Field(default="", alias="PaymentType")
    status: str = Field(default="AUTHORISED", alias="Status")
    invoice: InvoiceRef | None = Field(default=None, alias="Invoice")
    account: AccountRef | None = Field(default=None, alias="Account")
    reference: str | None = Field(default=None, alias="Reference")

    @model_validator(mode="before")
    @classmethod
    def _dates(cls, data: Any) -> Any:
        return _prefer_date_strings(data, (("Date", "DateString"),))


class Account(XeroRecord):
    account_id: str = Field(alias="AccountID")
    code: str | None = Field(default=None, alias="Code")
    name: str = Field(default="", alias="Name")
    type: str = Field(default="", alias="Type")
    status: str = Field(default="ACTIVE", alias="Status")
    account_class: str | None = Field(default=None, alias="Class")
    system_account: str | None = Field(default=None, alias="SystemAccount")
    currency_code: str | None = Field(default=None, alias="CurrencyCode")
    tax_type: str | None = Field(default=None, alias="TaxType")


class Organisation(XeroRecord):
    organisation_id: str = Field(alias="OrganisationID")
    name: str = Field(default="", alias="Name")
    base_currency: str = Field(alias="BaseCurrency")
    country_code: str | None = Field(default=None, alias="CountryCode")
    financial_year_end_day: int | None = Field(default=None, alias="FinancialYearEndDay")
    financial_year_end_month: int | None = Field(default=None, alias="FinancialYearEndMonth")


class Pagination(XeroRecord):
    page: int = 1
    page_size: int = Field(default=100, alias="pageSize")
    page_count: int = Field(default=1, alias="pageCount")
    item_count: int = Field(default=0, alias="itemCount")


class ReportAttribute(XeroRecord):
    id: str = Field(default="", alias="Id")
    value: str = Field(default="", alias="Value")


class ReportCell(XeroRecord):
    value: str = Field(default="", alias="Value")
    attributes: list[ReportAttribute] = Field(default_factory=list, alias="Attributes")


class ReportRow(XeroRecord):
    row_type: str = Field(alias="RowType")
    title: str = Field(default="", alias="Title")
    cells: list[ReportCell] = Field(default_factory=list, alias="Cells")
    rows: list[ReportRow] = Field(default_factory=list, alias="Rows")


class Report(XeroRecord):
    report_id: str | None = Field(default=None, alias="ReportID")
    report_name: str = Field(default="", alias="ReportName")
    report_type: str = Field(default="", alias="ReportType")
    report_titles: list[str] = Field(default_factory=list, alias="ReportTitles")
    report_date: str | None = Field(default=None, alias="ReportDate")
    updated_at: XeroDateTime | None = Field(default=None, alias="UpdatedDateUTC")
    rows: list[ReportRow] = Field(default_factory=list, alias="Rows")
