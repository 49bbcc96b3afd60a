from __future__ import annotations

from pydantic import BaseModel

from sentia_server.tools.paging import PageInfo, fit_to_budget


class Line(BaseModel):
    sku: str


def test_everything_fits_within_a_large_budget():
    items = [Line(sku=f"SKU-{i}") for i in range(10)]
    assert fit_to_budget(items, 10_000) == (items, None)


def test_trimming_keeps_a_prefix_and_says_how_much_was_left_out():
    items = [Line(sku=f"SKU-{i:04d}") for i in range(100)]  # each {"sku":"SKU-0000"} is 16 bytes + a comma
    kept, reason = fit_to_budget(items, 100)
    assert kept == items[:5]
    assert reason == (
        "95 of 100 items left out to stay within the 100 byte response budget; ask for a smaller page or narrow the "
        "filters"
    )
    page = PageInfo(returned=len(kept), has_more=True, next_page=2, truncated=True, truncated_reason=reason)
    assert page.model_dump()["truncated"] is True
