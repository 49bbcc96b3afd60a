"""Stock policy per item from its daily demand history: the textbook formulas, nothing assumed.

With mean and sd the mean and standard deviation of daily demand, L the lead time in days and z the standard normal
quantile of the service level: safety stock = z * sd * sqrt(L); reorder point = mean * L + safety stock; days of
cover = on hand / mean; horizon demand = mean * horizon days; suggested order = reorder point + horizon demand - on
hand (when positive); EOQ = sqrt(2 * D * S / H) with D = mean * 365, S the cost of one order and H = unit cost *
holding rate a year. ABC classes rank items by yearly consumption (value when every item has a unit cost, else
units): A up to 80% of the total (and always the first), B up to 95%, C the rest. Status: reorder_now when on hand
<= reorder point, overstock when on hand > reorder point + horizon demand, no_demand when nothing sold, else ok.
"""

from __future__ import annotations

import math
import statistics
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from pydantic import Field

from sentia_server.tools.registry import ToolOutput

Status = Literal["reorder_now", "overstock", "no_demand", "ok"]
AbcClass = Literal["A", "B", "C"]


@dataclass(frozen=True)
class DemandItem:
    sku: str
    name: str | None
    on_hand: float
    daily_demand: list[float]
    """Units per day, oldest first, every day of the history (zeros included)."""
    unit_cost: Decimal | None
    lead_time_days: float


@dataclass(frozen=True)
class Policy:
    service_level: float
    horizon_days: int
    ordering_cost: Decimal | None
    holding_rate: float | None


class ItemPolicy(ToolOutput):
    sku: str
    name: str | None
    on_hand: float
    history_days: int
    average_daily_demand: float
    demand_std_dev: float
    lead_time_days: float
    safety_stock: float
    reorder_point: float
    days_of_cover: float | None = Field(description="None when there is no demand.")
    horizon_demand: float
    suggested_order_units: int
    economic_order_quantity: float | None = Field(
        description="None without a unit cost, an ordering cost and a holding rate, or without demand."
    )
    stock_value: float | None = Field(description="on_hand * unit_cost, when the unit cost is known.")
    status: Status
    abc_class: AbcClass | None


class InventoryFigures(ToolOutput):
    service_level: float
    z_score: float
    horizon_days: int
    items: list[ItemPolicy]
    status_counts: dict[str, int]
    abc_counts: dict[str, int] | None
    abc_basis: str | None = Field(description="value or units: what the ABC classes rank by.")
    total_stock_value: float | None = Field(description="Σ stock_value over items with a unit cost.")


def _policy(item: DemandItem, policy: Policy, z: float) -> ItemPolicy:
    history = item.daily_demand
    mean = statistics.fmean(history)
    spread = statistics.stdev(history) if len(history) > 1 else 0.0
    lead = item.lead_time_days
    safety = z * spread * math.sqrt(lead)
    reorder = mean * lead + safety
    horizon = mean * policy.horizon_days
    eoq = None
    if item.unit_cost and policy.ordering_cost is not None and policy.holding_rate and mean > 0:
        holding = float(item.unit_cost) * policy.holding_rate
        eoq = round(math.sqrt(2 * mean * 365 * float(policy.ordering_cost) / holding), 1)
    status: Status = "ok"
    if mean == 0:
        status = "no_demand"
    elif item.on_hand <= reorder:
        status = "reorder_now"
    elif item.on_hand > reorder + horizon:
        status = "overstock"
    return ItemPolicy(
        sku=item.sku,
        name=item.name,
        on_hand=item.on_hand,
        history_days=len(history),
        average_daily_demand=round(mean, 3),
        demand_std_dev=round(spread, 3),
        lead_time_days=lead,
        safety_stock=round(safety, 1),
        reorder_point=round(reorder, 1),
        days_of_cover=round(item.on_hand / mean, 1) if mean > 0 else None,
        horizon_demand=round(horizon, 1),
        suggested_order_units=max(math.ceil(reorder + horizon - item.on_hand), 0) if mean > 0 else 0,
        economic_order_quantity=eoq,
        stock_value=None if item.unit_cost is None else round(item.on_hand * float(item.unit_cost), 2),
        status=status,
        abc_class=None,
    )


def _classify(items: list[DemandItem], results: list[ItemPolicy]) -> str:
    """Set each result's ABC class; returns what they were ranked by."""
    by_value = all(item.unit_cost is not None for item in items)
    weights = [
        r.average_daily_demand * 365 * (float(item.unit_cost or 0) if by_value else 1.0)
        for item, r in zip(items, results, strict=True)
    ]
    total = sum(weights)
    cumulative = 0.0
    for index in sorted(range(len(results)), key=lambda i: (-weights[i], results[i].sku)):
        cumulative += weights[index]
        share = cumulative / total if total else 1.0
        first = cumulative == weights[index]
        results[index].abc_class = "A" if share <= 0.8 or first else "B" if share <= 0.95 else "C"
    return "value" if by_value else "units"


def inventory_figures(items: list[DemandItem], policy: Policy, *, include_abc: bool) -> InventoryFigures:
    z = statistics.NormalDist().inv_cdf(policy.service_level)
    results = [_policy(item, policy, z) for item in items]
    basis = _classify(items, results) if include_abc and results else None
    values = [result.stock_value for result in results if result.stock_value is not None]
    return InventoryFigures(
        service_level=policy.service_level,
        z_score=round(z, 4),
        horizon_days=policy.horizon_days,
        items=results,
        status_counts=dict(Counter(result.status for result in results)),
        abc_counts=dict(Counter(str(result.abc_class) for result in results)) if basis else None,
        abc_basis=basis,
        total_stock_value=round(sum(values), 2) if values else None,
    )
