"""The query cost estimate: how many objects an operation can return, read from its page sizes."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    ListValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValueNode,
    VariableNode,
    get_named_type,
    get_nullable_type,
    is_list_type,
)

# `nodes(ids:)` takes at most this many IDs (schema.MAX_NODES); the estimate for a variable list.
MAX_IDS = 100


class _CostEstimate:
    """The number of objects (composite values) an operation can return at most: each
    object-typed field counts once per parent object; a list counts its expected length.

    Lengths: `first`/`last` of a paginated field (its connection's `edges`/`nodes` lists take
    that page size), the length of `ids` for `nodes(ids:)` (MAX_IDS if unknown), and the default
    page size for any list without them. Fragments are costed once per page size (memoized);
    a fragment that spreads itself counts 0 (NoFragmentCyclesRule refuses the document).
    Introspection fields are not counted."""

    def __init__(
        self,
        schema: GraphQLSchema,
        fragments: Mapping[str, FragmentDefinitionNode],
        variables: Mapping[str, Any],
        default_page_size: int,
        max_ids: int,
    ) -> None:
        self.schema = schema
        self.fragments = fragments
        self.variables = variables
        self.default_page_size = default_page_size
        self.max_ids = max_ids
        self.memo: dict[tuple[str, int | None], int] = {}
        self.active: set[str] = set()
        self.operation_defaults: dict[str, ValueNode] = {}

    def operation(self, operation: OperationDefinitionNode) -> int:
        root = self.schema.get_root_type(operation.operation)
        if root is None:
            return 0
        self.operation_defaults = {
            d.variable.name.value: d.default_value
            for d in operation.variable_definitions or ()
            if d.default_value is not None
        }
        self.memo.clear()
        return self.selection_set(root, operation.selection_set, None)

    def selection_set(
        self, parent: GraphQLNamedType | None, selection_set: SelectionSetNode, page: int | None
    ) -> int:
        total = 0
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                total += self.field(parent, selection, page)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                inner = self.schema.get_type(condition.name.value) if condition else parent
                total += self.selection_set(inner, selection.selection_set, page)
            elif isinstance(selection, FragmentSpreadNode):
                total += self.fragment(selection.name.value, page)
        return total

    def fragment(self, name: str, page: int | None) -> int:
        key = (name, page)
        if key in self.memo:
            return self.memo[key]
        fragment = self.fragments.get(name)
        if fragment is None or name in self.active:
            return 0
        self.active.add(name)
        try:
            on = self.schema.get_type(fragment.type_condition.name.value)
            cost = self.selection_set(on, fragment.selection_set, page)
        finally:
            self.active.discard(name)
        self.memo[key] = cost
        return cost

    def field(self, parent: GraphQLNamedType | None, node: FieldNode, page: int | None) -> int:
        name = node.name.value
        if node.selection_set is None or name.startswith("__"):
            return 0
        if not isinstance(parent, GraphQLObjectType | GraphQLInterfaceType):
            return 0
        definition = parent.fields.get(name)
        if definition is None:
            return 0
        paged = "first" in definition.args or "last" in definition.args
        size = self.page_size(node) if paged else None
        if is_list_type(get_nullable_type(definition.type)):  # type: ignore[arg-type]
            if "ids" in definition.args:
                count = self.ids_length(node)
            elif paged:
                count = size if size is not None else self.default_page_size
            else:
                count = page if page is not None else self.default_page_size
            child_page = None
        else:
            count = 1
            child_page = (size if size is not None else self.default_page_size) if paged else None
        inner = self.selection_set(get_named_type(definition.type), node.selection_set, child_page)
        return count * (1 + inner)

    def argument(self, node: FieldNode, name: str) -> object:
        for argument in node.arguments or ():
            if argument.name.value == name:
                return self.value(argument.value)
        return None

    def value(self, node: ValueNode | None) -> object:
        if isinstance(node, VariableNode):
            name = node.name.value
            if name in self.variables:
                return self.variables[name]
            return self.value(self.operation_defaults.get(name))
        if isinstance(node, IntValueNode):
            return int(node.value)
        if isinstance(node, ListValueNode):
            return list(node.values)
        return None

    def page_size(self, node: FieldNode) -> int | None:
        sizes = [
            max(value, 0)
            for value in (self.argument(node, "first"), self.argument(node, "last"))
            if isinstance(value, int) and not isinstance(value, bool)
        ]
        return max(sizes) if sizes else None

    def ids_length(self, node: FieldNode) -> int:
        ids = self.argument(node, "ids")
        if isinstance(ids, list):
            return len(ids)
        if isinstance(ids, str):  # one ID is coerced to a list of one
            return 1
        return self.max_ids


def estimate_cost(
    schema: GraphQLSchema,
    document_definitions: Any,
    operation: OperationDefinitionNode,
    *,
    variables: Mapping[str, Any] | None = None,
    default_page_size: int = 20,
    max_ids: int = MAX_IDS,
) -> int:
    """The estimated number of objects `operation` can return (see _CostEstimate)."""
    fragments = {
        d.name.value: d for d in document_definitions if isinstance(d, FragmentDefinitionNode)
    }
    estimate = _CostEstimate(schema, fragments, variables or {}, default_page_size, max_ids)
    return estimate.operation(operation)


def cost_problems(
    schema: GraphQLSchema,
    document: DocumentNode,
    variables: Mapping[str, Any] | None,
    *,
    max_cost: int,
    default_page_size: int,
    max_ids: int = MAX_IDS,
) -> list[GraphQLError]:
    """Refusals of the operations whose estimated cost is above `max_cost`."""
    problems: list[GraphQLError] = []
    for operation in document.definitions:
        if not isinstance(operation, OperationDefinitionNode):
            continue
        try:
            cost = estimate_cost(
                schema,
                document.definitions,
                operation,
                variables=variables,
                default_page_size=default_page_size,
                max_ids=max_ids,
            )
        except RecursionError:
            problems.append(GraphQLError("The document is nested too deeply.", operation))
            continue
        if cost > max_cost:
            name = f"'{operation.name.value}'" if operation.name else "The operation"
            problems.append(
                GraphQLError(
                    f"{name} could return up to {cost} objects (its estimated cost); "
                    f"the limit is {max_cost}. Ask for smaller pages (first/last) or "
                    "fewer nested lists.",
                    operation,
                    extensions={"code": "QUERY_TOO_COMPLEX", "cost": cost},
                )
            )
    return problems
