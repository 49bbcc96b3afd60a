"""openai-customer-insights: customer feedback read by the model item by item (sentiment, themes, churn risk as
labels), then counted by the server, with ratings and NPS computed from the items themselves."""

from __future__ import annotations

from functools import partial
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from sentia_server.ai.figures.feedback import (
    FeedbackFigures,
    FeedbackIn,
    ItemLabel,
    add_labels,
    feedback_figures,
    label_problem,
)
from sentia_server.ai.narrative import Narrative
from sentia_server.ai.tooling import AiResult, AiTool
from sentia_server.tools.context import ToolContext
from sentia_server.tools.openai.common import VENDOR, Context, openai_tool
from sentia_server.tools.registry import ToolInput

NAME = "openai-customer-insights"
MAX_ITEMS = 300
AnalysisType = Literal[
    "sentiment_analysis",
    "feedback_categorization",
    "customer_journey_mapping",
    "churn_risk_analysis",
    "satisfaction_analysis",
    "voice_of_customer",
    "competitor_comparison",
    "product_feedback",
    "support_ticket_analysis",
]


class Insights(BaseModel):
    """The feedback read item by item, and what it adds up to."""

    model_config = ConfigDict(extra="forbid")

    labels: list[ItemLabel] = Field(description="One label per feedback item, with the item's id.")
    narrative: Narrative


class CustomerInsightsInput(ToolInput):
    analysis_type: AnalysisType = Field(description="What to learn from the feedback.")
    feedback: list[FeedbackIn] = Field(
        description="The feedback items, each with a unique id.", min_length=1, max_length=MAX_ITEMS
    )
    themes: list[str] | None = Field(
        default=None, min_length=1, max_length=30, description="Themes to choose from; default the model's own."
    )
    sentiment_granularity: Literal["basic", "detailed", "emotion_based"] = Field(
        default="basic", description="How finely the words should describe sentiment."
    )
    categorization_depth: Literal["high_level", "detailed", "granular"] = Field(
        default="high_level", description="How broad or fine the themes should be."
    )
    benchmark_nps: float | None = Field(default=None, ge=-100, le=100, description="An NPS to compare with.")
    benchmark_rating: float | None = Field(default=None, ge=1, le=5, description="An average rating to compare with.")
    context: Context

    @model_validator(mode="after")
    def _unique(self) -> CustomerInsightsInput:
        ids = [item.id for item in self.feedback]
        if len(ids) != len(set(ids)):
            raise ValueError("feedback ids must be unique")
        return self


class Benchmarks(BaseModel):
    model_config = ConfigDict(extra="forbid")

    nps_difference: float | None = Field(description="Our NPS - the benchmark.")
    rating_difference: float | None = Field(description="Our average rating - the benchmark.")


class CustomerInsightsResult(AiResult):
    analysis_type: str
    figures: FeedbackFigures
    benchmarks: Benchmarks
    labels: list[ItemLabel]
    analysis: Narrative


def _check(items: list[FeedbackIn], themes: list[str] | None, answer: Insights) -> str | None:
    return label_problem(items, answer.labels, themes)


@openai_tool(NAME, "OpenAI: customer insights")
async def customer_insights(params: CustomerInsightsInput, ctx: ToolContext) -> CustomerInsightsResult:
    """Analyse customer feedback you pass (surveys, tickets, reviews, social posts, calls, e-mails, chats; up to
    300 items): the model labels each item's sentiment, themes and churn risk and writes the insights and
    recommendations; the server checks every item got one label, counts the labels (sentiment shares, theme
    frequencies, churn risk, sentiment by segment) and computes ratings, NPS and volumes from the items."""
    ai = AiTool.start(ctx, NAME, VENDOR)
    figures = feedback_figures(params.feedback)
    answer = await ai.write(
        Insights,
        task="Label every feedback item (with its id exactly as given), then write the "
        + params.analysis_type.replace("_", " ")
        + (", choosing themes only from the list given." if params.themes else "."),
        options={
            "themes": params.themes,
            "sentiment_granularity": params.sentiment_granularity,
            "categorization_depth": params.categorization_depth,
        },
        data={
            "figures": figures.model_dump(mode="json"),
            "items": [item.model_dump(mode="json", exclude={"text"}) for item in params.feedback],
        },
        material="\n".join(f"[{item.id}] {item.text}" for item in params.feedback)
        + (f"\n\nContext: {params.context}" if params.context else ""),
        check=partial(_check, params.feedback, params.themes),
    )
    add_labels(figures, params.feedback, answer.value.labels)
    nps, rating = figures.nps.score, figures.ratings.average
    benchmarks = Benchmarks(
        nps_difference=None if nps is None or params.benchmark_nps is None else round(nps - params.benchmark_nps, 1),
        rating_difference=(
            None if rating is None or params.benchmark_rating is None else round(rating - params.benchmark_rating, 3)
        ),
    )
    return CustomerInsightsResult(
        analysis_type=params.analysis_type,
        figures=figures,
        benchmarks=benchmarks,
        labels=answer.value.labels,
        analysis=answer.value.narrative,
        usage=answer.usage,
        sources=[f"{len(params.feedback)} feedback items passed by the caller"],
        notes=[],
    )
