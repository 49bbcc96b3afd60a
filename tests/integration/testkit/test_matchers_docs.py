"""The code samples of "Check a manufacturing order" in docs/testkit.md pass as written."""

from __future__ import annotations

import pytest
from support.doc_samples import section_samples

pytest_plugins = ["pytester"]

SECTION = "## Check a manufacturing order"


def samples() -> list[str]:
    return section_samples(SECTION)


def test_the_section_has_samples():
    assert len(samples()) == 3


@pytest.mark.parametrize("index", range(3))
def test_each_sample_passes(pytester: pytest.Pytester, index: int):
    pytester.makepyfile(**{f"test_sample_{index}": samples()[index]})
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    outcomes = result.parseoutcomes()
    assert outcomes.get("passed", 0) >= 1, result.stdout.str()
    assert set(outcomes) <= {"passed"}, result.stdout.str()


FAILING_ORDER = """
from sentia_testkit.matchers import IsManufacturingOrder

def test_order():
    order = {
        "order_number": "MO-1", "customer": "Selfridges", "status": "released",
        "lines": [{"sku": "sen gin", "quantity": 0, "unit_price": {"amount": "1", "currency": "GBP"}}],
        "created_date": "2026-01-02", "due_date": "2026-01-09",
    }
    assert order == IsManufacturingOrder(status="shipped")
"""


def test_the_failure_shown_is_what_pytest_prints(pytester: pytest.Pytester):
    [shown] = section_samples(SECTION, "text")
    pytester.makepyfile(test_failing=FAILING_ORDER)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines([line.replace("...", "*") for line in shown.splitlines()])
