"""What the Xero tools share: the tool group, argument types, the client and tenant lookup, money."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import Field

from sentia_server.integrations.xero import XeroClient
from sentia_server.integrations.xero.models import LineItem
from sentia_server.tools.context import ToolContext
from sentia_server.tools.paging import PageInfo
from sentia_server.tools.registry import ToolCategory, ToolGroup, ToolOutput
from sentia_server.vendor_tokens import xero_client as runtime_xero_client

group = ToolGroup(ToolCategory.XERO)

UUID_PATTERN = r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
TENANT_DESCRIPTION = (
    "The Xero organisation (its tenantId). May be left out when exactly one organisation is connected; "
    "otherwise the error lists the connected ones."
)
TenantId = Annotated[str | None, Field(default=None, pattern=UUID_PATTERN, description=TENANT_DESCRIPTION)]
XeroId = Annotated[str, Field(pattern=UUID_PATTERN)]
PageNumber = Annotated[int, Field(default=1, ge=1, le=10_000, description="Page number, from 1.")]
PageSize = Annotated[int, Field(default=50, ge=1, le=100, description="Items per page (Xero pages hold at most 100).")]
SortOrder = Literal["ASC", "DESC"]
InvoiceStatus = Literal["DRAFT", "SUBMITTED", "AUTHORISED", "PAID", "VOIDED", "DELETED"]
ContactStatus = Literal["ACTIVE", "ARCHIVED", "GDPRREQUEST"]
BankTransactionStatus = Literal["AUTHORISED", "DELETED", "VOIDED"]
BankTransactionType = Literal[
    "RECEIVE",
    "RECEIVE-OVERPAYMENT",
    "RECEIVE-PREPAYMENT",
    "SPEND",
    "SPEND-OVERPAYMENT",
    "SPEND-PREPAYMENT",
    "RECEIVE-TRANSFER",
    "SPEND-TRANSFER",
]


def xero_client(ctx: ToolContext) -> XeroClient:
    """The process's Xero client; a standard app (authorization code) reads its tokens from the database."""
    return runtime_xero_client(ctx.runtime)


def utc_today() -> date:
    return datetime.now(UTC).date()


def money_or_none(value: Decimal | None) -> float | None:
    return None if value is None else float(round(value, 2))


def money(value: Decimal) -> float:
    return float(round(value, 2))


def in_base_currency(value: Decimal, rate: Decimal) -> Decimal:
    """An amount in the organisation's base currency: Xero's CurrencyRate is units of the document's currency per
    unit of base currency."""
    return value / rate if rate else value


def month_text(day: date) -> str:
    return f"{day:%Y-%m}"


class TenantRef(ToolOutput):
    tenant_id: str = Field(description="Xero tenantId of the organisation the data came from.")
    tenant_name: str


async def connect(ctx: ToolContext, tenant_id: str | None) -> tuple[XeroClient, TenantRef]:
    client = xero_client(ctx)
    connection = await client.tenant(tenant_id)
    return client, TenantRef(tenant_id=connection.tenant_id, tenant_name=connection.tenant_name)


def page_info(returned: int, has_more: bool, page: int, reason: str | None) -> PageInfo:
    return PageInfo(
        returned=returned,
        has_more=has_more,
        next_page=page + 1 if has_more else None,
        truncated=reason is not None,
        truncated_reason=reason,
    )


class InvoiceLineOut(ToolOutput):
    description: str
    quantity: float | None
    unit_amount: float | None
    account_code: str | None
    item_code: str | None
    tax_type: str | None
    tax_amount: float
    line_amount: float


async def base_currency(client: XeroClient, tenant_id: str) -> str:
    return (await client.organisation(tenant_id)).base_currency


def line_out(line: LineItem) -> InvoiceLineOut:
    return InvoiceLineOut(
        description=line.description,
        quantity=None if line.quantity is None else float(line.quantity),
        unit_amount=None if line.unit_amount is None else float(line.unit_amount),
        account_code=line.account_code,
        item_code=line.item_code,
        tax_type=line.tax_type,
        tax_amount=money(line.tax_amount),
        line_amount=money(line.line_amount),
    )
