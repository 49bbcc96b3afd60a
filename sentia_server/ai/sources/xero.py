"""An organisation's statements and monthly revenue, read with the Xero tools' client access (`connect`) and the
integration's report and figure helpers (`integrations.xero.figures`), each figure with the report line it came
from.

Current assets are the balance sheet's bank total plus its "Total Current Assets" (Xero reports bank accounts in a
section of their own), as `xero-analytics` counts them. Monthly revenue is the total before tax of the sales
invoices (AUTHORISED and PAID) dated in each month, in the base currency at each invoice's rate.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sentia_server.ai.figures.financial import Statements
from sentia_server.ai.sources.access import require
from sentia_server.auth.permissions import Permission
from sentia_server.integrations.xero import Page
from sentia_server.integrations.xero import figures as xf
from sentia_server.integrations.xero.models import Invoice
from sentia_server.integrations.xero.reports import ParsedReport
from sentia_server.integrations.xero.where import all_of, condition
from sentia_server.tools.context import ToolContext
from sentia_server.tools.xero.common import TenantRef, base_currency, connect, in_base_currency

OPERATING_EXPENSE_LABELS = ("Total Operating Expenses", "Total Expenses")
LIABILITY_LABELS = ("Total Liabilities",)
EQUITY_LABELS = ("Total Equity", "Net Assets")


@dataclass
class XeroPull:
    tenant: TenantRef
    currency: str
    sources: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _line(report: ParsedReport, labels: tuple[str, ...], where: str, name: str, pull: XeroPull) -> Decimal | None:
    figure = xf.line_figure(report, labels, where)
    if figure is None:
        pull.notes.append(f"the report has no {name} line ({' / '.join(labels)})")
        return None
    pull.sources.append(f"{name}: {figure.source}")
    return figure.value


async def xero_statements(
    ctx: ToolContext, tenant_id: str | None, start: date, end: date
) -> tuple[Statements, XeroPull]:
    """The statements of `start` to `end`: ProfitAndLoss over the period, BalanceSheet at its end."""
    require(ctx, Permission.FINANCIAL_READ, "Xero reports")
    client, tenant = await connect(ctx, tenant_id)
    pull = XeroPull(tenant, await base_currency(client, tenant.tenant_id))
    roles = await xf.account_roles(client, tenant.tenant_id)
    sheet = await xf.balance_sheet(client, tenant.tenant_id, end)
    profit = await xf.profit_and_loss(client, tenant.tenant_id, start, end)
    at, over = f"BalanceSheet at {end}", f"ProfitAndLoss {start} to {end}"
    bank = _line(sheet, xf.BANK_LABELS, at, "cash", pull)
    current = _line(sheet, xf.CURRENT_ASSET_LABELS, at, "current assets (besides bank)", pull)
    balances: dict[str, Decimal | None] = {}
    for name, accounts in (
        ("inventory", roles.inventory),
        ("receivables", roles.receivables),
        ("payables", roles.payables),
    ):
        if not accounts:
            pull.notes.append(f"the chart of accounts has no {name} account, so the ratios that need it are left out")
            balances[name] = None
            continue
        figure = xf.accounts_figure(sheet, accounts, at)
        pull.sources.append(f"{name}: {figure.source}")
        balances[name] = figure.value
    assets = None if bank is None and current is None else (bank or Decimal(0)) + (current or Decimal(0))
    statements = Statements(
        currency=pull.currency,
        period_days=(end - start).days + 1,
        revenue=_line(profit, xf.REVENUE_LABELS, over, "revenue", pull),
        cost_of_sales=_line(profit, xf.COST_OF_SALES_LABELS, over, "cost of sales", pull),
        gross_profit=_line(profit, xf.GROSS_PROFIT_LABELS, over, "gross profit", pull),
        operating_expenses=_line(profit, OPERATING_EXPENSE_LABELS, over, "operating expenses", pull),
        net_profit=_line(profit, xf.NET_PROFIT_LABELS, over, "net profit", pull),
        cash=bank,
        current_assets=assets,
        inventory=balances["inventory"],
        receivables=balances["receivables"],
        current_liabilities=_line(sheet, xf.CURRENT_LIABILITY_LABELS, at, "current liabilities", pull),
        payables=balances["payables"],
        total_liabilities=_line(sheet, LIABILITY_LABELS, at, "total liabilities", pull),
        equity=_line(sheet, EQUITY_LABELS, at, "equity", pull),
    )
    return statements, pull


async def xero_revenue_entries(
    ctx: ToolContext, tenant_id: str | None, start: date, end: date
) -> tuple[list[tuple[date, Decimal]], XeroPull, bool]:
    """(date, amount before tax in base currency) of every sales invoice from `start` to `end`, and whether the
    list was read to its end (analyses read at most 2000 invoices)."""
    require(ctx, Permission.FINANCIAL_READ, "Xero invoices")
    client, tenant = await connect(ctx, tenant_id)
    pull = XeroPull(tenant, await base_currency(client, tenant.tenant_id))
    where = all_of([condition("Type", "==", "ACCREC"), condition("Date", ">=", start), condition("Date", "<=", end)])

    async def fetch(number: int) -> Page[Invoice]:
        return await client.invoices(tenant.tenant_id, where=where, statuses=["AUTHORISED", "PAID"], page=number)

    invoices, complete = await xf.all_pages(fetch)
    entries = [(i.date, in_base_currency(i.sub_total, i.currency_rate)) for i in invoices if i.date is not None]
    pull.sources.append(
        f"monthly revenue: sales invoices of {tenant.tenant_name} (AUTHORISED and PAID, {start} to {end}), totals "
        f"before tax in {pull.currency} at each invoice's rate"
    )
    if not complete:
        pull.notes.append("more invoices existed than one analysis reads (2000); the latest months are partial")
    return entries, pull, complete
