"""Figures for analysis gathered from an organisation's own Xero data, each with where it came from.

Report lines are found by the labels Xero prints (they differ by region: "Total Trading Income" in the UK,
"Total Income" elsewhere), and account balances by account id, using the chart of accounts to know which
accounts hold inventory, receivables (system account DEBTORS) and payables (CREDITORS).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TypeVar

from pydantic import BaseModel

from sentia_server.integrations.xero.client import Page, XeroClient
from sentia_server.integrations.xero.models import Account
from sentia_server.integrations.xero.reports import ParsedReport, parse_report

MAX_PAGES = 20
"""At most this many pages (2000 records) are read for one analysis; the result says when more existed."""

REVENUE_LABELS = ("Total Trading Income", "Total Income", "Total Revenue", "Total Sales")
COST_OF_SALES_LABELS = ("Total Cost of Sales", "Total Cost of Goods Sold", "Total Direct Costs")
GROSS_PROFIT_LABELS = ("Gross Profit",)
NET_PROFIT_LABELS = ("Net Profit", "Net Income")
BANK_LABELS = ("Total Bank", "Total Cash and Cash Equivalents")
CURRENT_ASSET_LABELS = ("Total Current Assets",)
CURRENT_LIABILITY_LABELS = ("Total Current Liabilities",)

ItemT = TypeVar("ItemT", bound=BaseModel)


@dataclass(frozen=True)
class Figure:
    value: Decimal
    source: str


@dataclass(frozen=True)
class AccountRoles:
    """The accounts that play a part in the analyses, from GET Accounts."""

    inventory: list[Account]
    receivables: list[Account]
    payables: list[Account]


async def all_pages(fetch: Callable[[int], Awaitable[Page[ItemT]]]) -> tuple[list[ItemT], bool]:
    """Every item over consecutive pages, up to MAX_PAGES; and whether the list was read to its end."""
    items: list[ItemT] = []
    for number in range(1, MAX_PAGES + 1):
        page = await fetch(number)
        items.extend(page.items)
        if not page.has_more:
            return items, True
    return items, False


async def account_roles(client: XeroClient, tenant_id: str) -> AccountRoles:
    accounts = await client.accounts(tenant_id)
    return AccountRoles(
        inventory=[a for a in accounts if a.type == "INVENTORY"],
        receivables=[a for a in accounts if a.system_account == "DEBTORS"],
        payables=[a for a in accounts if a.system_account == "CREDITORS"],
    )


async def balance_sheet(client: XeroClient, tenant_id: str, day: date) -> ParsedReport:
    return parse_report(await client.report(tenant_id, "BalanceSheet", {"date": day.isoformat()}))


async def profit_and_loss(client: XeroClient, tenant_id: str, start: date, end: date) -> ParsedReport:
    params = {"fromDate": start.isoformat(), "toDate": end.isoformat()}
    return parse_report(await client.report(tenant_id, "ProfitAndLoss", params))


def line_figure(report: ParsedReport, labels: tuple[str, ...], where: str) -> Figure | None:
    """The first column of the first line labelled with one of `labels`, or None when the report has none."""
    line = report.find(*labels)
    if line is None:
        return None
    value = line.amount(0)
    return None if value is None else Figure(value, f"{where}, line '{line.label}'")


def accounts_figure(report: ParsedReport, accounts: list[Account], where: str) -> Figure:
    """The total of the report lines of `accounts` (0 when none has a balance: Xero omits empty lines)."""
    lines = report.account_lines(account.account_id for account in accounts)
    total = sum((line.amount(0) or Decimal(0) for line in lines), Decimal(0))
    names = ", ".join(f"'{a.name}'" + (f" ({a.code})" if a.code else "") for a in accounts)
    detail = "" if lines else " (no balance on the report)"
    return Figure(total, f"{where}, account {names}{detail}")
