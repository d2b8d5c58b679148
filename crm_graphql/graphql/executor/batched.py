"""Batched execution of queries: level by level over lists of objects, not field by field.

graphql-core completes a result one field of one object at a time, and every async resolver
costs a coroutine, a task and a future: a dashboard query with 100 customers, 1,000 orders and
3,000 items makes about 9,000 of them. This executor walks the same selection a level at a
time: each field is resolved once for all the objects of its level (relations through their
batch functions, see connections.py), and leaf values are serialized by the schema's own
scalars and enums. The data is the same as graphql-core's; the SQL is the same too, as both
go through the request's loaders.

Only what it is sure to do alike is run here: queries whose fields are plain attributes,
resolvers, or relations, with no directives but @skip/@include. Anything else, and every
error (a refused argument, a null where the schema promises a value), goes back to
graphql-core, which produces the response (and its errors) the ordinary way. Queries read
only, so running one again is harmless.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

from graphql import (
    BooleanValueNode,
    DirectiveNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLAbstractType,
    GraphQLBoolean,
    GraphQLField,
    GraphQLID,
    GraphQLInt,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLSchema,
    GraphQLString,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    VariableNode,
    get_argument_values,
    get_named_type,
    get_variable_values,
    is_leaf_type,
    is_list_type,
    is_non_null_type,
    is_object_type,
)
from graphql.execution.values import VariableValues
from strawberry.schema.schema_converter import GraphQLCoreConverter
from strawberry.types.arguments import convert_arguments
from strawberry.types.field import StrawberryField

from crm_graphql.data.projection import WANTED, attributes_read, columns_of
from crm_graphql.graphql.context import Context

logger = logging.getLogger(__name__)
BACKREF = GraphQLCoreConverter.DEFINITION_BACKREF
BATCH_ATTRIBUTE = "__crm_batch__"
Fields = dict[str, list[FieldNode]]  # response key -> the field nodes merged under it


class NotBatchable(Exception):
    """This operation (or this part of it) is left to graphql-core."""


# A field's resolver for many parents at once: (context, parents, **arguments) -> one value per
# parent, in order.
Batch = Callable[..., Awaitable[list[Any]]]


def batch_of(resolver: object) -> Batch | None:
    found = getattr(resolver, BATCH_ATTRIBUTE, None)
    return found if callable(found) else None


@dataclass(frozen=True, slots=True)
class ResolverInfo:
    """What our resolvers read from `info` when this executor calls them: the context and
    the field's name (mutations are never run here)."""

    context: Context
    field_name: str


