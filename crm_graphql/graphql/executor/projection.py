"""Projection for the batched executor: which columns of its objects a relation's selection
reads, so its batch function loads only those (data/projection.py)."""

from __future__ import annotations

from graphql import (
    FieldNode,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLOutputType,
    SelectionSetNode,
    get_named_type,
)
from strawberry.schema.schema_converter import GraphQLCoreConverter
from strawberry.types.field import StrawberryField

from crm_graphql.data.projection import attributes_read, columns_of
from crm_graphql.graphql.executor.selections import Selections

BACKREF = GraphQLCoreConverter.DEFINITION_BACKREF


def wanted(
    selections: Selections, type_: GraphQLOutputType, nodes: list[FieldNode]
) -> frozenset[str] | None:
    """The columns of the objects a relation field returns that its selection reads (a
    connection's: those of its nodes), or None for whole rows (data/projection.py)."""
    named = get_named_type(type_)
    if not isinstance(named, GraphQLObjectType):
        return None
    selection_sets = [n.selection_set for n in nodes if n.selection_set]
    if not {"edges", "nodes"} <= named.fields.keys():
        return _columns(selections, named, selection_sets)
    item: GraphQLNamedType | None = None
    item_selections: list[SelectionSetNode] = []
    for field_nodes in selections.collect(named, selection_sets).values():
        name = field_nodes[0].name.value
        inner = [n.selection_set for n in field_nodes if n.selection_set]
        if name == "nodes":
            item = get_named_type(named.fields[name].type)
            item_selections += inner
        elif name == "edges":
            edge = get_named_type(named.fields[name].type)
            if not isinstance(edge, GraphQLObjectType):
                return None
            for edge_nodes in selections.collect(edge, inner).values():
                if edge_nodes[0].name.value == "node":
                    item = get_named_type(edge.fields["node"].type)
                    item_selections += [n.selection_set for n in edge_nodes if n.selection_set]
    if item is None:  # counts and page info only
        return frozenset()
    if not isinstance(item, GraphQLObjectType):
        return None
    return _columns(selections, item, item_selections)


def _columns(
    selections: Selections, type_: GraphQLObjectType, selection_sets: list[SelectionSetNode]
) -> frozenset[str] | None:
    definition = type_.extensions.get(BACKREF)
    model = getattr(getattr(definition, "origin", None), "__model__", None)
    if model is None:
        return None
    attributes: set[str] = set()
    for field_nodes in selections.collect(type_, selection_sets).values():
        name = field_nodes[0].name.value
        if name == "__typename":
            continue
        field = type_.fields.get(name)
        strawberry_field = field.extensions.get(BACKREF) if field else None
        if not isinstance(strawberry_field, StrawberryField):
            return None
        resolver = strawberry_field.base_resolver
        if resolver is None:
            attributes.add(strawberry_field.python_name)
            continue
        read = attributes_read(resolver.wrapped_func)  # type: ignore[arg-type]
        if read is None:
            return None
        attributes |= read
    return columns_of(model.__table__, attributes)
