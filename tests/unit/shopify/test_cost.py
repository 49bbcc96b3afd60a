"""The simulator's cost formula on documents the server does not send: fragments, aliases, unknown fields."""

from __future__ import annotations

from graphql import FragmentDefinitionNode, OperationDefinitionNode, build_schema, parse

from sentia_testkit.simulators.shopify.cost import operation_cost
from sentia_testkit.simulators.shopify.schema import admin_schema


def cost(source: str, variables=None, data=None, schema=None) -> int:
    document = parse(source)
    [operation] = [node for node in document.definitions if isinstance(node, OperationDefinitionNode)]
    fragments = {node.name.value: node for node in document.definitions if isinstance(node, FragmentDefinitionNode)}
    return operation_cost(schema or admin_schema(), operation, fragments, variables or {}, data)


def test_fragments_and_inline_fragments_count_like_the_fields_they_hold():
    spread = cost("query { shop { ...S } } fragment S on Shop { name }")
    inline = cost("query { shop { ... on Shop { name } } }")
    assert spread == inline == cost("query { shop { name } }") == 1
    assert cost("query { shop { ...Missing } }") == 1


def test_unknown_fields_and_typename_cost_nothing():
    assert cost("query { nothing __typename shop { __typename } }") == 1
    assert cost("mutation { nothing }") == 0
    assert cost("mutation { a }", schema=build_schema("type Query { a: Int }")) == 0


def test_actual_cost_follows_aliases_lists_and_nulls():
    source = 'query { a: product(id: "1") { title seo { title } } b: product(id: "2") { title } }'
    assert cost(source) == 3
    assert cost(source, data={"a": {"title": "x", "seo": None}, "b": None}) == 3
    lists = (
        'mutation { productVariantsBulkUpdate(productId: "1", variants: []) { productVariants { product { id } } } }'
    )
    assert cost(lists) == 10 + 2
    assert (
        cost(
            lists,
            data={"productVariantsBulkUpdate": {"productVariants": [{"product": {"id": "1"}}, {"product": None}]}},
        )
        == 10 + 1 + 1
    )


def test_connections_count_edges_or_nodes_whichever_is_larger():
    source = (
        "query($n: Int) { orders(first: $n) { edges { cursor node { customer { id } } } nodes { id } "
        "pageInfo { hasNextPage } } }"
    )
    assert cost(source, {"n": 10}) == 2 + 10 * 2
    assert cost(source, {"n": None}) == 2
    data = {"orders": {"edges": [{"node": {"customer": None}}, {"node": {"customer": {"id": "c"}}}], "nodes": [{}, {}]}}
    assert cost(source, {"n": 10}, data) == 2 + 2 * 2
