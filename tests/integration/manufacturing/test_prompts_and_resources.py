"""The MCP prompts and the domain-schema resources, listed and read through the official MCP client."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator
from typing import Any

import pytest
from integration.manufacturing.helpers import inspection
from jsonschema import Draft202012Validator
from mcp import Client, MCPError
from mcp.server.mcpserver import MCPServer
from mcp_types import INVALID_PARAMS

from sentia_server.domain import InventoryLevel, ManufacturingOrder, Money, ProductSpecification, QualityRecord
from sentia_server.mcp import default_registry
from sentia_server.prompts import register_prompts
from sentia_server.resources import register_resources
from sentia_server.tools import manufacturing

pytestmark = pytest.mark.anyio
TOOL_NAME = re.compile(
    r"\b(?:list-tools|system-status|(?:xero|shopify|amazon|quality|manufacturing)-[a-z]+(?:-[a-z]+)*)"
)
SCHEMAS = {
    "sentia://schemas/manufacturing-order": ManufacturingOrder,
    "sentia://schemas/product-specification": ProductSpecification,
    "sentia://schemas/quality-record": QualityRecord,
    "sentia://schemas/inventory-level": InventoryLevel,
    "sentia://schemas/money": Money,
}


@pytest.fixture
async def client() -> AsyncIterator[Client]:
    """A client of an MCP server with the prompts and resources registered (they use neither database nor
    tools, so no runtime is needed)."""
    server = MCPServer(name="sentia-mcp-server")
    register_prompts(server)
    register_resources(server)
    async with Client(server) as opened:
        yield opened


def prompt_text(result: Any) -> str:
    assert [message.role for message in result.messages] == ["user"]
    return result.messages[0].content.text


async def test_both_prompts_are_listed_with_their_arguments(client):
    prompts = {prompt.name: prompt for prompt in (await client.list_prompts()).prompts}
    assert set(prompts) == {"manufacturing-analysis", "working-capital-optimization"}
    analysis = prompts["manufacturing-analysis"]
    assert [(a.name, a.required) for a in analysis.arguments] == [
        ("metric", True),
        ("timeframe", False),
        ("context", False),
    ]
    optimization = prompts["working-capital-optimization"]
    assert [(a.name, a.required) for a in optimization.arguments] == [
        ("current_ccc", False),
        ("target_ccc", True),
        ("constraints", False),
    ]
    assert all(argument.description for prompt in prompts.values() for argument in prompt.arguments)
    assert analysis.description.startswith("Analyse one manufacturing or business metric")


@pytest.mark.parametrize(
    ("metric", "pointed", "not_pointed"),
    [
        ("Quality pass rate of SEN-GIN-70", "quality-records-list", "xero-get-financial-reports"),
        ("cash conversion cycle", "manufacturing-working-capital", "quality-records-list"),
        ("Gin revenue by channel", "shopify-get-orders", "quality-records-list"),
        ("gross margin", "financial_ratios", "amazon-get-orders"),
        ("stock cover", "shopify-get-inventory", "receivables_aging"),
    ],
)
async def test_manufacturing_analysis_points_at_the_tools_that_hold_the_metric(client, metric, pointed, not_pointed):
    text = prompt_text(
        await client.get_prompt(
            "manufacturing-analysis", {"metric": metric, "timeframe": "Q3 2026", "context": "new tonic launched"}
        )
    )
    assert text.startswith(f"Analyse {metric} for Sentia")
    assert "over Q3 2026" in text and "Take into account: new tonic launched" in text
    assert pointed in text and not_pointed not in text
    assert "Start with list-tools" in text and "never fill a gap with an estimate" in text


async def test_an_unrecognised_metric_gets_every_pointer_and_the_default_timeframe(client):
    text = prompt_text(await client.get_prompt("manufacturing-analysis", {"metric": "OEE"}))
    for tool in ("quality-records-list", "manufacturing-working-capital", "xero-analytics", "shopify-get-inventory"):
        assert tool in text
    assert "over the last 12 full months" in text and "Take into account" not in text


@pytest.mark.parametrize(
    ("arguments", "expected"),
    [
        (
            {"target_ccc": "45", "current_ccc": "101"},
            "Bring Sentia's cash conversion cycle from 101 to 45 days, a gap of 56 days.",
        ),
        ({"target_ccc": "45 days"}, "Bring Sentia's cash conversion cycle to 45 days. The current cycle comes from"),
        (
            {"target_ccc": "60", "current_ccc": "52.5d"},
            "Sentia's cash conversion cycle is 52.5 days, already at or below the target of 60 days",
        ),
    ],
)
async def test_working_capital_optimization_states_the_gap_and_the_steps(client, arguments, expected):
    text = prompt_text(
        await client.get_prompt("working-capital-optimization", {**arguments, "constraints": "keep 6 weeks of gin"})
    )
    assert text.startswith(expected)
    target = arguments["target_ccc"].removesuffix(" days")
    assert f"Call manufacturing-working-capital with target_ccc_days={target}" in text
    assert "receivables_aging" in text and "The plan must respect: keep 6 weeks of gin" in text


@pytest.mark.parametrize(
    ("name", "arguments", "message"),
    [
        ("working-capital-optimization", {"target_ccc": "soon"}, "invalid argument 'target_ccc': must be a number of"),
        ("working-capital-optimization", {"target_ccc": "400"}, "must be between -365 and 365 days, not 400"),
        ("working-capital-optimization", {"target_ccc": " "}, "invalid argument 'target_ccc': must not be blank"),
        ("working-capital-optimization", {"target_ccc": "40", "current_ccc": "x"}, "invalid argument 'current_ccc'"),
        ("manufacturing-analysis", {"metric": "  "}, "invalid argument 'metric': must not be blank"),
        ("manufacturing-analysis", {"metric": "m" * 201}, "must be at most 200 characters, not 201"),
        ("manufacturing-analysis", {"metric": "OEE", "timeframe": "t" * 101}, "invalid argument 'timeframe'"),
    ],
)
async def test_bad_prompt_arguments_are_refused_naming_the_argument(client, name, arguments, message):
    with pytest.raises(MCPError) as refused:
        await client.get_prompt(name, arguments)
    assert message in refused.value.error.message


async def test_working_capital_optimization_without_constraints_has_no_constraint_section(client):
    text = prompt_text(await client.get_prompt("working-capital-optimization", {"target_ccc": "-5"}))
    assert text.startswith("Bring Sentia's cash conversion cycle to -5 days.")
    assert "The plan must respect" not in text


async def test_a_missing_required_argument_is_refused(client):
    with pytest.raises(MCPError) as refused:
        await client.get_prompt("working-capital-optimization", {"current_ccc": "80"})
    assert refused.value.error.message == "invalid argument 'target_ccc': is required"
    assert refused.value.error.code == INVALID_PARAMS


async def test_every_tool_a_prompt_names_exists(client):
    texts = [
        prompt_text(await client.get_prompt("manufacturing-analysis", {"metric": "everything"})),
        prompt_text(await client.get_prompt("working-capital-optimization", {"target_ccc": "40"})),
    ]
    named = {name for text in texts for name in TOOL_NAME.findall(text)}
    known = {spec.name for spec in default_registry()} | {spec.name for spec in manufacturing.group.specs}
    assert len(named) >= 12
    assert named <= known, named - known


async def test_every_domain_schema_is_listed_as_a_json_schema_resource(client):
    resources = {str(resource.uri): resource for resource in (await client.list_resources()).resources}
    assert set(resources) == set(SCHEMAS)
    for resource in resources.values():
        assert resource.mime_type == "application/schema+json" and resource.description


@pytest.mark.parametrize("uri", list(SCHEMAS))
async def test_each_schema_is_a_valid_json_schema_with_its_derived_values_read_only(client, uri):
    contents = (await client.read_resource(uri)).contents
    schema = json.loads(contents[0].text)
    Draft202012Validator.check_schema(schema)
    assert (schema["$id"], schema["title"]) == (uri, SCHEMAS[uri].__name__)
    assert "$defs" not in json.dumps(schema) and "$ref" not in json.dumps(schema)
    read_only = {name for name, field in schema["properties"].items() if field.get("readOnly")}
    assert read_only == set(SCHEMAS[uri].model_computed_fields)


async def test_the_quality_record_schema_accepts_a_valid_record_and_its_result_and_refuses_broken_rules(client):
    schema = json.loads((await client.read_resource("sentia://schemas/quality-record")).contents[0].text)
    validator = Draft202012Validator(schema)
    arguments = inspection()
    assert list(validator.iter_errors(arguments)) == []
    produced = QualityRecord.model_validate(arguments).model_dump(mode="json")
    assert list(validator.iter_errors(produced)) == []
    measurement = schema["properties"]["measurements"]["items"]["properties"]
    assert measurement["result"]["enum"] == ["pass", "fail"] and measurement["result"]["readOnly"] is True
    for broken in ({"product_sku": "gin"}, {"measurements": []}, {"signed_off": True}):
        assert list(validator.iter_errors({**arguments, **broken})), broken


async def test_the_money_schema_states_the_currency_format(client):
    schema = json.loads((await client.read_resource("sentia://schemas/money")).contents[0].text)
    assert schema["properties"]["currency"]["pattern"] == "^[A-Z]{3}$"
    assert schema["required"] == ["amount", "currency"] and schema["additionalProperties"] is False
