"""MCP resources: the JSON Schema of each domain model, so a client can see what a valid order, product, quality
record, inventory level or amount of money is before it sends one.

Each schema describes the model as the server accepts it (every rule the validators enforce that JSON Schema can
state) and lists the derived values the server adds as `readOnly` properties: they appear in results and are
refused as input.
"""

from __future__ import annotations

import json
from typing import Any

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.resources import TextResource
from pydantic import BaseModel

from sentia_server.domain import InventoryLevel, ManufacturingOrder, Money, ProductSpecification, QualityRecord
from sentia_server.tools.schema import inline_refs

SCHEMA_URI = "sentia://schemas/{name}"
JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
SCHEMA_MIME_TYPE = "application/schema+json"

DOMAIN_SCHEMAS: dict[str, tuple[type[BaseModel], str]] = {
    "manufacturing-order": (ManufacturingOrder, "A customer's order: lines, status flow, dates and derived totals."),
    "product-specification": (
        ProductSpecification,
        "A SKU's specification: category, properties, a cost breakdown that adds up, price and lead time.",
    ),
    "quality-record": (
        QualityRecord,
        "The inspection of a lot: measurements against nominal ± tolerance; results derived from the values.",
    ),
    "inventory-level": (InventoryLevel, "Stock of a SKU at a location, and whether it is at its reorder point."),
    "money": (Money, "An exact decimal amount in an ISO 4217 currency."),
}


def _add_read_only(target: dict[str, Any], source: dict[str, Any]) -> None:
    """Copy the readOnly (derived) properties of `source` into `target`, which lacks them."""
    for name, schema in source.get("properties", {}).items():
        if schema.get("readOnly"):
            target.setdefault("properties", {})[name] = schema


def domain_schema(model: type[BaseModel], name: str) -> dict[str, Any]:
    """The validation schema of `model` with its derived properties (readOnly) added, references inlined."""
    accepted = model.model_json_schema(mode="validation")
    produced = model.model_json_schema(mode="serialization")
    _add_read_only(accepted, produced)
    definitions = accepted.setdefault("$defs", {})
    for definition, schema in produced.get("$defs", {}).items():
        if definition in definitions:
            _add_read_only(definitions[definition], schema)
        else:  # a type only the derived values use, such as the result enum
            definitions[definition] = schema
    return {"$schema": JSON_SCHEMA_DIALECT, "$id": SCHEMA_URI.format(name=name), **inline_refs(accepted)}


def register_resources(server: MCPServer) -> None:
    """Add one resource per domain schema to `server`."""
    for name, (model, description) in DOMAIN_SCHEMAS.items():
        server.add_resource(
            TextResource(
                uri=SCHEMA_URI.format(name=name),
                name=f"{name}-schema",
                title=f"JSON Schema: {model.__name__}",
                description=description,
                mime_type=SCHEMA_MIME_TYPE,
                text=json.dumps(domain_schema(model, name), indent=2, ensure_ascii=False),
            )
        )
