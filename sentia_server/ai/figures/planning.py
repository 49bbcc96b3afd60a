"""Figures of a strategic plan's inputs: objectives by priority and category, and scenarios weighted by their
probabilities (expected revenue impact = Σ probability * impact over the scenarios that state an impact)."""

from __future__ import annotations

from collections import Counter
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from sentia_server.tools.registry import ToolOutput

Priority = Literal["high", "medium", "low"]
HORIZON_YEARS = {"1_year": 1, "3_years": 3, "5_years": 5, "10_years": 10}


class ObjectiveIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    category: Literal["financial", "customer", "operational", "people", "sustainability", "innovation", "market"] = (
        Field(description="The area of the objective.")
    )
    description: str = Field(description="The objective in a sentence.", min_length=1, max_length=500)
    target: str | None = Field(default=None, max_length=200, description="e.g. 'US revenue 30% of total by 2029'.")
    priority: Priority = Field(default="medium", description="How much the objective matters.")


class ScenarioIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(description="A short name.", min_length=1, max_length=100)
    description: str = Field(description="What happens in this scenario.", min_length=1, max_length=1000)
    probability: float = Field(ge=0, le=1, description="0-1; the scenarios' probabilities add up to at most 1.")
    revenue_impact_pct: float | None = Field(
        default=None, ge=-100, le=1000, description="Revenue change if it happens, in %, e.g. -15."
    )


class ScenarioOut(ToolOutput):
    name: str
    probability: float
    revenue_impact_pct: float | None
    weighted_impact_pct: float | None = Field(description="probability * revenue_impact_pct.")


class PlanningFigures(ToolOutput):
    horizon_years: int
    objectives: int
    objectives_by_priority: dict[str, int]
    objectives_by_category: dict[str, int]
    scenarios: list[ScenarioOut]
    scenario_probability_total: float | None
    expected_revenue_impact_pct: float | None = Field(
        description="Σ probability * impact over scenarios with an impact (the rest of the probability adds 0)."
    )


def _weighted(scenario: ScenarioIn) -> float | None:
    if scenario.revenue_impact_pct is None:
        return None
    return round(scenario.probability * scenario.revenue_impact_pct, 3)


def planning_figures(horizon: str, objectives: list[ObjectiveIn], scenarios: list[ScenarioIn]) -> PlanningFigures:
    rows = [
        ScenarioOut(
            name=s.name,
            probability=s.probability,
            revenue_impact_pct=s.revenue_impact_pct,
            weighted_impact_pct=_weighted(s),
        )
        for s in sorted(scenarios, key=lambda s: (-s.probability, s.name))
    ]
    weighted = [row.weighted_impact_pct for row in rows if row.weighted_impact_pct is not None]
    return PlanningFigures(
        horizon_years=HORIZON_YEARS[horizon],
        objectives=len(objectives),
        objectives_by_priority=dict(Counter(o.priority for o in objectives)),
        objectives_by_category=dict(Counter(o.category for o in objectives)),
        scenarios=rows,
        scenario_probability_total=round(sum(s.probability for s in scenarios), 4) if scenarios else None,
        expected_revenue_impact_pct=round(sum(weighted), 3) if weighted else None,
    )
