"""xero-analytics: ratios, ageing, cash conversion cycle, cash-flow trend and forecast from the books."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from functools import partial
from typing import Literal

import anyio
from mcp.server.mcpserver.exceptions import ToolError
from pydantic import Field, model_validator

from sentia_server.analytics.cash_cycle import cash_conversion_cycle
from sentia_server.analytics.forecast import MAX_PERIODS, ForecastRefused, ets_forecast
from sentia_server.analytics.ratios import current_ratio, margin, quick_ratio
from sentia_server.analytics.trend import linear_trend, monthly_totals, shift_months
from sentia_server.cache import CacheTier
from sentia_server.integrations.xero import Page, XeroClient
from sentia_server.integrations.xero import figures as xf
from sentia_server.integrations.xero.models import BankTransaction, Invoice, Payment
from sentia_server.integrations.xero.where import all_of, condition
from sentia_server.tools.context import ToolContext
from sentia_server.tools.registry import ToolInput, ToolOutput
from sentia_server.tools.xero.ageing import MAX_AGEING_PAGES_NOTE, AgeingSummary, ageing_summary
from sentia_server.tools.xero.common import (
    TenantId,
    TenantRef,
    base_currency,
    connect,
    group,
    in_base_currency,
    money,
    money_or_none,
    month_text,
    utc_today,
)

Analysis = Literal["financial_ratios", "receivables_aging", "cash_conversion_cycle", "cash_flow_trend", "forecast"]
FORECAST_HISTORY_MONTHS = 36
INFLOW_PAYMENTS = frozenset({"ACCRECPAYMENT", "APCREDITPAYMENT", "APOVERPAYMENTPAYMENT", "APPREPAYMENTPAYMENT"})
OUTFLOW_PAYMENTS = frozenset({"ACCPAYPAYMENT", "ARCREDITPAYMENT", "AROVERPAYMENTPAYMENT", "ARPREPAYMENTPAYMENT"})


class AnalyticsInput(ToolInput):
    tenant_id: TenantId
    analysis: Analysis = Field(
        description="financial_ratios: current and quick ratios, gross and net margins (BalanceSheet at to_date, "
        "ProfitAndLoss over the period). receivables_aging: unpaid sales invoices by days overdue on as_of. "
        "cash_conversion_cycle: days sales + days inventory - days payables over the period. cash_flow_trend: "
        "money in and out per month from bank transactions and invoice payments. forecast: monthly revenue "
        "from sales invoices, forecast by exponential smoothing with prediction intervals."
    )
    from_date: date | None = Field(
        default=None,
        description="Start of the period; default: 12 full months before the current month (forecast: 36).",
    )
    to_date: date | None = Field(default=None, description="End of the period; default: the end of last month.")
    as_of: date | None = Field(default=None, description="receivables_aging only: the day to age on; default today.")
    periods: int | None = Field(
        default=None, ge=1, le=MAX_PERIODS, description="forecast only: months to forecast (1-24); default 12."
    )
    confidence: float | None = Field(
        default=None, ge=0.5, le=0.99, description="forecast only: prediction interval level; default 0.95."
    )

    @model_validator(mode="after")
    def _applies(self) -> AnalyticsInput:
        if self.from_date and self.to_date and self.from_date > self.to_date:
            raise ValueError("from_date must not be after to_date")
        if self.as_of is not None and self.analysis != "receivables_aging":
            raise ValueError("as_of applies to receivables_aging only (the other analyses use from_date/to_date)")
        if (self.periods is not None or self.confidence is not None) and self.analysis != "forecast":
            raise ValueError("periods and confidence apply to forecast only")
        if self.analysis == "receivables_aging" and (self.from_date or self.to_date):
            raise ValueError("receivables_aging ages on as_of; from_date and to_date do not apply")
        return self

    def period(self, today: date, months: int = 12) -> tuple[date, date]:
        end = self.to_date or shift_months(today, 0) - timedelta(days=1)
        start = self.from_date or shift_months(end, -(months - 1))
        return start, end


class FinancialRatios(ToolOutput):
    current_ratio: float | None = Field(description="(bank + current assets) / current liabilities.")
    quick_ratio: float | None = Field(description="(bank + current assets - inventory) / current liabilities.")
    gross_margin: float | None = Field(description="Gross profit / revenue, as a fraction.")
    net_margin: float | None = Field(description="Net profit / revenue, as a fraction.")
    current_assets: float | None
    inventory: float
    current_liabilities: float | None
    revenue: float | None
    gross_profit: float | None
    net_profit: float | None


class CashConversionCycleOut(ToolOutput):
    days_sales_outstanding: float
    days_inventory_outstanding: float
    days_payables_outstanding: float
    cash_conversion_cycle_days: float
    receivables: float
    inventory: float
    payables: float
    revenue: float
    cost_of_sales: float
    period_days: int


class MonthCash(ToolOutput):
    month: str = Field(description="YYYY-MM")
    inflow: float
    outflow: float
    net: float


class CashFlowTrend(ToolOutput):
    months: list[MonthCash]
    total_inflow: float
    total_outflow: float
    total_net: float
    net_trend_per_month: float | None = Field(description="Slope of the least-squares line through the monthly net.")
    records_considered: int
    complete: bool


class RevenueMonth(ToolOutput):
    month: str = Field(description="YYYY-MM")
    revenue: float


class ForecastMonth(ToolOutput):
    month: str = Field(description="YYYY-MM")
    revenue: float
    lower: float
    upper: float


class RevenueForecast(ToolOutput):
    method: str
    history_points: int = Field(description="Months of history the model was fitted to.")
    confidence: float
    history: list[RevenueMonth]
    forecast: list[ForecastMonth]


class AnalyticsResult(ToolOutput):
    tenant: TenantRef
    analysis: Analysis
    base_currency: str
    period_from: date | None
    period_to: date | None
    as_of: date | None
    financial_ratios: FinancialRatios | None = None
    receivables_aging: AgeingSummary | None = None
    cash_conversion_cycle: CashConversionCycleOut | None = None
    cash_flow_trend: CashFlowTrend | None = None
    forecast: RevenueForecast | None = None
    sources: list[str] = Field(description="Where each input figure came from.")
    notes: list[str]


def _ratio(value: Decimal | None) -> float | None:
    return None if value is None else round(float(value), 4)


def _refuse(analysis: str, reason: str) -> ToolError:
    return ToolError(f"xero-analytics: cannot compute {analysis.replace('_', ' ')}: {reason}")


async def _financial_ratios(
    client: XeroClient, tenant: TenantRef, start: date, end: date, result: AnalyticsResult
) -> None:
    roles = await xf.account_roles(client, tenant.tenant_id)
    sheet = await xf.balance_sheet(client, tenant.tenant_id, end)
    profit = await xf.profit_and_loss(client, tenant.tenant_id, start, end)
    at, over = f"BalanceSheet at {end}", f"ProfitAndLoss {start} to {end}"
    bank = xf.line_figure(sheet, xf.BANK_LABELS, at)
    current = xf.line_figure(sheet, xf.CURRENT_ASSET_LABELS, at)
    liabilities = xf.line_figure(sheet, xf.CURRENT_LIABILITY_LABELS, at)
    inventory = (
        xf.accounts_figure(sheet, roles.inventory, at)
        if roles.inventory
        else xf.Figure(Decimal(0), "no inventory account (type INVENTORY) in the chart of accounts")
    )
    revenue = xf.line_figure(profit, xf.REVENUE_LABELS, over)
    gross = xf.line_figure(profit, xf.GROSS_PROFIT_LABELS, over)
    net = xf.line_figure(profit, xf.NET_PROFIT_LABELS, over)
    figures = {
        "bank": bank,
        "current assets": current,
        "current liabilities": liabilities,
        "inventory": inventory,
        "revenue": revenue,
        "gross profit": gross,
        "net profit": net,
    }
    for name, figure in figures.items():
        if figure is None:
            result.notes.append(f"no {name} line on the report, so the ratios that need it are not given")
        else:
            result.sources.append(f"{name}: {figure.source}")
    assets: Decimal | None = None
    if bank is not None or current is not None:
        assets = (bank.value if bank else Decimal(0)) + (current.value if current else Decimal(0))
    owed = liabilities.value if liabilities else None
    result.financial_ratios = FinancialRatios(
        current_ratio=_ratio(current_ratio(assets, owed)) if assets is not None and owed is not None else None,
        quick_ratio=(
            _ratio(quick_ratio(assets, inventory.value, owed)) if assets is not None and owed is not None else None
        ),
        gross_margin=_ratio(margin(gross.value, revenue.value)) if gross and revenue else None,
        net_margin=_ratio(margin(net.value, revenue.value)) if net and revenue else None,
        current_assets=money_or_none(assets),
        inventory=money(inventory.value),
        current_liabilities=money_or_none(owed),
        revenue=money_or_none(revenue.value if revenue else None),
        gross_profit=money_or_none(gross.value if gross else None),
        net_profit=money_or_none(net.value if net else None),
    )
    if owed == 0:
        result.notes.append("current liabilities are 0, so the current and quick ratios are undefined")


async def _receivables_aging(client: XeroClient, tenant: TenantRef, as_of: date, result: AnalyticsResult) -> None:
    where = all_of(
        [condition("Type", "==", "ACCREC"), condition("AmountDue", ">", Decimal(0)), condition("Date", "<=", as_of)]
    )

    async def fetch(number: int) -> Page[Invoice]:
        return await client.invoices(tenant.tenant_id, where=where, statuses=["AUTHORISED"], page=number)

    invoices, complete = await xf.all_pages(fetch)
    notes = [] if complete else [MAX_AGEING_PAGES_NOTE]
    if as_of < utc_today():
        notes.append("amounts due are today's: payments received after as_of are not added back")
    result.receivables_aging = ageing_summary(invoices, as_of, result.base_currency, complete=complete, notes=notes)
    result.sources.append(f"open sales invoices (AUTHORISED, amount due above 0, issued by {as_of}) from Invoices")


async def _cash_conversion_cycle(
    client: XeroClient, tenant: TenantRef, start: date, end: date, result: AnalyticsResult
) -> None:
    roles = await xf.account_roles(client, tenant.tenant_id)
    missing = [
        needed
        for needed, accounts in (
            ("a receivables account (system account DEBTORS)", roles.receivables),
            ("a payables account (system account CREDITORS)", roles.payables),
            ("an inventory account (type INVENTORY)", roles.inventory),
        )
        if not accounts
    ]
    if missing:
        raise _refuse(
            "cash_conversion_cycle", f"the chart of accounts of {tenant.tenant_name} has no {', no '.join(missing)}"
        )
    sheet = await xf.balance_sheet(client, tenant.tenant_id, end)
    profit = await xf.profit_and_loss(client, tenant.tenant_id, start, end)
    at, over = f"BalanceSheet at {end}", f"ProfitAndLoss {start} to {end}"
    revenue = xf.line_figure(profit, xf.REVENUE_LABELS, over)
    cost = xf.line_figure(profit, xf.COST_OF_SALES_LABELS, over)
    absent = [name for name, figure in (("revenue", revenue), ("cost of sales", cost)) if figure is None]
    if revenue is None or cost is None:
        raise _refuse("cash_conversion_cycle", f"the ProfitAndLoss {start} to {end} has no {' and no '.join(absent)}")
    receivables = xf.accounts_figure(sheet, roles.receivables, at)
    inventory = xf.accounts_figure(sheet, roles.inventory, at)
    payables = xf.accounts_figure(sheet, roles.payables, at)
    try:
        cycle = cash_conversion_cycle(
            receivables=receivables.value,
            inventory=inventory.value,
            payables=payables.value,
            revenue=revenue.value,
            cost_of_sales=cost.value,
            period_days=(end - start).days + 1,
        )
    except ValueError as error:
        raise _refuse("cash_conversion_cycle", str(error)) from None
    for name, figure in (
        ("receivables", receivables),
        ("inventory", inventory),
        ("payables", payables),
        ("revenue", revenue),
        ("cost of sales", cost),
    ):
        result.sources.append(f"{name}: {figure.source}")
    result.cash_conversion_cycle = CashConversionCycleOut(
        days_sales_outstanding=round(float(cycle.days_sales_outstanding), 1),
        days_inventory_outstanding=round(float(cycle.days_inventory_outstanding), 1),
        days_payables_outstanding=round(float(cycle.days_payables_outstanding), 1),
        cash_conversion_cycle_days=round(float(cycle.days), 1),
        receivables=money(receivables.value),
        inventory=money(inventory.value),
        payables=money(payables.value),
        revenue=money(revenue.value),
        cost_of_sales=money(cost.value),
        period_days=cycle.period_days,
    )
    result.notes.append("balances are at the end of the period; revenue and cost of sales cover the whole period")


async def _cash_flow_trend(
    client: XeroClient, tenant: TenantRef, start: date, end: date, result: AnalyticsResult
) -> None:
    dated = [condition("Status", "==", "AUTHORISED"), condition("Date", ">=", start), condition("Date", "<=", end)]
    where = all_of(dated)

    async def bank_page(number: int) -> Page[BankTransaction]:
        return await client.bank_transactions(tenant.tenant_id, where=where, order="Date ASC", page=number)

    async def payment_page(number: int) -> Page[Payment]:
        return await client.payments(tenant.tenant_id, where=where, order="Date ASC", page=number)

    transactions, bank_complete = await xf.all_pages(bank_page)
    payments, payments_complete = await xf.all_pages(payment_page)
    inflows: list[tuple[date, Decimal]] = []
    outflows: list[tuple[date, Decimal]] = []
    for transaction in transactions:
        if transaction.date is None or transaction.type.endswith("TRANSFER"):
            continue  # a transfer moves money between the organisation's own accounts
        target = inflows if transaction.type.startswith("RECEIVE") else outflows
        target.append((transaction.date, in_base_currency(transaction.total, transaction.currency_rate)))
    skipped = set()
    for payment in payments:
        if payment.payment_type in INFLOW_PAYMENTS:
            inflows.append((payment.date, in_base_currency(payment.amount, payment.currency_rate)))
        elif payment.payment_type in OUTFLOW_PAYMENTS:
            outflows.append((payment.date, in_base_currency(payment.amount, payment.currency_rate)))
        else:
            skipped.add(payment.payment_type or "(none)")
    if skipped:
        result.notes.append(f"payments of unknown type left out: {', '.join(sorted(skipped))}")
    money_in, money_out = monthly_totals(inflows, start, end), monthly_totals(outflows, start, end)
    months = [
        MonthCash(month=month_text(month), inflow=money(i), outflow=money(o), net=money(i - o))
        for (month, i), (_, o) in zip(money_in, money_out, strict=True)
    ]
    trend = linear_trend([month.net for month in months])
    total_in = sum((value for _, value in money_in), Decimal(0))
    total_out = sum((value for _, value in money_out), Decimal(0))
    result.cash_flow_trend = CashFlowTrend(
        months=months,
        total_inflow=money(total_in),
        total_outflow=money(total_out),
        total_net=money(total_in - total_out),
        net_trend_per_month=None if trend is None else round(trend.slope, 2),
        records_considered=len(transactions) + len(payments),
        complete=bank_complete and payments_complete,
    )
    result.sources += [
        f"bank transactions (AUTHORISED, {start} to {end}, transfers between own accounts excluded)",
        f"invoice and bill payments (AUTHORISED, {start} to {end}) from Payments",
    ]
    result.notes.append(f"amounts in {result.base_currency} at each transaction's own currency rate")
    if not (bank_complete and payments_complete):
        result.notes.append("more records existed than one analysis reads (2000 of each); later months are partial")


async def _forecast(
    client: XeroClient, tenant: TenantRef, start: date, end: date, params: AnalyticsInput, result: AnalyticsResult
) -> None:
    where = all_of([condition("Type", "==", "ACCREC"), condition("Date", ">=", start), condition("Date", "<=", end)])

    async def fetch(number: int) -> Page[Invoice]:
        return await client.invoices(tenant.tenant_id, where=where, statuses=["AUTHORISED", "PAID"], page=number)

    invoices, complete = await xf.all_pages(fetch)
    entries = [(i.date, in_base_currency(i.sub_total, i.currency_rate)) for i in invoices if i.date is not None]
    series = monthly_totals(entries, start, end)
    while series and series[0][1] == 0:
        series.pop(0)  # months before the first sale are not history
    periods = params.periods or 12
    try:
        fit = partial(ets_forecast, confidence=params.confidence or 0.95)  # CPU work: off the event loop
        forecast = await anyio.to_thread.run_sync(fit, [float(value) for _, value in series], periods)
    except ForecastRefused as error:
        raise _refuse("forecast", f"{error} (monthly revenue from {start} to {end})") from None
    last = series[-1][0]
    points = []
    for point in forecast.points:
        if point.lower < 0:
            result.notes.append("lower bounds below 0 are shown as 0: revenue cannot be negative")
        points.append(
            ForecastMonth(
                month=month_text(shift_months(last, point.step)),
                revenue=round(point.mean, 2),
                lower=round(max(point.lower, 0.0), 2),
                upper=round(point.upper, 2),
            )
        )
    result.forecast = RevenueForecast(
        method=forecast.method,
        history_points=forecast.history_points,
        confidence=forecast.confidence,
        history=[RevenueMonth(month=month_text(month), revenue=money(value)) for month, value in series],
        forecast=points,
    )
    result.sources.append(
        f"monthly revenue: sales invoices (AUTHORISED and PAID, {start} to {end}), totals before tax in "
        f"{result.base_currency} at each invoice's rate"
    )
    result.notes = list(dict.fromkeys([*result.notes, *forecast.notes]))
    if not complete:
        result.notes.append("more invoices existed than one analysis reads (2000); the latest months are partial")


@group.tool(
    "xero-analytics",
    title="Xero financial analysis",
    cache_tier=CacheTier.MEDIUM,
    read_only=True,
    open_world=True,
)
async def analytics(params: AnalyticsInput, ctx: ToolContext) -> AnalyticsResult:
    """Analyse the organisation's own books: financial ratios, receivables ageing, the cash conversion cycle,
    the monthly cash-flow trend, or a revenue forecast. Every figure is computed from Xero data and the result
    says where each input came from; an analysis whose inputs are missing is refused with the reason."""
    client, tenant = await connect(ctx, params.tenant_id)
    today = utc_today()
    base = await base_currency(client, tenant.tenant_id)
    months = FORECAST_HISTORY_MONTHS if params.analysis == "forecast" else 12
    start, end = params.period(today, months)
    aging = params.analysis == "receivables_aging"
    result = AnalyticsResult(
        tenant=tenant,
        analysis=params.analysis,
        base_currency=base,
        period_from=None if aging else start,
        period_to=None if aging else end,
        as_of=(params.as_of or today) if aging else None,
        sources=[],
        notes=[],
    )
    if params.analysis == "financial_ratios":
        await _financial_ratios(client, tenant, start, end, result)
    elif aging:
        await _receivables_aging(client, tenant, params.as_of or today, result)
    elif params.analysis == "cash_conversion_cycle":
        await _cash_conversion_cycle(client, tenant, start, end, result)
    elif params.analysis == "cash_flow_trend":
        await _cash_flow_trend(client, tenant, start, end, result)
    else:
        await _forecast(client, tenant, start, end, params, result)
    result.notes = list(dict.fromkeys(result.notes))
    return result
