"""The code samples of "Generate manufacturing data" in docs/testkit.md pass as written."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

pytest_plugins = ["pytester"]

DOC = Path(__file__).resolve().parents[3] / "docs" / "testkit.md"
SECTION = "## Generate manufacturing data"


def samples() -> list[str]:
    text = DOC.read_text()
    start = text.index(SECTION)
    following = text.find("\n## ", start + len(SECTION))
    section = text[start : following if following != -1 else len(text)]
    return re.findall(r"^```python\n(.*?)^```", section, flags=re.MULTILINE | re.DOTALL)


def test_the_section_has_samples():
    assert len(samples()) == 2


@pytest.mark.parametrize("index", range(2))
def test_each_sample_passes(pytester: pytest.Pytester, index: int):
    pytester.makepyfile(**{f"test_sample_{index}": samples()[index]})
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    outcomes = result.parseoutcomes()
    assert outcomes.get("passed", 0) >= 1, result.stdout.str()
    assert set(outcomes) <= {"passed"}, result.stdout.str()
