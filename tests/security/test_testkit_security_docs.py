"""The code samples of "Security checks" in docs/testkit.md pass as written."""

from __future__ import annotations

import pytest
from support.doc_samples import section_samples

pytest_plugins = ["pytester"]

SECTION = "## Security checks"
SAMPLES = 4


def samples() -> list[str]:
    return section_samples(SECTION)


def test_the_section_has_samples():
    assert len(samples()) == SAMPLES


@pytest.mark.parametrize("index", range(SAMPLES))
def test_each_sample_passes(pytester: pytest.Pytester, index: int):
    pytester.makepyfile(**{f"test_sample_{index}": samples()[index]})
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)
