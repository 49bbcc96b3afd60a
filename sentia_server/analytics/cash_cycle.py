"""The cash conversion cycle: how many days cash is tied up between paying suppliers and being paid.

CCC = DSO + DIO - DPO, with DSO = receivables / revenue x days, DIO = inventory / cost of sales x days and
DPO = payables / cost of sales x days, all over the same period of `days` days.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class CashConversionCycle:
    days_sales_outstanding: Decimal
    days_inventory_outstanding: Decimal
    days_payables_outstanding: Decimal
    period_days: int

    @property
    def days(self) -> Decimal:
        return self.days_sales_outstanding + self.days_inventory_outstanding - self.days_payables_outstanding


def cash_conversion_cycle(
    *,
    receivables: Decimal,
    inventory: Decimal,
    payables: Decimal,
    revenue: Decimal,
    cost_of_sales: Decimal,
    period_days: int,
) -> CashConversionCycle:
    """ValueError names the input that makes the cycle undefined (no revenue, no cost of sales, no period)."""
    if period_days <= 0:
        raise ValueError(f"the period must be at least one day long, not {period_days}")
    if revenue <= 0:
        raise ValueError(f"revenue over the period is {revenue}; days sales outstanding needs revenue above 0")
    if cost_of_sales <= 0:
        raise ValueError(
            f"cost of sales over the period is {cost_of_sales}; inventory and payables days need it above 0"
        )
    days = Decimal(period_days)
    return CashConversionCycle(
        days_sales_outstanding=receivables / revenue * days,
        days_inventory_outstanding=inventory / cost_of_sales * days,
        days_payables_outstanding=payables / cost_of_sales * days,
        period_days=period_days,
    )
