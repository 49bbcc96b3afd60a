"""quality-record-create and quality-records-list through MCP: results derived from the values, records kept per
tenant in the database, filters, counts and cursor paging."""

from __future__ import annotations

import pytest
from integration.manufacturing.helpers import inspection, registry, structured, text
from mcp import MCPError

from sentia_server.auth.principal import Role
from sentia_server.tools.errors import PERMISSION_DENIED

pytestmark = pytest.mark.anyio
CREATE, LIST = "quality-record-create", "quality-records-list"


async def test_both_tools_are_listed_with_precise_schemas(connect, principal):
    async with connect(principal(), registry=registry()) as client:
        tools = {tool.name: tool for tool in (await client.list_tools()).tools}
    create, listing = tools[CREATE], tools[LIST]
    assert create.annotations.read_only_hint is False and create.annotations.idempotent_hint is False
    assert listing.annotations.read_only_hint is True
    fields = create.input_schema["properties"]
    assert set(create.input_schema["required"]) == {
        "work_order",
        "lot_number",
        "product_sku",
        "inspector",
        "inspected_at",
        "measurements",
    }
    assert all(field.get("description") for field in fields.values())
    assert fields["product_sku"]["pattern"] == "^[A-Z0-9]+(?:-[A-Z0-9]+)*$"
    assert fields["inspected_at"]["format"] == "date-time"
    measurement = fields["measurements"]["items"]
    assert measurement["additionalProperties"] is False
    assert set(measurement["properties"]) == {"characteristic", "nominal", "tolerance", "unit", "values"}
    assert measurement["properties"]["tolerance"]["exclusiveMinimum"] == 0
    assert fields["measurements"]["minItems"] == 1
    options = listing.input_schema["properties"]
    assert all(field.get("description") for field in options.values())
    assert options["page_size"]["maximum"] == 100 and options["page_size"]["minimum"] == 1
    result = next(choice for choice in options["result"]["anyOf"] if "enum" in choice)
    assert result["enum"] == ["pass", "fail"]
    assert create.output_schema["properties"]["overall_result"]["enum"] == ["pass", "fail"]


async def test_a_record_is_stored_with_results_derived_from_its_values(call, runtime):
    created = structured(await call(CREATE, inspection(notes="first run of the winter batch")))
    abv, fill = created["measurements"]
    assert (abv["lower_limit"], abv["upper_limit"], abv["result"], abv["out_of_tolerance"]) == (
        "41.3",
        "41.7",
        "pass",
        0,
    )
    assert abv["values"] == ["41.4", "41.6"]
    assert (fill["nominal"], fill["result"]) == ("700", "pass")
    assert created["overall_result"] == "pass"
    assert created["inspected_at"] == "2026-11-20T09:30:00Z"
    assert (created["created_by"], created["notes"]) == ("tester", "first run of the winter batch")
    listed = structured(await call(LIST, {}))
    assert listed["records"] == [created]
    rows = await runtime.tool_log.recent()
    assert [(row.tool, row.status) for row in rows[:2]] == [(LIST, "success"), (CREATE, "success")]


async def test_one_value_out_of_tolerance_fails_the_measurement_and_the_record(call):
    created = structured(await call(CREATE, inspection(abv=[41.5, 41.8, 41.2])))
    abv, fill = created["measurements"]
    assert (abv["result"], abv["out_of_tolerance"], fill["result"]) == ("fail", 2, "pass")
    assert created["overall_result"] == "fail"


INVALID_RECORDS = [
    (
        {"overall_result": "pass"},
        "overall_result cannot be given: derived from the results of the measurements",
    ),
    (
        {"measurements": [{**inspection()["measurements"][0], "result": "pass"}]},
        "measurements.0: Value error, result cannot be given: derived from the measured values against "
        "nominal ± tolerance",
    ),
    ({"measurements": []}, "measurements: Value error, a quality record needs at least one measurement"),
    (
        {"measurements": [{**inspection()["measurements"][0], "tolerance": 0}]},
        "measurements.0.tolerance: Value error, tolerance must be above 0, not 0",
    ),
    ({"inspected_at": "2999-01-01T00:00:00Z"}, "is in the future; a record describes something that has happened"),
    (
        {"inspected_at": "2026-11-20T09:30:00"},
        "inspected_at: Value error, 2026-11-20T09:30:00 must carry a time zone",
    ),
    ({"product_sku": "gin-70"}, "product_sku: Value error, SKU 'gin-70' must be upper-case letters and digits"),
    ({"approved_by": "QA"}, "approved_by: unexpected argument (allowed: work_order, lot_number"),
]
"""Changes that break one rule each, and the message that names it."""


