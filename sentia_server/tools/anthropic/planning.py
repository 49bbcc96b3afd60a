"""claude-strategic-planning: a strategic plan from the caller's context, objectives and scenarios (weighted by
their probabilities here), optionally with the organisation's Xero ratios, written by Claude."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from sentia_server.ai import periods
from sentia_server.ai.figures.financial import FinancialFigures, financial_figures
from sentia_server.ai.figures.planning import ObjectiveIn, PlanningFigures, ScenarioIn, planning_figures
from sentia_server.ai.narrative import Line, StrategicPlan
from sentia_server.ai.sources.xero import xero_statements
from sentia_server.ai.tooling import AiResult, AiTool
from sentia_server.tools.anthropic.common import VENDOR, claude_tool
from sentia_server.tools.context import ToolContext
from sentia_server.tools.registry import ToolInput
from sentia_server.tools.xero.common import TenantId

NAME = "claude-strategic-planning"
Focus = Literal["growth", "efficiency", "innovation", "market_expansion", "digital_transformation", "sustainability"]


class StrategicContext(BaseModel):
    model_config = ConfigDict(extra="forbid")

    current_position: str = Field(min_length=1, max_length=4000, description="Where the business stands today.")
    market_environment: str | None = Field(
        default=None, min_length=1, max_length=4000, description="The market around the business."
    )
    capabilities: list[Line] = Field(
        description="What the business is good at, one a line.", default_factory=list, max_length=20
    )
    stakeholder_expectations: str | None = Field(
        default=None, min_length=1, max_length=4000, description="What owners, lenders and staff expect."
    )
    risk_appetite: Literal["conservative", "moderate", "aggressive"] = Field(
        default="moderate", description="How much risk the plan may take."
    )


class StrategicPlanningInput(ToolInput):
    strategic_context: StrategicContext = Field(description="Where the business stands and what surrounds it.")
    planning_horizon: Literal["1_year", "3_years", "5_years", "10_years"] = Field(
        description="How far ahead the plan looks."
    )
    strategic_focus: list[Focus] = Field(description="The themes the plan is built around.", min_length=1, max_length=6)
    objectives: list[ObjectiveIn] = Field(
        description="Objectives the plan must serve.", default_factory=list, max_length=20
    )
    constraints: list[Line] = Field(description="Limits the plan must respect.", default_factory=list, max_length=20)
    scenarios: list[ScenarioIn] = Field(
        description="Futures to plan for, with their probabilities.", default_factory=list, max_length=10
    )
    include_xero_financials: bool = Field(
        default=False, description="Add the last 12 months' statements and ratios of the Xero organisation."
    )
    tenant_id: TenantId

    @model_validator(mode="after")
    def _consistent(self) -> StrategicPlanningInput:
        total = sum(scenario.probability for scenario in self.scenarios)
        if total > 1.0001:
            raise ValueError(f"the scenarios' probabilities add up to {total:.3f}, more than 1")
        if len(set(self.strategic_focus)) != len(self.strategic_focus):
            raise ValueError("strategic_focus has an area twice")
        if self.tenant_id and not self.include_xero_financials:
            raise ValueError("tenant_id selects the Xero organisation of include_xero_financials")
        return self


class StrategicPlanningResult(AiResult):
    figures: PlanningFigures
    financials: FinancialFigures | None
    plan: StrategicPlan


@claude_tool(NAME, "Claude: strategic planning")
async def strategic_planning(params: StrategicPlanningInput, ctx: ToolContext) -> StrategicPlanningResult:
    """Draft a strategic plan for a horizon and focus areas from your context, objectives, constraints and
    scenarios: the server tallies the objectives, weights the scenarios by probability (expected revenue impact)
    and, when asked, computes the last 12 months' ratios from Xero; Claude writes the vision, pillars, initiatives,
    scenario responses, risks and assumptions."""
    ai = AiTool.start(ctx, NAME, VENDOR)
    sources = ["strategic context, objectives and scenarios passed by the caller"]
    notes: list[str] = []
    figures = planning_figures(params.planning_horizon, params.objectives, params.scenarios)
    financials = None
    if params.include_xero_financials:
        start, end = periods.full_months_before(periods.utc_today(), 12)
        statements, pull = await xero_statements(ctx, params.tenant_id, start, end)
        financials = financial_figures(statements)
        sources += pull.sources
        notes += pull.notes
    if figures.scenario_probability_total is not None and figures.scenario_probability_total < 1:
        notes.append("the scenarios' probabilities add up to less than 1: the rest is not covered by any scenario")
    answer = await ai.write(
        StrategicPlan,
        task=f"Draft a {params.planning_horizon.replace('_', ' ')} strategic plan.",
        options={"strategic_focus": params.strategic_focus, "risk_appetite": params.strategic_context.risk_appetite},
        data={
            "figures": figures.model_dump(mode="json"),
            "financials": financials.model_dump(mode="json") if financials else None,
            "objectives": [objective.model_dump(mode="json") for objective in params.objectives],
            "scenarios": [scenario.model_dump(mode="json") for scenario in params.scenarios],
            "constraints": params.constraints,
            "capabilities": params.strategic_context.capabilities,
        },
        material="\n\n".join(
            text
            for text in (
                params.strategic_context.current_position,
                params.strategic_context.market_environment,
                params.strategic_context.stakeholder_expectations,
            )
            if text
        ),
    )
    return StrategicPlanningResult(
        figures=figures, financials=financials, plan=answer.value, usage=answer.usage, sources=sources, notes=notes
    )
