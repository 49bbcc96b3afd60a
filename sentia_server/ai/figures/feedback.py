"""Figures of customer feedback. Ratings and NPS come from the items; sentiment, themes and churn risk are labels
the model gives each item (words), which are then counted here: the model never counts.

NPS = % promoters (9-10) - % detractors (0-6) of the items with a score; shares are of the items counted.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from sentia_server.tools.registry import ToolOutput

Source = Literal["customer_surveys", "support_tickets", "reviews", "social_media", "sales_calls", "emails", "chat_logs"]
Sentiment = Literal["positive", "neutral", "negative", "mixed"]
ChurnRisk = Literal["low", "medium", "high", "unknown"]
TOP_THEMES = 15


class FeedbackIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=r"^[A-Za-z0-9_.:-]{1,64}$", description="Unique within the call; labels refer to it.")
    text: str = Field(description="What the customer said.", min_length=1, max_length=4000)
    source: Source = Field(description="Where the feedback came from.")
    received_on: date | None = Field(default=None, description="When the feedback was given.")
    rating: int | None = Field(default=None, ge=1, le=5, description="Star rating, 1-5.")
    nps: int | None = Field(default=None, ge=0, le=10, description="Likelihood to recommend, 0-10.")
    segment: str | None = Field(default=None, max_length=60, description="e.g. trade, retail, subscription.")
    product: str | None = Field(description="The product it is about, when known.", default=None, max_length=100)


class ItemLabel(BaseModel):
    """The model's reading of one feedback item."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(description="The item's id, exactly as given.")
    sentiment: Sentiment
    themes: list[str] = Field(min_length=1, max_length=3, description="1-3 short theme names.")
    churn_risk: ChurnRisk


class RatingStats(ToolOutput):
    rated: int
    average: float | None
    distribution: dict[str, int]


class NpsStats(ToolOutput):
    responses: int
    promoters: int
    passives: int
    detractors: int
    score: float | None = Field(description="% promoters - % detractors, -100 to 100.")


class ThemeCount(ToolOutput):
    theme: str
    items: int
    share: float
    negative: int
    positive: int


class FeedbackFigures(ToolOutput):
    items: int
    by_source: dict[str, int]
    by_month: dict[str, int]
    ratings: RatingStats
    nps: NpsStats
    sentiment: dict[str, int] | None = None
    sentiment_share: dict[str, float] | None = None
    themes: list[ThemeCount] | None = None
    churn_risk: dict[str, int] | None = None
    sentiment_by_segment: dict[str, dict[str, int]] | None = None


def feedback_figures(items: list[FeedbackIn]) -> FeedbackFigures:
    """What the items themselves say: volumes, ratings, NPS."""
    ratings = [item.rating for item in items if item.rating is not None]
    scores = [item.nps for item in items if item.nps is not None]
    promoters = sum(1 for score in scores if score >= 9)
    detractors = sum(1 for score in scores if score <= 6)
    return FeedbackFigures(
        items=len(items),
        by_source=dict(Counter(item.source for item in items)),
        by_month=dict(sorted(Counter(f"{item.received_on:%Y-%m}" for item in items if item.received_on).items())),
        ratings=RatingStats(
            rated=len(ratings),
            average=round(statistics.fmean(ratings), 3) if ratings else None,
            distribution={str(stars): ratings.count(stars) for stars in range(1, 6)},
        ),
        nps=NpsStats(
            responses=len(scores),
            promoters=promoters,
            passives=len(scores) - promoters - detractors,
            detractors=detractors,
            score=round((promoters - detractors) / len(scores) * 100, 1) if scores else None,
        ),
    )


def label_problem(items: list[FeedbackIn], labels: list[ItemLabel], themes: list[str] | None) -> str | None:
    """Why the labels do not fit the items (for the model to correct), or None."""
    given = [item.id for item in items]
    labelled = [label.id for label in labels]
    missing = sorted(set(given) - set(labelled))
    unknown = sorted(set(labelled) - set(given))
    if missing or unknown or len(labelled) != len(set(labelled)):
        return (
            f"every item needs exactly one label: missing ids {missing[:10]}, unknown ids {unknown[:10]}, "
            f"{len(labelled) - len(set(labelled))} duplicates"
        )
    if themes:
        allowed = {theme.lower() for theme in themes}
        outside = sorted({t for label in labels for t in label.themes if t.lower() not in allowed})
        if outside:
            return f"themes must be chosen from {themes}; not allowed: {outside[:10]}"
    return None


def add_labels(figures: FeedbackFigures, items: list[FeedbackIn], labels: list[ItemLabel]) -> None:
    """Count the model's labels into the figures."""
    by_id = {label.id: label for label in labels}
    sentiments: Counter[str] = Counter(label.sentiment for label in labels)
    figures.sentiment = dict(sentiments)
    figures.sentiment_share = {name: round(count / len(labels), 4) for name, count in sentiments.items()}
    theme_items: dict[str, list[ItemLabel]] = defaultdict(list)
    for label in labels:
        for theme in {t.strip().lower() for t in label.themes}:
            theme_items[theme].append(label)
    ranked = sorted(theme_items.items(), key=lambda pair: (-len(pair[1]), pair[0]))[:TOP_THEMES]
    figures.themes = [
        ThemeCount(
            theme=theme,
            items=len(members),
            share=round(len(members) / len(labels), 4),
            negative=sum(1 for m in members if m.sentiment == "negative"),
            positive=sum(1 for m in members if m.sentiment == "positive"),
        )
        for theme, members in ranked
    ]
    figures.churn_risk = dict(Counter(label.churn_risk for label in labels))
    segments: dict[str, Counter[str]] = defaultdict(Counter)
    for item in items:
        if item.segment:
            segments[item.segment][by_id[item.id].sentiment] += 1
    figures.sentiment_by_segment = {segment: dict(counts) for segment, counts in sorted(segments.items())} or None
