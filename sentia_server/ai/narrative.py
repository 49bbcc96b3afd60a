"""What a model writes: words only. The shared shape of an analysis (summary, findings, recommendations, risks,
gaps in the data); tools with other needs extend it. Lengths are checked on the answer, so an overlong answer is a
structure violation the model is asked to fix."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

Line = Annotated[str, Field(min_length=1, max_length=500)]
Priority = Literal["high", "medium", "low"]
Timeframe = Literal["immediate", "within_30_days", "this_quarter", "this_year", "longer_term"]


class Written(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Finding(Written):
    title: str = Field(min_length=1, max_length=160, description="The finding in a few words.")
    detail: str = Field(min_length=1, max_length=2000, description="What the figures show, quoting them.")


class Recommendation(Written):
    action: str = Field(min_length=1, max_length=400, description="What to do, concretely.")
    rationale: str = Field(min_length=1, max_length=1500, description="Why, with the figures that support it.")
    priority: Priority
    timeframe: Timeframe


class Narrative(Written):
    """The analysis in words, for the audience named in the task."""

    summary: str = Field(min_length=1, max_length=4000, description="The essentials in one to three paragraphs.")
    findings: list[Finding] = Field(min_length=1, max_length=10)
    recommendations: list[Recommendation] = Field(min_length=1, max_length=10)
    risks: list[Line] = Field(max_length=8, description="Risks the figures point to.")
    data_gaps: list[Line] = Field(max_length=8, description="What the data could not show, and what would help.")


class ReportSection(Written):
    heading: str = Field(min_length=1, max_length=160)
    body: str = Field(min_length=1, max_length=5000, description="The section's text (Markdown allowed).")


class ActionItem(Written):
    action: str = Field(min_length=1, max_length=400)
    owner_role: str = Field(min_length=1, max_length=80, description="Who should own it, by role.")
    priority: Priority
    due: Timeframe


class ReportNarrative(Written):
    """A business report in words, for the audience named in the task."""

    title: str = Field(min_length=1, max_length=200)
    executive_summary: str = Field(min_length=1, max_length=4000)
    sections: list[ReportSection] = Field(min_length=1, max_length=12)
    action_items: list[ActionItem] = Field(max_length=15, description="Empty when none were asked for.")
    risks: list[Line] = Field(max_length=8)


class CompetitiveNarrative(Narrative):
    """A competitive analysis in words, for the audience named in the task."""

    positioning: str = Field(min_length=1, max_length=2000, description="Where the company stands, in a paragraph.")
    opportunities: list[Line] = Field(max_length=8)
    threats: list[Line] = Field(max_length=8)


class Initiative(Written):
    name: str = Field(min_length=1, max_length=160)
    description: str = Field(min_length=1, max_length=1500)
    phase: Literal["year_1", "years_2_3", "years_4_5", "beyond_5_years"]
    success_measures: list[Line] = Field(min_length=1, max_length=5, description="How progress will be judged.")


class Pillar(Written):
    name: str = Field(min_length=1, max_length=160)
    rationale: str = Field(min_length=1, max_length=1500)
    initiatives: list[Initiative] = Field(min_length=1, max_length=6)


class StrategicPlan(Written):
    """A strategic plan in words, for the horizon and focus named in the task."""

    vision: str = Field(min_length=1, max_length=1000)
    summary: str = Field(min_length=1, max_length=4000)
    pillars: list[Pillar] = Field(min_length=1, max_length=6)
    scenario_responses: list[Line] = Field(max_length=10, description="How the plan responds to each scenario.")
    risks: list[Line] = Field(max_length=8)
    assumptions: list[Line] = Field(max_length=8, description="What the plan takes for granted.")


class ContentDraft(Written):
    """The piece of content asked for, ready for review."""

    title: str | None = Field(max_length=200, description="A title, when the format has one.")
    headline_options: list[Line] = Field(max_length=5, description="Alternative headlines, when asked for.")
    body: str = Field(min_length=1, max_length=40_000, description="The content itself, in Markdown.")
    call_to_action: str | None = Field(max_length=300)
    meta_description: str | None = Field(max_length=320, description="For web pages: a search snippet.")
    compliance_notes: list[Line] = Field(
        max_length=8, description="What a reviewer should check (claims, alcohol marketing rules, allergens)."
    )
