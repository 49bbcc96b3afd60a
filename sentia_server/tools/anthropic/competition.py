"""claude-competitive-analysis: price positioning, market shares and concentration computed from the market data
the caller passes, and Claude's competitive reading of them."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from sentia_server.ai.figures.competition import CompanyIn, CompetitionFigures, MarketIn, competition_figures
from sentia_server.ai.narrative import CompetitiveNarrative
from sentia_server.ai.tooling import AiResult, AiTool
from sentia_server.tools.anthropic.common import VENDOR, Context, claude_tool
from sentia_server.tools.context import ToolContext
from sentia_server.tools.registry import ToolInput

NAME = "claude-competitive-analysis"
Scope = Literal["comprehensive", "pricing", "positioning", "capabilities", "market_share", "trends"]
Objective = Literal["market_leadership", "differentiation", "cost_leadership", "niche_focus", "innovation"]


class CompetitiveAnalysisInput(ToolInput):
    company: CompanyIn = Field(description="Your company: products with prices, share, strengths and weaknesses.")
    competitors: list[CompanyIn] = Field(
        description="The competitors, each with what is known of them.", min_length=1, max_length=20
    )
    market: MarketIn | None = Field(default=None, description="The market's size, growth and segments, when known.")
    analysis_scope: Scope = Field(default="comprehensive", description="What the analysis concentrates on.")
    competitor_focus: list[str] = Field(
        default_factory=list, max_length=20, description="Competitors (by name) to look at most closely."
    )
    time_horizon: Literal["current", "short_term", "medium_term", "long_term"] = Field(
        default="current", description="The horizon of the recommendations."
    )
    strategic_objectives: list[Objective] = Field(
        description="What the company wants to achieve against competitors.", default_factory=list, max_length=5
    )
    context: Context

    @model_validator(mode="after")
    def _consistent(self) -> CompetitiveAnalysisInput:
        names = [competitor.name for competitor in self.competitors]
        if len(set(names)) != len(names) or self.company.name in names:
            raise ValueError("competitor names must be unique and differ from the company's")
        unknown = sorted(set(self.competitor_focus) - set(names))
        if unknown:
            raise ValueError(f"competitor_focus names unknown competitors: {', '.join(unknown)}")
        shares = [c.market_share for c in [self.company, *self.competitors] if c.market_share is not None]
        if sum(shares) > 1.0001:
            raise ValueError(f"the market shares add up to {sum(shares):.3f}, more than 1")
        return self


class CompetitiveAnalysisResult(AiResult):
    figures: CompetitionFigures
    analysis: CompetitiveNarrative


@claude_tool(NAME, "Claude: competitive analysis")
async def competitive_analysis(params: CompetitiveAnalysisInput, ctx: ToolContext) -> CompetitiveAnalysisResult:
    """Analyse the competition from market data you pass: the server computes price positioning per category and
    currency (price index, premium, parity or discount, price per litre), market-share ranks, revenue estimates and
    the market's concentration (HHI); Claude writes the positioning, opportunities, threats and recommendations."""
    ai = AiTool.start(ctx, NAME, VENDOR)
    figures = competition_figures(params.company, params.competitors, params.market)
    notes = []
    if figures.categories_without_comparison:
        notes.append(
            "no competitor prices in: " + ", ".join(figures.categories_without_comparison) + " (compare like with like)"
        )
    profiles = {
        competitor.name: {"strengths": competitor.strengths, "weaknesses": competitor.weaknesses}
        for competitor in [params.company, *params.competitors]
    }
    answer = await ai.write(
        CompetitiveNarrative,
        task=f"Analyse {params.company.name}'s competitive position ({params.analysis_scope.replace('_', ' ')}).",
        options={
            "competitor_focus": params.competitor_focus,
            "time_horizon": params.time_horizon,
            "strategic_objectives": params.strategic_objectives,
        },
        data={"figures": figures.model_dump(mode="json"), "profiles": profiles},
        material=params.context,
    )
    return CompetitiveAnalysisResult(
        figures=figures,
        analysis=answer.value,
        usage=answer.usage,
        sources=[f"market data passed by the caller: {params.company.name} and {len(params.competitors)} competitors"],
        notes=notes,
    )
