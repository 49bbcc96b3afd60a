"""manufacturing-working-capital: the cash tied up in receivables and stock less what is owed to suppliers, the
cash conversion cycle, and what each day taken off the cycle would release.

The cycle is the one xero-analytics computes (its cash_conversion_cycle analysis, over the same Xero client and
`analytics.cash_cycle`), so the two tools never disagree; this tool adds the working-capital view on top of it.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from mcp.server.mcpserver.exceptions import ToolError
from pydantic import Field, model_validator

from sentia_server.cache import CacheTier
from sentia_server.domain.money import Money
from sentia_server.tools.context import ToolContext
from sentia_server.tools.manufacturing.common import group
from sentia_server.tools.registry import ToolInput, ToolOutput
from sentia_server.tools.xero.analytics import AnalyticsInput, AnalyticsResult, CashConversionCycleOut, analytics
from sentia_server.tools.xero.common import TenantId, TenantRef

CENT = Decimal("0.01")
BALANCES = ("receivables", "inventory", "payables")
FLOWS = ("revenue", "cost of sales")


class WorkingCapitalInput(ToolInput):
    tenant_id: TenantId
    from_date: date | None = Field(
        default=None, description="Start of the period; default: 12 full months before the current month."
    )
    to_date: date | None = Field(
        default=None, description="End of the period, the day balances are read; default: the end of last month."
    )
    target_ccc_days: float | None = Field(
        default=None,
        ge=-365,
        le=365,
        description="A cash conversion cycle to aim for, in days: the result says how much cash reaching it "
        "would release through each lever.",
    )
    compare_with_previous_period: bool = Field(
        default=False, description="Also compute the cycle for the period of the same length just before."
    )

    @model_validator(mode="after")
    def _ordered(self) -> WorkingCapitalInput:
        if self.from_date and self.to_date and self.from_date > self.to_date:
            raise ValueError(f"from_date ({self.from_date}) must not be after to_date ({self.to_date})")
        return self


class CycleInput(ToolOutput):
    name: str = Field(description="receivables, inventory, payables (balances) or revenue, cost of sales (flows).")
    amount: Money
    as_of: date | None = Field(description="For a balance: the day it was read.")
    period_from: date | None = Field(description="For a flow: the first day it covers.")
    period_to: date | None = Field(description="For a flow: the last day it covers.")
    source: str = Field(description="The Xero report, line or account the figure came from.")


class CycleDays(ToolOutput):
    period_from: date
    period_to: date
    period_days: int
    days_sales_outstanding: float = Field(description="receivables / revenue x days")
    days_inventory_outstanding: float = Field(description="inventory / cost of sales x days")
    days_payables_outstanding: float = Field(description="payables / cost of sales x days")
    cash_conversion_cycle_days: float = Field(description="DSO + DIO - DPO")


class Lever(ToolOutput):
    name: str
    cash_per_day: Money = Field(description="Cash released by one day less of DSO or DIO, or one day more of DPO.")
    basis: str


class TargetGap(ToolOutput):
    target_days: float
    gap_days: float = Field(description="Current cycle minus target; 0 or less means the target is already met.")
    cash_released_through_receivables: Money = Field(description="If the whole gap were closed by collecting sooner.")
    cash_released_through_inventory: Money = Field(description="If the whole gap were closed by holding less stock.")
    cash_released_through_payables: Money = Field(description="If the whole gap were closed by paying later.")


class PeriodComparison(ToolOutput):
    previous: CycleDays
    change_days: float = Field(description="This period's cycle minus the previous period's; below 0 is better.")
    previous_working_capital: Money


class WorkingCapital(ToolOutput):
    tenant: TenantRef
    base_currency: str
    working_capital: Money = Field(description="receivables + inventory - payables at the end of the period.")
    cycle: CycleDays
    inputs: list[CycleInput]
    levers: list[Lever]
    target: TargetGap | None
    comparison: PeriodComparison | None
    sources: list[str] = Field(description="Where each input figure came from, as xero-analytics states it.")
    notes: list[str]


def _money(value: float | Decimal, currency: str) -> Money:
    return Money(amount=Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP), currency=currency)


def _days(result: AnalyticsResult) -> tuple[CycleDays, CashConversionCycleOut]:
    cycle = result.cash_conversion_cycle
    if cycle is None or result.period_from is None or result.period_to is None:
        raise ToolError("manufacturing-working-capital: xero-analytics returned no cash conversion cycle")
    days = CycleDays(
        period_from=result.period_from,
        period_to=result.period_to,
        period_days=cycle.period_days,
        days_sales_outstanding=cycle.days_sales_outstanding,
        days_inventory_outstanding=cycle.days_inventory_outstanding,
        days_payables_outstanding=cycle.days_payables_outstanding,
        cash_conversion_cycle_days=cycle.cash_conversion_cycle_days,
    )
    return days, cycle


def _working_capital(cycle: CashConversionCycleOut, currency: str) -> Money:
    return _money(
        Decimal(str(cycle.receivables)) + Decimal(str(cycle.inventory)) - Decimal(str(cycle.payables)), currency
    )


def _source(sources: list[str], name: str) -> str:
    prefix = f"{name}: "
    return next((entry.removeprefix(prefix) for entry in sources if entry.startswith(prefix)), "Xero")


def _inputs(result: AnalyticsResult, cycle: CashConversionCycleOut, days: CycleDays) -> list[CycleInput]:
    amounts = {
        "receivables": cycle.receivables,
        "inventory": cycle.inventory,
        "payables": cycle.payables,
        "revenue": cycle.revenue,
        "cost of sales": cycle.cost_of_sales,
    }
    return [
        CycleInput(
            name=name,
            amount=_money(amounts[name], result.base_currency),
            as_of=days.period_to if name in BALANCES else None,
            period_from=days.period_from if name in FLOWS else None,
            period_to=days.period_to if name in FLOWS else None,
            source=_source(result.sources, name),
        )
        for name in (*BALANCES, *FLOWS)
    ]


async def _cycle(ctx: ToolContext, tenant_id: str | None, start: date | None, end: date | None) -> AnalyticsResult:
    request = AnalyticsInput(tenant_id=tenant_id, analysis="cash_conversion_cycle", from_date=start, to_date=end)
    try:
        return await analytics(request, ctx)
    except ToolError as error:
        raise ToolError(f"manufacturing-working-capital: the cash conversion cycle is not available: {error}") from None


async def _compare(
    ctx: ToolContext, result: AnalyticsResult, days: CycleDays, notes: list[str]
) -> PeriodComparison | None:
    """The cycle of the period of the same length just before; None, with the reason in `notes`, when the books
    cannot give it (a younger organisation has no revenue then)."""
    end = days.period_from - timedelta(days=1)
    start = days.period_from - timedelta(days=days.period_days)
    try:
        earlier = await _cycle(ctx, result.tenant.tenant_id, start, end)
    except ToolError as error:
        notes.append(f"no comparison with {start} to {end}: {error}")
        return None
    previous, cycle = _days(earlier)
    return PeriodComparison(
        previous=previous,
        change_days=round(days.cash_conversion_cycle_days - previous.cash_conversion_cycle_days, 1),
        previous_working_capital=_working_capital(cycle, result.base_currency),
    )


@group.tool(
    "manufacturing-working-capital",
    title="Working capital and cash conversion cycle",
    cache_tier=CacheTier.MEDIUM,
    read_only=True,
    open_world=True,
)
async def working_capital(params: WorkingCapitalInput, ctx: ToolContext) -> WorkingCapital:
    """Working capital (receivables + inventory - payables) and the cash conversion cycle (DSO + DIO - DPO) from
    the organisation's Xero books, with each input's amount, period and source; the cash one day less of DSO or DIO
    (or one day more of DPO) would release; optionally the cash released by reaching a target cycle, and the change
    from the previous period. Refused, with the reason, when an input is missing from the books."""
    result = await _cycle(ctx, params.tenant_id, params.from_date, params.to_date)
    days, cycle = _days(result)
    currency = result.base_currency
    daily_revenue = Decimal(str(cycle.revenue)) / days.period_days
    daily_cost = Decimal(str(cycle.cost_of_sales)) / days.period_days
    span = f"over {days.period_days} days from {days.period_from} to {days.period_to}"
    levers = [
        Lever(name="receivables", cash_per_day=_money(daily_revenue, currency), basis=f"revenue / days, {span}"),
        Lever(name="inventory", cash_per_day=_money(daily_cost, currency), basis=f"cost of sales / days, {span}"),
        Lever(name="payables", cash_per_day=_money(daily_cost, currency), basis=f"cost of sales / days, {span}"),
    ]
    notes = list(result.notes)
    target = None
    if params.target_ccc_days is not None:
        gap = Decimal(str(round(days.cash_conversion_cycle_days - params.target_ccc_days, 1)))
        closing = max(gap, Decimal(0))
        target = TargetGap(
            target_days=params.target_ccc_days,
            gap_days=float(gap),
            cash_released_through_receivables=_money(closing * daily_revenue, currency),
            cash_released_through_inventory=_money(closing * daily_cost, currency),
            cash_released_through_payables=_money(closing * daily_cost, currency),
        )
        if gap <= 0:
            notes.append(f"the cycle of {days.cash_conversion_cycle_days} days already meets the target")
    comparison = None
    if params.compare_with_previous_period:
        comparison = await _compare(ctx, result, days, notes)
    return WorkingCapital(
        tenant=result.tenant,
        base_currency=currency,
        working_capital=_working_capital(cycle, currency),
        cycle=days,
        inputs=_inputs(result, cycle, days),
        levers=levers,
        target=target,
        comparison=comparison,
        sources=result.sources,
        notes=notes,
    )
