"""openai-operational-optimization: a production line's capacity, bottleneck, takt, OEE and cost per unit
computed from the steps the caller passes, with what-ifs, and the model's improvement plan."""

from __future__ import annotations

from typing import Literal

from mcp.server.mcpserver.exceptions import ToolError
from pydantic import Field, model_validator

from sentia_server.ai.figures.operations import CapacityChange, OperationsFigures, ProcessStepIn, operations_figures
from sentia_server.ai.narrative import Line, Narrative
from sentia_server.ai.tooling import AiResult, AiTool
from sentia_server.tools.context import ToolContext
from sentia_server.tools.openai.common import VENDOR, Context, openai_tool
from sentia_server.tools.registry import ToolInput

NAME = "openai-operational-optimization"
OptimizationType = Literal[
    "process_improvement",
    "workflow_optimization",
    "resource_allocation",
    "bottleneck_analysis",
    "cost_reduction",
    "efficiency_analysis",
    "lean_manufacturing",
    "capacity_planning",
]


class OperationsInput(ToolInput):
    optimization_type: OptimizationType = Field(description="The kind of improvement sought.")
    processes: list[ProcessStepIn] = Field(min_length=1, max_length=50, description="The line's steps, in order.")
    demand_per_day: float | None = Field(default=None, gt=0, le=1e7, description="Units the line must make a day.")
    available_minutes_per_day: float | None = Field(
        default=None, gt=0, le=1440, description="Production minutes a day (for takt and daily capacity)."
    )
    what_ifs: list[CapacityChange] = Field(
        description="Capacity changes to compute the effect of.", default_factory=list, max_length=10
    )
    constraints: list[Line] = Field(description="Limits the plan must respect.", default_factory=list, max_length=20)
    primary_objectives: list[Line] = Field(
        description="What the improvement should achieve.", default_factory=list, max_length=10
    )
    timeframe: Literal["immediate", "this_quarter", "this_year"] = Field(
        default="this_quarter", description="When the improvements should land."
    )
    context: Context

    @model_validator(mode="after")
    def _unique(self) -> OperationsInput:
        names = [step.name for step in self.processes]
        if len(names) != len(set(names)):
            raise ValueError("process step names must be unique")
        return self


class OperationsResult(AiResult):
    optimization_type: str
    figures: OperationsFigures
    analysis: Narrative


@openai_tool(NAME, "OpenAI: operational optimisation")
async def optimize_operations(params: OperationsInput, ctx: ToolContext) -> OperationsResult:
    """Optimise a production line from its steps (cycle times, stations, availability, performance, quality,
    costs): the server computes each step's capacity and utilisation, the bottleneck, throughput and good output,
    takt time and demand coverage, OEE, cost per unit and your what-ifs; the model writes the improvement plan."""
    ai = AiTool.start(ctx, NAME, VENDOR)
    try:
        figures = operations_figures(
            params.processes,
            demand_per_day=params.demand_per_day,
            available_minutes_per_day=params.available_minutes_per_day,
            what_ifs=params.what_ifs,
        )
    except ValueError as error:
        raise ToolError(f"{NAME}: {error}") from None
    answer = await ai.write(
        Narrative,
        task=f"Recommend how to improve this line ({params.optimization_type.replace('_', ' ')}).",
        options={
            "timeframe": params.timeframe,
            "objectives": params.primary_objectives,
            "constraints": params.constraints,
        },
        data=figures,
        material=params.context,
    )
    return OperationsResult(
        optimization_type=params.optimization_type,
        figures=figures,
        analysis=answer.value,
        usage=answer.usage,
        sources=[f"{len(params.processes)} process steps passed by the caller"],
        notes=[],
    )
