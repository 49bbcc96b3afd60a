from __future__ import annotations

import pytest
from pydantic import BaseModel, Field

from sentia_server.auth.permissions import Permission
from sentia_server.cache import CacheTier
from sentia_server.mcp import default_registry
from sentia_server.tools.context import ToolContext
from sentia_server.tools.registry import ToolCategory, ToolGroup, ToolInput, ToolOutput, ToolRegistry
from sentia_server.tools.schema import inline_refs

# The test tools' own permission table (the server's table lists only the server's tools).
TEST_NAMES = ("test-orders", "Orders", "orders", "test_orders", "test--orders", "-test", "test-loose", "test-silent")


def system_group() -> ToolGroup:
    return ToolGroup(ToolCategory.SYSTEM, permissions=dict.fromkeys(TEST_NAMES, Permission.TOOLS_LIST))


class Item(BaseModel):
    sku: str


class OrderInput(ToolInput):
    items: list[Item] = Field(description="Lines")


class OrderOutput(ToolOutput):
    total: int


def declare(group: ToolGroup, name: str = "test-orders", **options):
    options.setdefault("read_only", True)

    @group.tool(name, title="Orders", **options)
    async def orders(params: OrderInput, ctx: ToolContext) -> OrderOutput:
        """List orders."""
        return OrderOutput(total=len(params.items))

    return group.specs[-1]


def test_declaration_builds_a_complete_spec():
    spec = declare(system_group(), cache_tier=CacheTier.MEDIUM, open_world=True)
    assert (spec.input_model, spec.output_model) == (OrderInput, OrderOutput)
    assert spec.description == "List orders."
    assert spec.annotations.read_only_hint is True
    assert spec.annotations.destructive_hint is False
    assert spec.annotations.idempotent_hint is True
    assert spec.annotations.open_world_hint is True
    assert spec.input_schema["properties"]["items"]["items"]["properties"] == {
        "sku": {"title": "Sku", "type": "string"}
    }


@pytest.mark.parametrize("name", ["Orders", "orders", "test_orders", "test--orders", "-test"])
def test_tool_names_are_hyphenated_lowercase(name: str):
    with pytest.raises(ValueError, match="must be lowercase words joined by hyphens"):
        declare(system_group(), name=name)


def test_write_tools_cannot_be_cached():
    with pytest.raises(ValueError, match="changes data, so it cannot be cached"):
        declare(system_group(), read_only=False, cache_tier=CacheTier.SHORT)


class Loose(BaseModel):
    sku: str


def test_input_models_must_forbid_extra_arguments():
    group = system_group()
    with pytest.raises(ValueError, match="must forbid extra fields"):

        @group.tool("test-loose", title="Loose", read_only=True)
        async def loose(params: Loose, ctx: ToolContext) -> OrderOutput:
            """Loose."""
            return OrderOutput(total=0)


def test_duplicate_names_are_refused():
    group = system_group()
    declare(group)
    declare(group)
    with pytest.raises(ValueError, match="tool 'test-orders' is declared twice"):
        ToolRegistry([group])


def test_the_server_registry_holds_the_system_tools():
    registry = default_registry()
    names = [spec.name for spec in registry]
    assert names[:2] == ["system-status", "list-tools"]
    assert len(names) == len(set(names))
    vendor_categories = {"xero", "shopify", "amazon", "unleashed"}
    assert all(
        spec.name.startswith(f"{spec.category.value}-") for spec in registry if spec.category.value in vendor_categories
    )


def test_recursive_schemas_are_refused_rather_than_looping():
    schema = {"$defs": {"Node": {"properties": {"child": {"$ref": "#/$defs/Node"}}}}, "$ref": "#/$defs/Node"}
    with pytest.raises(ValueError, match="'Node' is recursive"):
        inline_refs(schema)


def test_a_tool_needs_a_description():
    group = system_group()
    with pytest.raises(ValueError, match="needs a description"):

        @group.tool("test-silent", title="Silent", read_only=True)
        async def silent(params: OrderInput, ctx: ToolContext) -> OrderOutput:
            return OrderOutput(total=0)


def test_registry_lookup_by_name():
    registry = default_registry()
    assert registry.get("list-tools") is not None
    assert registry.get("no-such-tool") is None
    assert len(registry) == len(list(registry))
