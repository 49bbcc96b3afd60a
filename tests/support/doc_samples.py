"""The code samples of one section of a Markdown document, so tests can run the docs exactly as written."""

from __future__ import annotations

import re
from pathlib import Path

DOCS = Path(__file__).resolve().parents[2] / "docs"
TESTKIT_DOC = DOCS / "testkit.md"


def section_text(heading: str, doc: Path = TESTKIT_DOC) -> str:
    """The text from `heading` (e.g. "## Catch a memory leak") to the next heading of level two, or the end."""
    text = doc.read_text()
    start = text.index(heading)
    following = text.find("\n## ", start + len(heading))
    return text[start : following if following != -1 else len(text)]


def section_samples(heading: str, language: str = "python", doc: Path = TESTKIT_DOC) -> list[str]:
    """The bodies of the section's fenced ```language blocks, in order."""
    return re.findall(rf"^```{language}\n(.*?)^```", section_text(heading, doc), flags=re.MULTILINE | re.DOTALL)
