"""Financial ratios and growth from a period's statements (from Xero or passed by the caller).

gross margin = gross profit / revenue (gross profit = revenue - cost of sales when not given); operating margin =
(gross profit - operating expenses) / revenue; net margin = net profit / revenue; current ratio = current assets /
current liabilities; quick ratio = (current assets - inventory) / current liabilities; cash ratio = cash / current
liabilities; debt to equity = total liabilities / equity; DSO, DIO, DPO and the cash conversion cycle as in
`analytics.cash_cycle`. A ratio whose inputs are missing or whose denominator is zero is None, with the reason.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from itertools import pairwise
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from sentia_server.ai.figures.rounding import change, money_or_none, ratio
from sentia_server.analytics.cash_cycle import cash_conversion_cycle
from sentia_server.analytics.ratios import margin
from sentia_server.analytics.ratios import ratio as plain_ratio
from sentia_server.analytics.trend import linear_trend
from sentia_server.tools.registry import ToolOutput

Amount = Annotated[Decimal | None, Field(default=None, ge=-1e12, le=1e12, description="In the statements' currency.")]


class Statements(BaseModel):
    """One period's figures. Leave out what you do not have: the ratios that need it are then not computed."""

    model_config = ConfigDict(extra="forbid")

    currency: str = Field(pattern=r"^[A-Z]{3}$", description="ISO 4217 code of every amount, e.g. GBP.")
    period_days: int | None = Field(
        default=None, ge=1, le=3660, description="Days the income figures cover (needed for DSO, DIO and DPO)."
    )
    revenue: Amount
    cost_of_sales: Amount
    gross_profit: Amount
    operating_expenses: Amount
    net_profit: Amount
    cash: Amount
    current_assets: Amount = Field(default=None, description="Total current assets, cash included.")
    inventory: Amount
    receivables: Amount
    current_liabilities: Amount
    payables: Amount
    total_liabilities: Amount
    equity: Amount


class PeriodResult(BaseModel):
    """A past period's results, for growth and forecasts."""

    model_config = ConfigDict(extra="forbid")

    period_end: date = Field(description="Last day of the period (periods should be of equal length).")
    revenue: Decimal = Field(description="The period's revenue.", ge=0, le=1e12)
    net_profit: Decimal | None = Field(
        description="The period's net profit, when known.", default=None, ge=-1e12, le=1e12
    )


class FinancialRatios(ToolOutput):
    gross_margin: float | None
    operating_margin: float | None
    net_margin: float | None
    current_ratio: float | None
    quick_ratio: float | None
    cash_ratio: float | None
    debt_to_equity: float | None
    days_sales_outstanding: float | None
    days_inventory_outstanding: float | None
    days_payables_outstanding: float | None
    cash_conversion_cycle_days: float | None


class StatementsOut(ToolOutput):
    currency: str
    period_days: int | None
    revenue: float | None
    cost_of_sales: float | None
    gross_profit: float | None
    operating_expenses: float | None
    net_profit: float | None
    cash: float | None
    current_assets: float | None
    inventory: float | None
    receivables: float | None
    current_liabilities: float | None
    payables: float | None
    total_liabilities: float | None
    equity: float | None


class GrowthOut(ToolOutput):
    periods: int
    revenue_growth: list[float | None] = Field(description="Each period's revenue change on the one before.")
    average_revenue_growth: float | None = Field(description="Mean of the defined period-on-period changes.")
    revenue_trend_per_period: float | None = Field(description="Least-squares slope of revenue per period.")
    net_margin_by_period: list[float | None]


class FinancialFigures(ToolOutput):
    statements: StatementsOut
    ratios: FinancialRatios
    not_computed: list[str] = Field(description="Ratios left out, with the missing input.")


def _gross_profit(s: Statements) -> Decimal | None:
    if s.gross_profit is not None:
        return s.gross_profit
    if s.revenue is not None and s.cost_of_sales is not None:
        return s.revenue - s.cost_of_sales
    return None


def _divide(numerator: Decimal | None, denominator: Decimal | None) -> Decimal | None:
    if numerator is None or denominator is None:
        return None
    return plain_ratio(numerator, denominator)