class Execution:
    def __init__(
        self,
        schema: GraphQLSchema,
        strawberry_schema: Any,
        document: Any,
        operation: OperationDefinitionNode,
        variables: VariableValues,
        context: Context,
    ) -> None:
        self.schema = schema
        self.strawberry_schema = strawberry_schema
        self.fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        self.operation = operation
        self.variables = variables
        self.context = context

    async def run(self) -> dict[str, Any]:
        root = self.schema.query_type
        assert root is not None
        fields = self.collect(root, [self.operation.selection_set])
        (data,) = await self.resolve_fields(root, [None], fields)
        return data

    # --- selections -----------------------------------------------------------------------

    def collect(
        self, runtime: GraphQLObjectType, selection_sets: Sequence[SelectionSetNode]
    ) -> Fields:
        fields: Fields = {}
        visited: set[str] = set()
        for selection_set in selection_sets:
            self._collect(runtime, selection_set, fields, visited)
        return fields

    def _collect(
        self,
        runtime: GraphQLObjectType,
        selection_set: SelectionSetNode,
        fields: Fields,
        visited: set[str],
    ) -> None:
        for selection in selection_set.selections:
            if not self._included(selection.directives or ()):
                continue
            if isinstance(selection, FieldNode):
                key = (selection.alias or selection.name).value
                fields.setdefault(key, []).append(selection)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                if condition is None or self._applies(condition.name.value, runtime):
                    self._collect(runtime, selection.selection_set, fields, visited)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = self.fragments.get(name)
                if name in visited or fragment is None:
                    continue
                visited.add(name)
                if self._applies(fragment.type_condition.name.value, runtime):
                    self._collect(runtime, fragment.selection_set, fields, visited)

    def _applies(self, type_name: str, runtime: GraphQLObjectType) -> bool:
        if type_name == runtime.name:
            return True
        condition = self.schema.get_type(type_name)
        if isinstance(condition, GraphQLAbstractType):  # type: ignore[misc,arg-type]
            return self.schema.is_sub_type(condition, runtime)  # type: ignore[arg-type]
        return False

    def _included(self, directives: Sequence[DirectiveNode]) -> bool:
        included = True
        for directive in directives:
            name = directive.name.value
            if name not in {"skip", "include"}:
                raise NotBatchable(f"directive @{name}")
            (argument,) = directive.arguments or ()
            value = argument.value
            if isinstance(value, VariableNode):
                flag = self.variables.coerced.get(value.name.value)
            elif isinstance(value, BooleanValueNode):
                flag = value.value
            else:
                raise NotBatchable("directive argument")
            included = included and (not flag if name == "skip" else bool(flag))
        return included

    # --- resolving --------------------------------------------------------------------------

    async def resolve_fields(
        self, parent_type: GraphQLObjectType, objects: Sequence[Any], fields: Fields
    ) -> list[dict[str, Any]]:
        results: list[dict[str, Any]] = [{} for _ in objects]
        for key, nodes in fields.items():
            name = nodes[0].name.value
            if name == "__typename":
                for result in results:
                    result[key] = parent_type.name
                continue
            field = parent_type.fields.get(name)
            if field is None:  # introspection (__schema, __type)
                raise NotBatchable(name)
            values = await self.resolve(field, nodes, objects)
            completed = await self.complete(field.type, nodes, values)
            for result, value in zip(results, completed, strict=True):
                result[key] = value
        return results

    async def resolve(
        self, field: GraphQLField, nodes: list[FieldNode], objects: Sequence[Any]
    ) -> list[Any]:
        node = nodes[0]
        definition = field.extensions.get(BACKREF)
        if not isinstance(definition, StrawberryField) or definition.extensions:
            raise NotBatchable("field")
        if getattr(definition, "permission_classes", None):
            raise NotBatchable("permissions")
        resolver = definition.base_resolver
        if resolver is None:
            name = definition.python_name
            return [getattr(o, name) for o in objects]
        kwargs = convert_arguments(
            get_argument_values(field, node, self.variables),
            definition.arguments,
            scalar_registry=self.strawberry_schema.schema_converter.scalar_registry,
            config=self.strawberry_schema.config,
        )
        batch = batch_of(resolver.wrapped_func)
        if batch is not None:
            token = WANTED.set(self.wanted(field.type, nodes))
            try:
                return await batch(self.context, objects, **kwargs)
            finally:
                WANTED.reset(token)
        if resolver.parent_parameter or resolver.root_parameter:
            raise NotBatchable("parent parameter")
        if resolver.info_parameter:
            kwargs[resolver.info_parameter.name] = ResolverInfo(self.context, node.name.value)
        function: Callable[..., Any] = resolver.wrapped_func  # type: ignore[assignment]
        if resolver.self_parameter:
            values = [function(o, **kwargs) for o in objects]
        else:
            values = [function(**kwargs) for _ in objects]
        if resolver.is_async:
            results = await asyncio.gather(*values, return_exceptions=True)
            for result in results:
                if isinstance(result, BaseException):
                    raise result
            return results
        if any(inspect.isawaitable(v) for v in values):
            raise NotBatchable("awaitable from a sync resolver")
        return values

    # --- projection -------------------------------------------------------------------------

    def wanted(self, type_: GraphQLOutputType, nodes: list[FieldNode]) -> frozenset[str] | None:
        """The columns of the objects a relation field returns that its selection reads (a
        connection's: those of its nodes), or None for whole rows (projection.py)."""
        named = get_named_type(type_)
        if not isinstance(named, GraphQLObjectType):
            return None
        selections = [n.selection_set for n in nodes if n.selection_set]
        if not {"edges", "nodes"} <= named.fields.keys():
            return self._columns(named, selections)
        item: GraphQLNamedType | None = None
        item_selections: list[SelectionSetNode] = []
        for field_nodes in self.collect(named, selections).values():
            name = field_nodes[0].name.value
            inner = [n.selection_set for n in field_nodes if n.selection_set]
            if name == "nodes":
                item = get_named_type(named.fields[name].type)
                item_selections += inner
            elif name == "edges":
                edge = get_named_type(named.fields[name].type)
                if not isinstance(edge, GraphQLObjectType):
                    return None
                for edge_nodes in self.collect(edge, inner).values():
                    if edge_nodes[0].name.value == "node":
                        item = get_named_type(edge.fields["node"].type)
                        item_selections += [n.selection_set for n in edge_nodes if n.selection_set]
        if item is None:  # counts and page info only
            return frozenset()
        if not isinstance(item, GraphQLObjectType):
            return None
        return self._columns(item, item_selections)

    def _columns(
        self, type_: GraphQLObjectType, selections: list[SelectionSetNode]
    ) -> frozenset[str] | None:
        definition = type_.extensions.get(BACKREF)
        model = getattr(getattr(definition, "origin", None), "__model__", None)
        if model is None:
            return None
        attributes: set[str] = set()
        for field_nodes in self.collect(type_, selections).values():
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

    # --- completing -------------------------------------------------------------------------

    async def complete(
        self, type_: GraphQLOutputType, nodes: list[FieldNode], values: Sequence[Any]
    ) -> list[Any]:
        if is_non_null_type(type_):
            if any(v is None for v in values):
                raise NotBatchable("null for a non-null field")
            return await self.complete(type_.of_type, nodes, values)  # type: ignore[union-attr]
        present = [v for v in values if v is not None]
        if len(present) == len(values):
            return await self._complete_present(type_, nodes, present)
        completed = iter(await self._complete_present(type_, nodes, present))
        return [None if v is None else next(completed) for v in values]

    async def _complete_present(
        self, type_: GraphQLOutputType, nodes: list[FieldNode], values: list[Any]
    ) -> list[Any]:
        if is_leaf_type(type_):
            if _already_serialized(type_, values):
                return values
            serialize = type_.serialize  # type: ignore[union-attr]
            out = [serialize(v) for v in values]
            if any(v is None for v in out):
                raise NotBatchable("a value its scalar cannot serialize")
            return out
        if is_list_type(type_):
            item_type = type_.of_type  # type: ignore[union-attr]
            if any(isinstance(v, str | bytes | dict) for v in values):
                raise NotBatchable("not a list")
            lists = [list(v) for v in values]
            flat = [item for items in lists for item in items]
            completed = await self.complete(item_type, nodes, flat)
            out, start = [], 0
            for items in lists:
                out.append(completed[start : start + len(items)])
                start += len(items)
            return out
        if is_object_type(type_):
            fields = self.collect(type_, [n.selection_set for n in nodes if n.selection_set])  # type: ignore[arg-type]
            return await self.resolve_fields(type_, values, fields)  # type: ignore[arg-type]
        if isinstance(type_, GraphQLAbstractType):  # type: ignore[misc,arg-type]
            return await self._complete_abstract(nodes, values)
        raise NotBatchable(str(type_))

    async def _complete_abstract(self, nodes: list[FieldNode], values: list[Any]) -> list[Any]:
        """Interfaces and unions: each object completes as its own type."""
        groups: dict[str, list[int]] = {}
        for index, value in enumerate(values):
            definition = getattr(type(value), "__strawberry_definition__", None)
            if definition is None:
                raise NotBatchable("untyped object")
            groups.setdefault(definition.name, []).append(index)
        out: list[Any] = [None] * len(values)
        for type_name, indexes in groups.items():
            runtime = self.schema.get_type(type_name)
            if not isinstance(runtime, GraphQLObjectType):
                raise NotBatchable(type_name)
            fields = self.collect(runtime, [n.selection_set for n in nodes if n.selection_set])
            completed = await self.resolve_fields(runtime, [values[i] for i in indexes], fields)
            for index, value in zip(indexes, completed, strict=True):
                out[index] = value
        return out


