"""Fidelity: every GraphQL document the server sends is valid against the simulator's schema (Shopify's names),
and its requested cost at the page size it is sent with stays under Shopify's single-query limit."""

from __future__ import annotations

import pytest
from graphql import FragmentDefinitionNode, OperationDefinitionNode, parse, validate

from sentia_server.integrations.shopify import documents
from sentia_testkit.simulators.shopify.cost import operation_cost
from sentia_testkit.simulators.shopify.schema import admin_schema


@pytest.mark.parametrize("document", documents.ALL, ids=lambda document: document.name)
def test_each_document_is_valid_against_the_schema(document):
    ast = parse(document.text)
    assert [error.message for error in validate(admin_schema(), ast)] == []
    [operation] = [node for node in ast.definitions if isinstance(node, OperationDefinitionNode)]
    assert operation.name is not None and operation.name.value == document.name
    assert (operation.operation.value == "mutation") is document.mutation


@pytest.mark.parametrize("document", documents.ALL, ids=lambda document: document.name)
def test_each_document_costs_at_most_the_single_query_limit_at_its_page_size(document):
    ast = parse(document.text)
    [operation] = [node for node in ast.definitions if isinstance(node, OperationDefinitionNode)]
    fragments = {node.name.value: node for node in ast.definitions if isinstance(node, FragmentDefinitionNode)}
    variables = {
        "first": document.page_size or 1,
        "lines": documents.ORDER_LINES_PER_PAGE,
        "variants": documents.PRODUCT_VARIANTS_PER_PAGE,
    }
    assert operation_cost(admin_schema(), operation, fragments, variables) <= documents.MAX_QUERY_COST


def test_every_document_is_listed_once():
    names = [document.name for document in documents.ALL]
    assert len(names) == len(set(names))
    defined = [value for value in vars(documents).values() if isinstance(value, documents.Document)]
    assert set(defined) == set(documents.ALL)
