"""The fragment guard: unknown, circular and exploding fragments refused before any
validation rule walks them."""

from __future__ import annotations

from dataclasses import dataclass

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    Node,
    OperationDefinitionNode,
    SelectionSetNode,
)

# Selection sets nested in one another, counted through fragment spreads (graphql-core's
# parser allows 200 within one definition; its validation checks this only after the rules
# are built, and Strawberry's limiters do their work while being built).
MAX_NESTING = 100


@dataclass(frozen=True, slots=True)
class _Body:
    """A selection set without its spreads inlined: its selections, its nesting, and its
    fragment spreads with the nesting at which each occurs."""

    size: int
    nesting: int
    spreads: tuple[tuple[str, int], ...]


def _body(selection_set: SelectionSetNode) -> _Body:
    """Walks a body iteratively (no recursion limit to hit)."""
    size = nesting = 0
    spreads: list[tuple[str, int]] = []
    stack = [(selection_set, 1)]
    while stack:
        current, depth = stack.pop()
        nesting = max(nesting, depth)
        for selection in current.selections:
            size += 1
            if isinstance(selection, FragmentSpreadNode):
                spreads.append((selection.name.value, depth))
            elif (
                isinstance(selection, FieldNode | InlineFragmentNode)
                and selection.selection_set is not None
            ):
                stack.append((selection.selection_set, depth + 1))
    return _Body(size, nesting, tuple(spreads))


def fragment_problems(document: DocumentNode, max_size: int) -> list[GraphQLError]:
    """What makes walking a document through its fragments unsafe: unknown fragments,
    cycles, nesting above MAX_NESTING, and an expansion (every spread inlined) above
    `max_size` selections, which a few short fragments that each spread the next one twice
    reach exponentially. Strawberry's depth and alias limiters walk every spread without
    memo, recurse, and fail on unknown fragments; this runs before them."""
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    bodies: dict[Node, _Body] = {
        node: _body(node.selection_set) for node in [*fragments.values(), *operations]
    }
    for node, body in bodies.items():
        for name, _ in body.spreads:
            if name not in fragments:
                return [GraphQLError(f"Unknown fragment '{name}'.", node)]

    # Sizes and nestings with every spread inlined, in dependency order (iterative DFS).
    size: dict[str, int] = {}
    nesting: dict[str, int] = {}

    def measure(body: _Body) -> tuple[int, int]:
        total = body.size + sum(size[name] for name, _ in body.spreads)
        deepest = max([body.nesting, *(depth + nesting[name] for name, depth in body.spreads)])
        return min(total, max_size + 1), min(deepest, MAX_NESTING + 1)

    for root in fragments:
        if root in size:
            continue
        path = [root]
        pending = [iter(bodies[fragments[root]].spreads)]
        while path:
            child = next((name for name, _ in pending[-1] if name not in size), None)
            if child is None:
                done = path.pop()
                pending.pop()
                size[done], nesting[done] = measure(bodies[fragments[done]])
            elif child in path:
                cycle = " -> ".join([*path[path.index(child) :], child])
                message = f"Cannot spread fragment '{child}' within itself ({cycle})."
                return [GraphQLError(message, fragments[child])]
            else:
                path.append(child)
                pending.append(iter(bodies[fragments[child]].spreads))

    total = 0
    for operation in operations:
        operation_size, operation_nesting = measure(bodies[operation])
        if operation_nesting > MAX_NESTING:
            message = f"The document nests more than {MAX_NESTING} selection sets deep."
            return [GraphQLError(message, operation)]
        total += operation_size
    if total > max_size:
        message = (
            f"The document has more than {max_size} selections once its fragments are "
            "inlined; spread fewer fragments."
        )
        return [GraphQLError(message, extensions={"code": "QUERY_TOO_COMPLEX"})]
    return []