_NATIVE: dict[Any, type] = {
    GraphQLString: str,
    GraphQLID: str,
    GraphQLInt: int,
    GraphQLBoolean: bool,
}
_INT_RANGE = range(-(2**31), 2**31)


def _already_serialized(type_: Any, values: list[Any]) -> bool:
    """Strings, IDs, booleans and 32-bit ints that graphql-core would return unchanged."""
    native = _NATIVE.get(type_)
    if native is None or any(type(v) is not native for v in values):
        return False
    return native is not int or all(v in _INT_RANGE for v in values)


async def execute_batched(
    strawberry_schema: Any,
    document: Any,
    operation: OperationDefinitionNode,
    raw_variables: dict[str, Any] | None,
    context: Context,
) -> dict[str, Any] | None:
    """The query's data, or None when it must go through graphql-core."""
    schema: GraphQLSchema = strawberry_schema._schema
    variables = get_variable_values(
        schema, operation.variable_definitions or (), raw_variables or {}
    )
    if not isinstance(variables, VariableValues):
        return None
    execution = Execution(schema, strawberry_schema, document, operation, variables, context)
    try:
        return await execution.run()
    except NotBatchable as reason:
        logger.debug("batched execution declined: %s", reason)
    except Exception:
        logger.debug("batched execution failed; graphql-core takes over", exc_info=True)
    return None
