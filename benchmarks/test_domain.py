"""Domain validation: parsing a manufacturing order and a quality record from JSON, as tools do with their input."""

from __future__ import annotations

from sentia_server.domain.orders import ManufacturingOrder
from sentia_server.domain.quality import QualityRecord
from sentia_testkit.data import make_manufacturing_order, make_quality_record

ORDERS = 50


def test_manufacturing_order_validation(benchmark):
    """ORDERS distinct orders, each with its lines, money, dates and status rules checked."""
    documents = [
        make_manufacturing_order(seed=seed).model_dump_json(exclude_computed_fields=True) for seed in range(ORDERS)
    ]

    def validate_all() -> int:
        return sum(len(ManufacturingOrder.model_validate_json(document).lines) for document in documents)

    assert benchmark(validate_all) >= ORDERS


def test_quality_record_validation(benchmark):
    document = make_quality_record(seed=7).model_dump_json(exclude_computed_fields=True)
    record = benchmark(QualityRecord.model_validate_json, document)
    assert record == QualityRecord.model_validate_json(document)
