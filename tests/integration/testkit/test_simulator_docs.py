"""The code samples of "Mock the vendor APIs in your tests" in docs/testkit.md pass as written."""

from __future__ import annotations

import pytest
from support.doc_samples import section_samples

pytest_plugins = ["pytester"]

SECTION = "## Mock the vendor APIs in your tests"


def samples() -> list[str]:
    return section_samples(SECTION)


def test_the_section_has_samples():
    assert len(samples()) == 3


@pytest.mark.parametrize("index", range(3))
def test_each_sample_passes(pytester: pytest.Pytester, index: int):
    pytester.makepyfile(**{f"test_sample_{index}": samples()[index]})
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)