async def test_an_invalid_record_is_refused_naming_the_rule_and_nothing_is_stored(call):
    for change, message in INVALID_RECORDS:
        result = await call(CREATE, {**inspection(), **change})
        assert result.is_error, change
        assert "invalid arguments for tool 'quality-record-create': " in text(result)
        assert message in text(result)
    assert structured(await call(LIST, {}))["matching"]["total"] == 0


async def test_a_viewer_may_not_record_inspections(call):
    with pytest.raises(MCPError) as refused:
        await call(CREATE, inspection(), role=Role.VIEWER)
    assert refused.value.error.code == PERMISSION_DENIED
    assert "requires permission 'quality:write'" in refused.value.error.message


async def test_records_are_kept_per_tenant(call):
    structured(await call(CREATE, inspection(), tenant="sentia"))
    assert structured(await call(LIST, {}, tenant="other"))["records"] == []
    assert structured(await call(LIST, {}, tenant="sentia"))["matching"]["total"] == 1


async def seed(call) -> None:
    """Five inspections over three days: two work orders, two SKUs, one failure."""
    for arguments in (
        inspection(work_order="WO-1", lot_number="LOT-A", inspected_at="2026-11-18T08:00:00Z"),
        inspection(work_order="WO-1", lot_number="LOT-B", inspected_at="2026-11-18T15:00:00Z", abv=[42.0]),
        inspection(
            work_order="WO-2", lot_number="LOT-C", product_sku="SEN-TON-200", inspected_at="2026-11-19T10:00:00Z"
        ),
        inspection(
            work_order="WO-2", lot_number="LOT-D", product_sku="SEN-TON-200", inspected_at="2026-11-20T23:59:59Z"
        ),
        inspection(work_order="WO-3", lot_number="LOT-E", inspected_at="2026-11-21T00:00:00Z"),
    ):
        structured(await call(CREATE, arguments))


FILTERS = [
    ({}, ["LOT-E", "LOT-D", "LOT-C", "LOT-B", "LOT-A"], 4, 1),
    ({"work_order": "WO-1"}, ["LOT-B", "LOT-A"], 1, 1),
    ({"lot_number": "LOT-C"}, ["LOT-C"], 1, 0),
    ({"product_sku": "SEN-TON-200"}, ["LOT-D", "LOT-C"], 2, 0),
    ({"result": "fail"}, ["LOT-B"], 0, 1),
    ({"inspected_from": "2026-11-19", "inspected_to": "2026-11-20"}, ["LOT-D", "LOT-C"], 2, 0),
    ({"inspected_from": "2026-11-21"}, ["LOT-E"], 1, 0),
    ({"inspected_to": "2026-11-18", "result": "pass"}, ["LOT-A"], 1, 0),
    ({"work_order": "WO-9"}, [], 0, 0),
]
"""Filters over the seeded inspections: the lots listed (newest first) and how many of the matches pass and fail."""


async def test_the_list_filters_and_counts_what_matches(call):
    await seed(call)
    for filters, lots, passed, failed in FILTERS:
        listed = structured(await call(LIST, filters))
        assert [record["lot_number"] for record in listed["records"]] == lots, filters
        matching = listed["matching"]
        assert (matching["total"], matching["passed"], matching["failed"]) == (passed + failed, passed, failed)
        assert matching["pass_rate"] == (round(passed / (passed + failed), 4) if lots else None)
        assert listed["page"] == {
            "returned": len(lots),
            "has_more": False,
            "next_cursor": None,
            "next_page": None,
            "truncated": False,
            "truncated_reason": None,
        }


