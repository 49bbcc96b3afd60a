"""QualityRecord: measurements against nominal ± tolerance; each result and the overall result are derived from
the values and refused as input; every broken rule is named."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from unit.domain.helpers import merged, rejection

from sentia_server.domain import InspectionResult, Measurement, QualityRecord


def test_a_record_whose_values_are_all_within_tolerance_passes(quality_data):
    record = QualityRecord.model_validate(quality_data)
    abv, fill = record.measurements
    assert (abv.lower_limit, abv.upper_limit) == (Decimal("41.3"), Decimal("41.7"))
    assert (fill.lower_limit, fill.upper_limit) == (Decimal(695), Decimal(705))
    assert [m.result for m in record.measurements] == [InspectionResult.PASSED, InspectionResult.PASSED]
    assert record.overall_result is InspectionResult.PASSED
    assert record.inspected_at == datetime(2026, 11, 20, 9, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("values", "result", "outside"),
    [
        ([41.3, 41.7], InspectionResult.PASSED, 0),  # the limits themselves are within tolerance
        ([41.5, 41.71], InspectionResult.FAILED, 1),
        ([41.29, 41.5, 41.8], InspectionResult.FAILED, 2),
        (["41.5000"], InspectionResult.PASSED, 0),
    ],
)
def test_a_measurement_result_is_derived_from_its_values(measurement_data, values, result, outside):
    measurement = Measurement.model_validate(merged(measurement_data, {"values": values}))
    assert (measurement.result, measurement.out_of_tolerance) == (result, outside)


def test_one_failed_measurement_fails_the_record(quality_data):
    failing = merged(quality_data["measurements"][1], {"values": [698, 706]})
    record = QualityRecord.model_validate(
        merged(quality_data, {"measurements": [quality_data["measurements"][0], failing]})
    )
    assert [m.result for m in record.measurements] == [InspectionResult.PASSED, InspectionResult.FAILED]
    assert record.overall_result is InspectionResult.FAILED


def test_the_inspection_time_is_kept_in_utc(quality_data):
    record = QualityRecord.model_validate(merged(quality_data, {"inspected_at": "2026-11-20T11:30:00+02:00"}))
    assert record.inspected_at == datetime(2026, 11, 20, 9, 30, tzinfo=UTC)


def test_the_recorded_fields_rebuild_the_same_record_with_the_same_results(quality_data):
    record = QualityRecord.model_validate(quality_data)
    recorded = record.as_recorded()
    assert "overall_result" not in recorded and "result" not in recorded["measurements"][0]
    assert recorded["measurements"][0]["values"] == ["41.4"]
    assert QualityRecord.model_validate(recorded) == record


@pytest.mark.parametrize(
    ("changes", "rule"),
    [
        ({"overall_result": "pass"}, "overall_result cannot be given: derived from the results of the measurements"),
        ({"measurements": []}, "a quality record needs at least one measurement"),
        ({"inspected_at": "2026-11-20T09:30:00"}, "2026-11-20T09:30:00 must carry a time zone"),
        ({"inspected_at": "yesterday"}, "Input should be a valid datetime"),
        ({"work_order": "WO 17"}, "work order 'WO 17' must be 1-64 letters, digits"),
        ({"lot_number": ""}, "lot number '' must be 1-64 letters, digits"),
        ({"product_sku": "gin"}, "SKU 'gin' must be upper-case letters and digits"),
        ({"inspector": " "}, "inspector must not be blank"),
        ({"notes": "x" * 2001}, "String should have at most 2000 characters"),
        ({"approved": True}, "Extra inputs are not permitted"),
        ({"measurements": ["ABV 41.5"]}, "Input should be a valid dictionary or instance of Measurement"),
    ],
)
def test_invalid_records_are_rejected_naming_the_rule(quality_data, changes, rule):
    assert rule in rejection(QualityRecord, merged(quality_data, changes))


def test_a_record_from_the_future_is_rejected(quality_data):
    tomorrow = (datetime.now(UTC) + timedelta(days=1)).isoformat()
    assert "is in the future; a record describes something that has happened" in rejection(
        QualityRecord, merged(quality_data, {"inspected_at": tomorrow})
    )


def test_a_characteristic_measured_twice_is_rejected(quality_data):
    again = merged(quality_data["measurements"][0], {"characteristic": "Alcohol By Volume"})
    measurements = [*quality_data["measurements"], again]
    assert "each characteristic appears once; repeated: alcohol by volume" in rejection(
        QualityRecord, merged(quality_data, {"measurements": measurements})
    )


@pytest.mark.parametrize(
    ("changes", "rule"),
    [
        ({"result": "pass"}, "result cannot be given: derived from the measured values against nominal ± tolerance"),
        ({"result": "pass", "upper_limit": 50}, "result and upper_limit cannot be given"),
        ({"tolerance": 0}, "tolerance must be above 0, not 0"),
        ({"tolerance": -0.1}, "tolerance must be above 0, not -0.1"),
        ({"values": []}, "a measurement needs at least one measured value"),
        ({"values": [41.5, "high"]}, "Input should be a valid decimal"),
        ({"values": [41.5, float("nan")]}, "a number must be finite"),
        ({"values": [41.5] * 101}, "should have at most 100 items after validation, not 101"),
        ({"nominal": True}, "a number is expected, not true or false"),
        ({"unit": ""}, "unit must not be blank"),
        ({"unit": "x" * 21}, "unit must be at most 20 characters, not 21"),
        ({"characteristic": ...}, "Field required"),
    ],
)
def test_invalid_measurements_are_rejected_naming_the_rule(measurement_data, changes, rule):
    assert rule in rejection(Measurement, merged(measurement_data, changes))
