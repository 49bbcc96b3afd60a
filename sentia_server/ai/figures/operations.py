"""A production line's flow: capacity per step, the bottleneck, takt time, OEE and cost per unit.

capacity/hour = parallel stations * 60 / cycle minutes * availability * performance (each 1 when not given); the
line's throughput is its lowest capacity (the bottleneck); utilisation = throughput / capacity; OEE = availability *
performance * quality rate; good output = throughput * the product of quality rates; takt = available minutes a day
/ units demanded a day, met by a step whose minutes per unit (60 / capacity) do not exceed it; cost per unit =
Σ cost per hour / throughput. A what-if raises one step's capacity by a percentage and recomputes the throughput.
"""

from __future__ import annotations

import math
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field

from sentia_server.tools.registry import ToolOutput


class ProcessStepIn(BaseModel):
    """One step of the line, in flow order."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=100, description="e.g. 'Distillation', 'Bottling', 'Labelling'.")
    cycle_time_minutes: float = Field(gt=0, le=10_000, description="Minutes one station takes per unit.")
    parallel_stations: int = Field(default=1, ge=1, le=100, description="Stations doing this step side by side.")
    availability: float | None = Field(
        default=None, gt=0, le=1, description="Share of planned time the step runs, 0-1."
    )
    performance: float | None = Field(
        default=None, gt=0, le=1, description="Actual speed as a share of the ideal, 0-1."
    )
    quality_rate: float | None = Field(default=None, gt=0, le=1, description="Share of units that pass.")
    cost_per_hour: Decimal | None = Field(default=None, ge=0, le=1_000_000, description="Running cost of the step.")
    operators: int | None = Field(description="People working the step.", default=None, ge=0, le=1000)


class CapacityChange(BaseModel):
    """A what-if: one step's capacity raised by a percentage."""

    model_config = ConfigDict(extra="forbid")

    step: str = Field(min_length=1, max_length=100, description="The step's name, as in processes.")
    capacity_increase_pct: float = Field(gt=0, le=1000, description="e.g. 20 for +20%.")


class StepOut(ToolOutput):
    name: str
    capacity_per_hour: float
    minutes_per_unit: float
    utilisation: float = Field(description="Line throughput / the step's capacity.")
    oee: float | None = Field(description="availability * performance * quality rate, when all three are given.")
    meets_takt: bool | None
    bottleneck: bool


class WhatIf(ToolOutput):
    step: str
    capacity_increase_pct: float
    throughput_per_hour: float
    throughput_gain: float = Field(description="(new throughput - current) / current.")
    bottleneck_after: str


class OperationsFigures(ToolOutput):
    steps: list[StepOut]
    bottleneck: str
    throughput_per_hour: float
    good_output_per_hour: float
    total_cycle_minutes: float = Field(description="Σ cycle minutes: one unit's time through every step.")
    takt_time_minutes: float | None
    daily_capacity_units: float | None = Field(description="throughput * available hours a day, when given.")
    demand_coverage: float | None = Field(description="daily capacity / daily demand.")
    cost_per_unit: float | None = Field(description="Σ cost per hour / throughput, when every step has a cost.")
    without_bottleneck_per_hour: float | None = Field(description="Throughput if the bottleneck were not limiting.")
    what_ifs: list[WhatIf]


def _capacity(step: ProcessStepIn, increase_pct: float = 0) -> float:
    factor = (step.availability or 1.0) * (step.performance or 1.0) * (1 + increase_pct / 100)
    return step.parallel_stations * 60 / step.cycle_time_minutes * factor


def _bottleneck(capacities: dict[str, float]) -> str:
    return min(capacities, key=lambda name: (capacities[name], name))


def operations_figures(
    steps: list[ProcessStepIn],
    *,
    demand_per_day: float | None,
    available_minutes_per_day: float | None,
    what_ifs: list[CapacityChange],
) -> OperationsFigures:
    """ValueError when a what-if names a step that is not in the line."""
    capacities = {step.name: _capacity(step) for step in steps}
    bottleneck = _bottleneck(capacities)
    throughput = capacities[bottleneck]
    takt = available_minutes_per_day / demand_per_day if demand_per_day and available_minutes_per_day else None
    quality = math.prod(step.quality_rate or 1.0 for step in steps)
    costs = [step.cost_per_hour for step in steps]
    daily = throughput * available_minutes_per_day / 60 if available_minutes_per_day else None
    others = {name: capacity for name, capacity in capacities.items() if name != bottleneck}
    scenarios = []
    for change in what_ifs:
        if change.step not in capacities:
            raise ValueError(f"what_ifs names step {change.step!r}, which is not in processes")
        changed = dict(capacities)
        step = next(s for s in steps if s.name == change.step)
        changed[change.step] = _capacity(step, change.capacity_increase_pct)
        after = _bottleneck(changed)
        scenarios.append(
            WhatIf(
                step=change.step,
                capacity_increase_pct=change.capacity_increase_pct,
                throughput_per_hour=round(changed[after], 3),
                throughput_gain=round(changed[after] / throughput - 1, 4),
                bottleneck_after=after,
            )
        )
    return OperationsFigures(
        steps=[
            StepOut(
                name=step.name,
                capacity_per_hour=round(capacities[step.name], 3),
                minutes_per_unit=round(60 / capacities[step.name], 3),
                utilisation=round(throughput / capacities[step.name], 4),
                oee=(
                    round(step.availability * step.performance * step.quality_rate, 4)
                    if step.availability and step.performance and step.quality_rate
                    else None
                ),
                meets_takt=None if takt is None else 60 / capacities[step.name] <= takt,
                bottleneck=step.name == bottleneck,
            )
            for step in steps
        ],
        bottleneck=bottleneck,
        throughput_per_hour=round(throughput, 3),
        good_output_per_hour=round(throughput * quality, 3),
        total_cycle_minutes=round(sum(step.cycle_time_minutes for step in steps), 3),
        takt_time_minutes=None if takt is None else round(takt, 3),
        daily_capacity_units=None if daily is None else round(daily, 1),
        demand_coverage=round(daily / demand_per_day, 4) if daily is not None and demand_per_day else None,
        cost_per_unit=(
            round(float(sum(c for c in costs if c is not None)) / throughput, 4)
            if all(c is not None for c in costs)
            else None
        ),
        without_bottleneck_per_hour=round(min(others.values()), 3) if others else None,
        what_ifs=scenarios,
    )
