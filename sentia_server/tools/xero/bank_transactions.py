"""xero-get-bank-transactions: money in and out of the bank accounts, paged, with page totals."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal
from uuid import UUID

from mcp.server.mcpserver.exceptions import ToolError
from pydantic import Field, model_validator

from sentia_server.cache import CacheTier
from sentia_server.integrations.xero import XeroClient
from sentia_server.integrations.xero.models import BankTransaction
from sentia_server.integrations.xero.where import all_of, any_of, condition
from sentia_server.tools.context import ToolContext
from sentia_server.tools.paging import PageInfo, fit_to_budget
from sentia_server.tools.registry import ToolInput, ToolOutput
from sentia_server.tools.xero.common import (
    UUID_PATTERN,
    BankTransactionStatus,
    BankTransactionType,
    InvoiceLineOut,
    PageNumber,
    PageSize,
    SortOrder,
    TenantId,
    TenantRef,
    connect,
    group,
    line_out,
    money,
    page_info,
)


def _default_bank_statuses() -> list[BankTransactionStatus]:
    return ["AUTHORISED"]


class BankTransactionsInput(ToolInput):
    tenant_id: TenantId
    bank_account_id: str | None = Field(
        default=None, pattern=UUID_PATTERN, description="Only this bank account (its AccountID)."
    )
    bank_account_code: str | None = Field(
        default=None, min_length=1, max_length=10, description="Only the bank account with this code, e.g. 090."
    )
    date_from: date | None = Field(default=None, description="On or after this date.")
    date_to: date | None = Field(default=None, description="On or before this date.")
    types: list[BankTransactionType] | None = Field(
        default=None, min_length=1, description="Only these types (RECEIVE is money in, SPEND money out)."
    )
    statuses: list[BankTransactionStatus] = Field(
        default_factory=_default_bank_statuses, min_length=1, description="Only these statuses."
    )
    reconciled: Literal["all", "reconciled", "unreconciled"] = Field(
        default="all", description="Filter on whether the bank statement line was reconciled."
    )
    min_total: Decimal | None = Field(default=None, ge=0, description="Total at least this.")
    max_total: Decimal | None = Field(default=None, ge=0, description="Total at most this.")
    reference: str | None = Field(default=None, min_length=1, max_length=255, description="Exactly this reference.")
    contact_id: str | None = Field(default=None, pattern=UUID_PATTERN, description="Only this contact.")
    modified_since: datetime | None = Field(default=None, description="Only transactions changed since this time.")
    sort_by: Literal["Date", "Total", "Reference", "UpdatedDateUTC"] = Field(default="Date", description="Sort key.")
    sort_order: SortOrder = Field(default="DESC", description="Sort direction.")
    page: PageNumber
    page_size: PageSize
    include_line_items: bool = Field(default=False, description="Include each transaction's lines.")

    @model_validator(mode="after")
    def _consistent(self) -> BankTransactionsInput:
        if self.bank_account_id and self.bank_account_code:
            raise ValueError("give bank_account_id or bank_account_code, not both")
        for low, high in (("date_from", "date_to"), ("min_total", "max_total")):
            first, second = getattr(self, low), getattr(self, high)
            if first is not None and second is not None and first > second:
                raise ValueError(f"{low} must not be after {high}")
        return self


class BankTransactionOut(ToolOutput):
    bank_transaction_id: str
    type: str
    status: str
    transaction_date: date | None
    reference: str | None
    contact_id: str | None
    contact_name: str | None
    bank_account_id: str | None
    bank_account_code: str | None
    bank_account_name: str | None
    is_reconciled: bool
    currency_code: str
    currency_rate: float
    sub_total: float
    total_tax: float
    total: float
    line_items: list[InvoiceLineOut] | None = None


class CurrencyMovement(ToolOutput):
    currency: str
    received: float
    spent: float
    net: float
    count: int


class BankTransactionList(ToolOutput):
    tenant: TenantRef
    transactions: list[BankTransactionOut]
    page: PageInfo
    total_matching: int | None
    page_totals: list[CurrencyMovement] = Field(description="Money in and out on this page, per currency.")


def _bank_out(transaction: BankTransaction, lines: bool) -> BankTransactionOut:
    return BankTransactionOut(
        bank_transaction_id=transaction.bank_transaction_id,
        type=transaction.type,
        status=transaction.status,
        transaction_date=transaction.date,
        reference=transaction.reference,
        contact_id=transaction.contact.contact_id if transaction.contact else None,
        contact_name=transaction.contact.name if transaction.contact else None,
        bank_account_id=transaction.bank_account.account_id,
        bank_account_code=transaction.bank_account.code,
        bank_account_name=transaction.bank_account.name,
        is_reconciled=transaction.is_reconciled,
        currency_code=transaction.currency_code,
        currency_rate=float(transaction.currency_rate),
        sub_total=money(transaction.sub_total),
        total_tax=money(transaction.total_tax),
        total=money(transaction.total),
        line_items=[line_out(line) for line in transaction.line_items] if lines else None,
    )


def _movements(transactions: list[BankTransaction]) -> list[CurrencyMovement]:
    totals: dict[str, list[Any]] = {}
    for transaction in transactions:
        entry = totals.setdefault(transaction.currency_code, [Decimal(0), Decimal(0), 0])
        if transaction.type.startswith("RECEIVE"):
            entry[0] += transaction.total
        else:
            entry[1] += transaction.total
        entry[2] += 1
    return [
        CurrencyMovement(
            currency=currency,
            received=money(received),
            spent=money(spent),
            net=money(received - spent),
            count=count,
        )
        for currency, (received, spent, count) in sorted(totals.items())
    ]


async def _bank_account_id(client: XeroClient, tenant: TenantRef, code: str) -> str:
    banks = await client.accounts(tenant.tenant_id, where=condition("Type", "==", "BANK"))
    for account in banks:
        if account.code == code:
            return account.account_id
    known = ", ".join(f"{a.code} ({a.name})" for a in banks if a.code) or "none"
    raise ToolError(f"xero: {tenant.tenant_name} has no bank account with code {code}; bank accounts: {known}")


@group.tool(
    "xero-get-bank-transactions",
    title="Xero bank transactions",
    cache_tier=CacheTier.SHORT,
    read_only=True,
    open_world=True,
)
async def get_bank_transactions(params: BankTransactionsInput, ctx: ToolContext) -> BankTransactionList:
    """List money received and spent through the bank accounts (receive, spend, transfers, overpayments,
    prepayments), filtered by account, dates, type, status, reconciliation, amount, reference or contact, one page
    at a time, with the page's totals per currency."""
    client, tenant = await connect(ctx, params.tenant_id)
    account_id = params.bank_account_id
    if params.bank_account_code is not None:
        account_id = await _bank_account_id(client, tenant, params.bank_account_code)
    conditions = [any_of("Status", list(dict.fromkeys(params.statuses)))]
    if account_id is not None:
        conditions.append(condition("BankAccount.AccountID", "==", UUID(account_id)))
    if params.types:
        conditions.append(any_of("Type", list(dict.fromkeys(params.types))))
    if params.reconciled != "all":
        conditions.append(condition("IsReconciled", "==", params.reconciled == "reconciled"))
    if params.contact_id is not None:
        conditions.append(condition("Contact.ContactID", "==", UUID(params.contact_id)))
    if params.reference is not None:
        conditions.append(condition("Reference", "==", params.reference))
    for field, operator, value in (
        ("Date", ">=", params.date_from),
        ("Date", "<=", params.date_to),
        ("Total", ">=", params.min_total),
        ("Total", "<=", params.max_total),
    ):
        if value is not None:
            conditions.append(condition(field, operator, value))
    found = await client.bank_transactions(
        tenant.tenant_id,
        where=all_of(conditions),
        order=f"{params.sort_by} {params.sort_order}",
        modified_since=params.modified_since,
        page=params.page,
        page_size=params.page_size,
    )
    transactions = [_bank_out(t, params.include_line_items) for t in found.items]
    kept, reason = fit_to_budget(transactions, ctx.runtime.settings.tool_response_budget_bytes)
    return BankTransactionList(
        tenant=tenant,
        transactions=kept,
        page=page_info(len(kept), found.has_more, params.page, reason),
        total_matching=found.item_count,
        page_totals=_movements(found.items),
    )
