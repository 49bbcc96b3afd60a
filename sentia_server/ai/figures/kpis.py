"""KPIs against their targets, previous values and alert thresholds.

attainment = value / target (for a KPI where lower is better: target / value); variance = value - target; change =
(value - previous) / previous. A KPI is on_track when it meets its target in the right direction, off_track when
it does not, and no_target without one. An alert is raised when the value is below alert_min or above alert_max.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from sentia_server.ai.figures.rounding import change, ratio
from sentia_server.analytics.ratios import ratio as plain_ratio
from sentia_server.tools.registry import ToolOutput

Category = Literal[
    "efficiency",
    "quality",
    "cost",
    "safety",
    "compliance",
    "customer_satisfaction",
    "employee_performance",
    "financial_performance",
    "sales",
    "operations",
]


class KpiIn(BaseModel):
    """One KPI as measured by the caller."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=100, description="e.g. 'Bottling line OEE'.")
    value: Decimal = Field(ge=-1e12, le=1e12, description="The value for the period.")
    unit: str | None = Field(default=None, max_length=20, description="e.g. %, GBP, units, hours.")
    target: Decimal | None = Field(default=None, ge=-1e12, le=1e12, description="The target for the period.")
    previous: Decimal | None = Field(default=None, ge=-1e12, le=1e12, description="The previous period's value.")
    category: Category | None = Field(default=None, description="The area the KPI belongs to.")
    higher_is_better: bool = Field(default=True, description="False for costs, defects, downtime and the like.")
    alert_min: Decimal | None = Field(default=None, ge=-1e12, le=1e12, description="Alert when the value is below.")
    alert_max: Decimal | None = Field(default=None, ge=-1e12, le=1e12, description="Alert when the value is above.")


class KpiOut(ToolOutput):
    name: str
    unit: str | None
    category: str | None
    value: float
    target: float | None
    attainment: float | None = Field(description="value / target (target / value when lower is better).")
    variance: float | None = Field(description="value - target.")
    previous: float | None
    change: float | None = Field(description="(value - previous) / previous; 0.1 is +10%.")
    status: Literal["on_track", "off_track", "no_target"]


class KpiAlert(ToolOutput):
    name: str
    value: float
    threshold: float
    breach: Literal["below_minimum", "above_maximum"]


class KpiFigures(ToolOutput):
    kpis: list[KpiOut]
    alerts: list[KpiAlert]
    on_track: int
    off_track: int
    without_target: int


def _kpi(kpi: KpiIn) -> KpiOut:
    status: Literal["on_track", "off_track", "no_target"] = "no_target"
    attainment = None
    if kpi.target is not None:
        met = kpi.value >= kpi.target if kpi.higher_is_better else kpi.value <= kpi.target
        status = "on_track" if met else "off_track"
        attainment = plain_ratio(kpi.value, kpi.target) if kpi.higher_is_better else plain_ratio(kpi.target, kpi.value)
    return KpiOut(
        name=kpi.name,
        unit=kpi.unit,
        category=kpi.category,
        value=float(kpi.value),
        target=None if kpi.target is None else float(kpi.target),
        attainment=ratio(attainment),
        variance=None if kpi.target is None else float(kpi.value - kpi.target),
        previous=None if kpi.previous is None else float(kpi.previous),
        change=None if kpi.previous is None else change(kpi.value, kpi.previous),
        status=status,
    )


def _alert(kpi: KpiIn, threshold: Decimal, breach: Literal["below_minimum", "above_maximum"]) -> KpiAlert:
    return KpiAlert(name=kpi.name, value=float(kpi.value), threshold=float(threshold), breach=breach)


def _alerts(kpi: KpiIn) -> list[KpiAlert]:
    found = []
    if kpi.alert_min is not None and kpi.value < kpi.alert_min:
        found.append(_alert(kpi, kpi.alert_min, "below_minimum"))
    if kpi.alert_max is not None and kpi.value > kpi.alert_max:
        found.append(_alert(kpi, kpi.alert_max, "above_maximum"))
    return found


def kpi_figures(kpis: list[KpiIn]) -> KpiFigures:
    results = [_kpi(kpi) for kpi in kpis]
    return KpiFigures(
        kpis=results,
        alerts=[alert for kpi in kpis for alert in _alerts(kpi)],
        on_track=sum(1 for result in results if result.status == "on_track"),
        off_track=sum(1 for result in results if result.status == "off_track"),
        without_target=sum(1 for result in results if result.status == "no_target"),
    )
