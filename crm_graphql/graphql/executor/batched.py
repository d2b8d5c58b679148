"""Batched execution of queries: level by level over lists of objects, not field by field.

graphql-core completes a result one field of one object at a time, and every async resolver
costs a coroutine, a task and a future: a dashboard query with 100 customers, 1,000 orders and
3,000 items makes about 9,000 of them. This executor walks the same selection a level at a
time: each field is resolved once for all the objects of its level (relations through their
batch functions, see fields.py), and leaf values are serialized by the schema's own
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
    FieldNode,
    GraphQLAbstractType,
    GraphQLBoolean,
    GraphQLField,
    GraphQLID,
    GraphQLInt,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLSchema,
    GraphQLString,
    OperationDefinitionNode,
    get_argument_values,
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

from crm_graphql.data.projection import WANTED
from crm_graphql.graphql.context import Context
from crm_graphql.graphql.executor.projection import wanted
from crm_graphql.graphql.executor.selections import Fields, NotBatchable, Selections

logger = logging.getLogger(__name__)
BACKREF = GraphQLCoreConverter.DEFINITION_BACKREF
BATCH_ATTRIBUTE = "__crm_batch__"

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
        self.selections = Selections(schema, document, variables)
        self.operation = operation
        self.variables = variables
        self.context = context

    async def run(self) -> dict[str, Any]:
        root = self.schema.query_type
        assert root is not None
        fields = self.selections.collect(root, [self.operation.selection_set])
        (data,) = await self.resolve_fields(root, [None], fields)
        return data

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
            token = WANTED.set(wanted(self.selections, field.type, nodes))
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
            fields = self.selections.collect(
                type_, [n.selection_set for n in nodes if n.selection_set]
            )  # type: ignore[arg-type]
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
            fields = self.selections.collect(
                runtime, [n.selection_set for n in nodes if n.selection_set]
            )
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
