"""Query cost and the leaky bucket, as Shopify documents them, with one fixed formula so that tests can predict it.

The formula (https://shopify.dev/docs/apps/build/apis/graphql-admin/rate-limits):
- a scalar or enum field costs 0; an object field costs 1 plus its selection; a list of objects that is not a
  connection costs like one object;
- a connection costs 2 plus, for each node, 1 plus the node's selection; `requestedQueryCost` counts `first`
  nodes, `actualQueryCost` the nodes returned (`pageInfo`, `edges` and `cursor` are free);
- each mutation field costs 10 plus its selection;
- a query whose requested cost exceeds 1000 is refused (MAX_COST_EXCEEDED).

The bucket holds `maximum_available` points and refills at `restore_rate` points per second. A query is refused
(THROTTLED) when its requested cost exceeds what is available; otherwise the requested cost is taken and the
difference between requested and actual cost is given back after it ran.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLInt,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    get_named_type,
    is_leaf_type,
    value_from_ast,
)

MUTATION_FIELD_COST = 10
MAX_QUERY_COST = 1000


@dataclass
class CostContext:
    schema: GraphQLSchema
    fragments: Mapping[str, FragmentDefinitionNode]
    variables: Mapping[str, Any]


def operation_cost(
    schema: GraphQLSchema,
    operation: OperationDefinitionNode,
    fragments: Mapping[str, FragmentDefinitionNode],
    variables: Mapping[str, Any],
    data: Mapping[str, Any] | None = None,
) -> int:
    """The requested cost of `operation` (no `data`), or its actual cost given the `data` it returned."""
    context = CostContext(schema, fragments, variables)
    is_mutation = operation.operation is OperationType.MUTATION
    root = schema.mutation_type if is_mutation else schema.query_type
    if root is None:
        return 0
    total = 0
    for node in _fields(operation.selection_set, context):
        definition = root.fields.get(node.name.value)
        if definition is None:
            continue
        value = _child(data, node) if data is not None else None
        if is_mutation:
            named = get_named_type(definition.type)
            sub = _selection_cost(node.selection_set, named, value, data is not None, context)
            total += MUTATION_FIELD_COST + sub
        else:
            total += _field_cost(node, root, value, data is not None, context)
    return total


def _fields(selection_set: SelectionSetNode | None, context: CostContext) -> list[FieldNode]:
    """The fields of a selection set, with fragments expanded (the schema has no interfaces or unions)."""
    found: list[FieldNode] = []
    if selection_set is None:
        return found
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            found.append(selection)
        elif isinstance(selection, InlineFragmentNode):
            found.extend(_fields(selection.selection_set, context))
        elif isinstance(selection, FragmentSpreadNode):
            fragment = context.fragments.get(selection.name.value)
            if fragment is not None:
                found.extend(_fields(fragment.selection_set, context))
    return found


def _child(data: Any, node: FieldNode) -> Any:
    key = node.alias.value if node.alias else node.name.value
    return data.get(key) if isinstance(data, Mapping) else None


def _selection_cost(
    selection_set: SelectionSetNode | None, parent: Any, data: Any, actual: bool, context: CostContext
) -> int:
    if not isinstance(parent, GraphQLObjectType):
        return 0
    if actual and isinstance(data, list):
        return max((_selection_cost(selection_set, parent, item, actual, context) for item in data), default=0)
    return sum(
        _field_cost(node, parent, _child(data, node) if actual else None, actual, context)
        for node in _fields(selection_set, context)
    )


def _field_cost(node: FieldNode, parent: GraphQLObjectType, data: Any, actual: bool, context: CostContext) -> int:
    definition = parent.fields.get(node.name.value)
    if definition is None:
        return 0
    named = get_named_type(definition.type)
    if is_leaf_type(named):
        return 0
    if named.name.endswith("Connection") and isinstance(named, GraphQLObjectType):
        return 2 + _connection_nodes_cost(node, named, data, actual, context)
    if actual and data is None:
        return 1
    return 1 + _selection_cost(node.selection_set, named, data, actual, context)


def _connection_nodes_cost(
    node: FieldNode, connection: GraphQLObjectType, data: Any, actual: bool, context: CostContext
) -> int:
    requested = _first_argument(node, context)
    costs: list[int] = []
    for part in _fields(node.selection_set, context):
        if part.name.value == "nodes":
            node_type = get_named_type(connection.fields["nodes"].type)
            items = _child(data, part) if actual else None
            costs.append(_per_node(part.selection_set, node_type, items, requested, actual, context))
        elif part.name.value == "edges":
            edge_type = get_named_type(connection.fields["edges"].type)
            assert isinstance(edge_type, GraphQLObjectType)
            node_type = get_named_type(edge_type.fields["node"].type)
            edges = _child(data, part) if actual else None
            for inner in _fields(part.selection_set, context):
                if inner.name.value == "node":
                    items = [_child(edge, inner) for edge in edges or []] if actual else None
                    costs.append(_per_node(inner.selection_set, node_type, items, requested, actual, context))
    return max(costs, default=0)


def _per_node(
    selection_set: SelectionSetNode | None,
    node_type: Any,
    items: list[Any] | None,
    requested: int,
    actual: bool,
    context: CostContext,
) -> int:
    if actual:
        return sum(1 + _selection_cost(selection_set, node_type, item, True, context) for item in items or [])
    return requested * (1 + _selection_cost(selection_set, node_type, None, False, context))


def _first_argument(node: FieldNode, context: CostContext) -> int:
    for argument in node.arguments or ():
        if argument.name.value == "first":
            value = value_from_ast(argument.value, GraphQLInt, dict(context.variables))
            return value if isinstance(value, int) and value > 0 else 0
    return 0


@dataclass
class LeakyBucket:
    """One shop's query-cost bucket for the app: `maximum_available` points, refilled at `restore_rate` per second."""

    maximum_available: float
    restore_rate: float
    clock: Callable[[], float]
    available: float = field(init=False)
    _updated: float = field(init=False)

    def __post_init__(self) -> None:
        self.available = self.maximum_available
        self._updated = self.clock()

    def _refill(self) -> None:
        now = self.clock()
        self.available = min(self.maximum_available, self.available + (now - self._updated) * self.restore_rate)
        self._updated = now

    def take(self, cost: int) -> bool:
        """Take `cost` points if they are available; False (nothing taken) when the query must be throttled."""
        self._refill()
        if cost > self.available:
            return False
        self.available -= cost
        return True

    def refund(self, points: int) -> None:
        self._refill()
        self.available = min(self.maximum_available, self.available + max(points, 0))

    def set_available(self, points: float) -> None:
        """Empty or fill the bucket (tests use it to provoke throttling)."""
        self._refill()
        self.available = max(0.0, min(points, self.maximum_available))

    def status(self) -> dict[str, float]:
        self._refill()
        return {
            "maximumAvailable": float(self.maximum_available),
            "currentlyAvailable": float(round(self.available, 1)),
            "restoreRate": float(self.restore_rate),
        }