async def test_records_inspected_at_the_same_moment_are_paged_without_loss_or_repeat(call):
    for lot in ("LOT-1", "LOT-2", "LOT-3"):
        structured(await call(CREATE, inspection(lot_number=lot)))
    seen, cursor = [], None
    for _ in range(3):
        listed = structured(await call(LIST, {"page_size": 1} | ({"cursor": cursor} if cursor else {})))
        seen += [record["lot_number"] for record in listed["records"]]
        cursor = listed["page"]["next_cursor"]
    assert sorted(seen) == ["LOT-1", "LOT-2", "LOT-3"] and cursor is None


async def test_pages_follow_one_another_through_the_cursor(call):
    await seed(call)
    seen, cursor, pages = [], None, 0
    while True:
        arguments = {"page_size": 2} | ({"cursor": cursor} if cursor else {})
        listed = structured(await call(LIST, arguments))
        pages += 1
        seen += [record["lot_number"] for record in listed["records"]]
        assert listed["matching"]["total"] == 5
        cursor = listed["page"]["next_cursor"]
        assert listed["page"]["has_more"] is (cursor is not None)
        if cursor is None:
            break
    assert (seen, pages) == (["LOT-E", "LOT-D", "LOT-C", "LOT-B", "LOT-A"], 3)


INVALID_LISTS = [
    ({"cursor": "not-a-cursor"}, "cursor: Value error, not a cursor this tool returned; leave it out"),
    ({"cursor": "eyJhdCI6IjIwMjYtMTEtMjBUMDk6MzA6MDAiLCJpZCI6IngifQ"}, "not a cursor this tool returned"),
    (
        {"inspected_from": "2026-11-21", "inspected_to": "2026-11-20"},
        "inspected_from (2026-11-21) must not be after",
    ),
    ({"page_size": 101}, "page_size: Input should be less than or equal to 100"),
    ({"result": "ok"}, "result: Input should be 'pass' or 'fail'"),
]


async def test_invalid_list_arguments_are_named(call):
    for arguments, message in INVALID_LISTS:
        result = await call(LIST, arguments)
        assert result.is_error and message in text(result), arguments


def large_inspection(lot: str, *, measurements: int, values: int, day: int = 20) -> dict:
    return inspection(
        lot_number=lot,
        inspected_at=f"2026-11-{day}T09:30:00Z",
        measurements=[
            {
                "characteristic": f"botanical {n}",
                "nominal": 10,
                "tolerance": 1,
                "unit": "mg/l",
                "values": [10.25] * values,
            }
            for n in range(measurements)
        ],
    )


async def test_a_page_larger_than_the_response_budget_is_trimmed_and_continues_where_it_stopped(call, runtime):
    runtime.settings = runtime.settings.model_copy(update={"tool_response_budget_bytes": 10_000})
    for day, lot in enumerate(("LOT-1", "LOT-2", "LOT-3"), start=10):
        structured(await call(CREATE, large_inspection(lot, measurements=10, values=20, day=day)))
    first = structured(await call(LIST, {"page_size": 3}))
    assert first["page"]["truncated"] and first["page"]["has_more"]
    assert first["page"]["truncated_reason"].endswith(
        "byte response budget; ask for a smaller page or narrow the filters"
    )
    kept = [record["lot_number"] for record in first["records"]]
    rest = structured(await call(LIST, {"page_size": 3, "cursor": first["page"]["next_cursor"]}))
    assert kept + [record["lot_number"] for record in rest["records"]] == ["LOT-3", "LOT-2", "LOT-1"]


async def test_a_record_larger_than_the_budget_is_returned_alone(call, runtime):
    runtime.settings = runtime.settings.model_copy(update={"tool_response_budget_bytes": 10_000})
    structured(await call(CREATE, large_inspection("LOT-BIG", measurements=40, values=30)))
    structured(await call(CREATE, inspection(lot_number="LOT-SMALL", inspected_at="2026-11-01T00:00:00Z")))
    first = structured(await call(LIST, {}))
    assert [record["lot_number"] for record in first["records"]] == ["LOT-BIG"]
    assert first["page"]["truncated_reason"] == (
        "one record is larger than the 10000 byte response budget, so this page holds only that record"
    )
    rest = structured(await call(LIST, {"cursor": first["page"]["next_cursor"]}))
    assert [record["lot_number"] for record in rest["records"]] == ["LOT-SMALL"]
