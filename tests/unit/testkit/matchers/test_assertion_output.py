"""What a user sees when an assert with a testkit matcher fails: every broken rule, one per line, with its path."""

from __future__ import annotations

import pytest

from sentia_testkit.matchers import IsMoney
from sentia_testkit.matchers._explained import assertion_lines
from sentia_testkit.plugin import pytest_assertrepr_compare

pytest_plugins = ["pytester"]

FAILING = """
from sentia_testkit.matchers import IsManufacturingOrder

def test_order():
    order = {
        "order_number": "MO-1", "customer": "Selfridges", "status": "released",
        "lines": [{"sku": "sen gin", "quantity": 0, "unit_price": {"amount": "1", "currency": "GBP"}}],
        "created_date": "2026-01-02", "due_date": "2026-01-09",
    }
    assert order == IsManufacturingOrder(status="shipped")
"""


def test_a_failing_assert_lists_every_problem_under_it(pytester: pytest.Pytester):
    pytester.makepyfile(FAILING)
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "E       AssertionError: assert value does not match IsManufacturingOrder(status='shipped'): 3 problems",
            "E           lines.0.sku: SKU 'sen gin' must be upper-case letters and digits *",
            "E           lines.0.quantity: quantity must be above 0, not 0",
            "E           status: expected 'shipped', got 'released'",
        ]
    )


def test_the_hook_explains_a_matcher_on_either_side_and_nothing_else():
    matcher = IsMoney(currency="EUR")
    assert matcher != {"amount": "1", "currency": "GBP"}
    expected = ["value does not match IsMoney(currency='EUR'): 1 problem", "  currency: expected EUR, got GBP"]
    assert pytest_assertrepr_compare("==", {"amount": "1"}, matcher) == expected
    assert pytest_assertrepr_compare("==", matcher, {"amount": "1"}) == expected
    assert pytest_assertrepr_compare("!=", {"amount": "1"}, matcher) is None
    assert pytest_assertrepr_compare("==", 1, 2) is None


def test_a_matcher_that_matched_has_nothing_to_explain():
    matcher = IsMoney()
    assert matcher == {"amount": "1", "currency": "GBP"}
    assert assertion_lines(matcher) is None
    assert assertion_lines("not a matcher") is None
    assert repr(IsMoney(currency="GBP")) == "IsMoney(currency='GBP')"
    assert repr(IsMoney("1.50", le=2)) == "IsMoney('1.50', le=2)"