def financial_figures(s: Statements) -> FinancialFigures:
    """Every ratio the statements allow; `not_computed` names the others and what they lack."""
    missing: list[str] = []

    def known(name: str, **inputs: Decimal | None) -> bool:
        absent = [field for field, value in inputs.items() if value is None]
        if absent:
            missing.append(f"{name}: no {' and no '.join(absent)}")
        return not absent

    gross, revenue = _gross_profit(s), s.revenue
    values: dict[str, float | None] = {}
    if known("gross_margin", gross_profit=gross, revenue=revenue):
        values["gross_margin"] = _margin(gross, revenue)
    if known("operating_margin", gross_profit=gross, operating_expenses=s.operating_expenses, revenue=revenue):
        values["operating_margin"] = _margin(_minus(gross, s.operating_expenses), revenue)
    if known("net_margin", net_profit=s.net_profit, revenue=revenue):
        values["net_margin"] = _margin(s.net_profit, revenue)
    if known("current_ratio", current_assets=s.current_assets, current_liabilities=s.current_liabilities):
        values["current_ratio"] = ratio(_divide(s.current_assets, s.current_liabilities))
    if known(
        "quick_ratio",
        current_assets=s.current_assets,
        inventory=s.inventory,
        current_liabilities=s.current_liabilities,
    ):
        values["quick_ratio"] = ratio(_divide(_minus(s.current_assets, s.inventory), s.current_liabilities))
    if known("cash_ratio", cash=s.cash, current_liabilities=s.current_liabilities):
        values["cash_ratio"] = ratio(_divide(s.cash, s.current_liabilities))
    if known("debt_to_equity", total_liabilities=s.total_liabilities, equity=s.equity):
        values["debt_to_equity"] = ratio(_divide(s.total_liabilities, s.equity))
    cycle_inputs = {
        "receivables": s.receivables,
        "inventory": s.inventory,
        "payables": s.payables,
        "revenue": revenue,
        "cost_of_sales": s.cost_of_sales,
        "period_days": None if s.period_days is None else Decimal(s.period_days),
    }
    if known("cash_conversion_cycle", **cycle_inputs):
        _cycle(s, values, missing)
    for name, value in values.items():
        if value is None:
            missing.append(f"{name}: undefined (a denominator is zero or revenue is not positive)")
    ratios = FinancialRatios(**{field: values.get(field) for field in FinancialRatios.model_fields})
    return FinancialFigures(statements=statements_out(s), ratios=ratios, not_computed=missing)


def _minus(left: Decimal | None, right: Decimal | None) -> Decimal | None:
    return None if left is None or right is None else left - right


def _margin(profit: Decimal | None, revenue: Decimal | None) -> float | None:
    return None if profit is None or revenue is None else ratio(margin(profit, revenue))


def _cycle(s: Statements, values: dict[str, float | None], missing: list[str]) -> None:
    try:
        cycle = cash_conversion_cycle(
            receivables=s.receivables or Decimal(0),
            inventory=s.inventory or Decimal(0),
            payables=s.payables or Decimal(0),
            revenue=s.revenue or Decimal(0),
            cost_of_sales=s.cost_of_sales or Decimal(0),
            period_days=s.period_days or 0,
        )
    except ValueError as error:
        missing.append(f"cash_conversion_cycle: {error}")
        return
    values["days_sales_outstanding"] = ratio(cycle.days_sales_outstanding, 1)
    values["days_inventory_outstanding"] = ratio(cycle.days_inventory_outstanding, 1)
    values["days_payables_outstanding"] = ratio(cycle.days_payables_outstanding, 1)
    values["cash_conversion_cycle_days"] = ratio(cycle.days, 1)


def statements_out(s: Statements) -> StatementsOut:
    return StatementsOut(
        currency=s.currency,
        period_days=s.period_days,
        revenue=money_or_none(s.revenue),
        cost_of_sales=money_or_none(s.cost_of_sales),
        gross_profit=money_or_none(_gross_profit(s)),
        operating_expenses=money_or_none(s.operating_expenses),
        net_profit=money_or_none(s.net_profit),
        cash=money_or_none(s.cash),
        current_assets=money_or_none(s.current_assets),
        inventory=money_or_none(s.inventory),
        receivables=money_or_none(s.receivables),
        current_liabilities=money_or_none(s.current_liabilities),
        payables=money_or_none(s.payables),
        total_liabilities=money_or_none(s.total_liabilities),
        equity=money_or_none(s.equity),
    )


def growth(history: list[PeriodResult]) -> GrowthOut:
    ordered = sorted(history, key=lambda period: period.period_end)
    changes = [change(now.revenue, before.revenue) for before, now in pairwise(ordered)]
    defined = [value for value in changes if value is not None]
    trend = linear_trend([float(period.revenue) for period in ordered])
    return GrowthOut(
        periods=len(ordered),
        revenue_growth=changes,
        average_revenue_growth=round(sum(defined) / len(defined), 4) if defined else None,
        revenue_trend_per_period=None if trend is None else round(trend.slope, 2),
        net_margin_by_period=[
            ratio(margin(period.net_profit, period.revenue)) if period.net_profit is not None else None
            for period in ordered
        ],
    )
