"""The code samples of "Catch a memory leak" in docs/testkit.md pass as written."""

from __future__ import annotations

import pytest
from support.doc_samples import section_samples

pytest_plugins = ["pytester"]

SECTION = "## Catch a memory leak"


def samples() -> list[str]:
    return section_samples(SECTION)


def test_the_section_has_samples():
    assert len(samples()) == 2


@pytest.mark.parametrize("index", range(2))
def test_each_sample_passes(pytester: pytest.Pytester, index: int):
    pytester.makepyfile(**{f"test_sample_{index}": samples()[index]})
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    outcomes = result.parseoutcomes()
    assert outcomes.get("passed", 0) >= 1, result.stdout.str()
    assert set(outcomes) <= {"passed"}, result.stdout.str()
