"""Measures of a generated text, taken from the text itself: words, headings, paragraphs, reading time (at 200
words a minute) and how often each SEO keyword occurs (case-insensitive, whole phrase)."""

from __future__ import annotations

import math
import re

from pydantic import Field

from sentia_server.tools.registry import ToolOutput

LENGTHS = {"short": (50, 250), "medium": (250, 800), "long": (800, 2000)}
WORDS_PER_MINUTE = 200
WORD = re.compile(r"[\w'\u2019-]+")


class KeywordUse(ToolOutput):
    keyword: str
    occurrences: int


class ContentFigures(ToolOutput):
    word_count: int
    target_min_words: int
    target_max_words: int
    within_target: bool
    headings: int = Field(description="Markdown headings (lines starting with #).")
    paragraphs: int
    reading_minutes: int
    keywords: list[KeywordUse]
    missing_keywords: list[str]


def word_range(length: str, word_count: int | None) -> tuple[int, int]:
    """The words asked for: word_count +/- 10% when given, else the length's range."""
    if word_count is not None:
        return math.floor(word_count * 0.9), math.ceil(word_count * 1.1)
    return LENGTHS[length]


def content_figures(text: str, target: tuple[int, int], keywords: list[str]) -> ContentFigures:
    words = len(WORD.findall(text))
    lines = text.splitlines()
    lowered = text.lower()
    uses = [
        KeywordUse(keyword=k, occurrences=len(re.findall(rf"(?<!\w){re.escape(k.lower())}(?!\w)", lowered)))
        for k in keywords
    ]
    return ContentFigures(
        word_count=words,
        target_min_words=target[0],
        target_max_words=target[1],
        within_target=target[0] <= words <= target[1],
        headings=sum(1 for line in lines if line.lstrip().startswith("#")),
        paragraphs=len([block for block in re.split(r"\n\s*\n", text) if block.strip()]),
        reading_minutes=max(math.ceil(words / WORDS_PER_MINUTE), 1),
        keywords=uses,
        missing_keywords=[use.keyword for use in uses if use.occurrences == 0],
    )
