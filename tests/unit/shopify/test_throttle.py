"""The client's estimate of a shop's query-cost bucket."""

from __future__ import annotations

import pytest

from sentia_server.integrations.shopify.throttle import MARGIN_SECONDS, CostBudget, parse_cost


def cost(requested, available, maximum=2000.0, rate=100.0):
    return {
        "cost": {
            "requestedQueryCost": requested,
            "actualQueryCost": None,
            "throttleStatus": {"maximumAvailable": maximum, "currentlyAvailable": available, "restoreRate": rate},
        }
    }


class Clock:
    now = 10.0

    def __call__(self) -> float:
        return self.now


def test_the_bucket_is_projected_forward_at_the_restore_rate():
    clock = Clock()
    budget = CostBudget(clock)
    assert budget.available() is None and budget.wait_before("Q") == 0.0
    budget.record("Q", cost(700, 400))
    assert budget.available() == 400
    assert budget.wait_before("Q") == pytest.approx(3.0 + MARGIN_SECONDS)
    clock.now += 2
    assert budget.available() == 600 and budget.wait_before("Q") == pytest.approx(1.0 + MARGIN_SECONDS)
    clock.now += 100
    assert budget.available() == 2000 and budget.wait_before("Q") == 0.0
    assert budget.wait_before("Unknown") == 0.0


def test_a_query_that_can_never_fit_is_not_delayed():
    budget = CostBudget(Clock())
    budget.record("Huge", cost(5000, 10))
    assert budget.wait_before("Huge") == 0.0


def test_the_wait_a_throttled_answer_asks_for():
    budget = CostBudget(Clock())
    assert budget.throttled_wait(cost(900, 400)) == pytest.approx(5.0 + MARGIN_SECONDS)
    assert budget.throttled_wait(cost(100, 400)) == pytest.approx(MARGIN_SECONDS)
    assert budget.throttled_wait({}) is None


@pytest.mark.parametrize(
    ("extensions", "expected"),
    [
        (None, (None, None)),
        ({"cost": "x"}, (None, None)),
        ({"cost": {"requestedQueryCost": 5}}, (5.0, None)),
        ({"cost": {"requestedQueryCost": "5", "throttleStatus": {"maximumAvailable": 1}}}, (None, None)),
        (
            {
                "cost": {
                    "requestedQueryCost": 5,
                    "throttleStatus": {"maximumAvailable": 1, "currentlyAvailable": 1, "restoreRate": 0},
                }
            },
            (5.0, None),
        ),
    ],
)
def test_missing_or_malformed_cost_data_is_ignored(extensions, expected):
    requested, status = parse_cost(extensions)
    assert (requested, status) == expected
