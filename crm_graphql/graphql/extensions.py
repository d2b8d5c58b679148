"""Schema extensions: request-scoped resources, SQL statistics in debug mode, error codes."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Iterator
from typing import Any

from graphql import (
    ExecutionResult,
    FieldNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
)
from starlette.responses import Response
from strawberry.extensions import SchemaExtension
from strawberry.types.graphql import OperationType

from crm_graphql.core.db import StatementStats, current_stats
from crm_graphql.core.errors import BadRequestError
from crm_graphql.graphql.context import Context
from crm_graphql.graphql.executor.batched import execute_batched
from crm_graphql.platform.auth.permissions import ROOT_FIELDS, Access


class RequestResources(SchemaExtension):
    """Gives each operation fresh loaders."""

    def on_operation(self) -> Iterator[None]:
        context = self.execution_context.context
        if isinstance(context, Context):
            context.fresh_loaders()
        yield


class BatchedExecution(SchemaExtension):
    """Runs queries with the batched executor (batched.py) when it can; graphql-core runs the
    rest, and anything another extension already answered."""

    async def on_execute(self) -> AsyncIterator[None]:  # type: ignore[override]
        execution = self.execution_context
        context = execution.context
        if (
            execution.result is None
            and execution.operation_type is OperationType.QUERY
            and isinstance(context, Context)
        ):
            operation = selected_operation(execution.graphql_document, execution.operation_name)
            if operation is not None:
                data = await execute_batched(
                    execution.schema,
                    execution.graphql_document,
                    operation,
                    execution.variables,
                    context,
                )
                if data is not None:
                    execution.result = ExecutionResult(data=data, errors=None)
        yield


class ErrorCodes(SchemaExtension):
    """Tags client mistakes (bad cursors, page sizes, filters) as BAD_USER_INPUT."""

    def on_execute(self) -> Any:
        yield
        result = self.execution_context.result
        if result is None or not result.errors:
            return
        for error in result.errors:
            if isinstance(error.original_error, BadRequestError):
                error.extensions = {**(error.extensions or {}), "code": "BAD_USER_INPUT"}


class SqlStatistics(SchemaExtension):
    """With CRM_DEBUG=1: `extensions.sql { statements, ms }` on every response."""

    def on_operation(self) -> Any:
        self._stats = StatementStats()
        self._token = current_stats.set(self._stats)
        self._started = time.perf_counter()
        yield
        current_stats.reset(self._token)

    def get_results(self) -> dict[str, Any]:
        return {
            "sql": {
                "statements": self._stats.statements,
                "ms": round(self._stats.seconds * 1000, 3),
            }
        }


def is_request_error(error: GraphQLError) -> bool:
    """Errors of the document itself (syntax, validation): they carry no path."""
    return error.path is None


def root_fields(document: Any, operation: OperationDefinitionNode) -> set[str]:
    """Names of the root fields an operation selects, through fragments too."""
    fragments = {d.name.value: d for d in document.definitions if hasattr(d, "type_condition")}
    names: set[str] = set()
    seen: set[str] = set()

    def walk(selection_set: SelectionSetNode) -> None:
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                names.add(selection.name.value)
            elif isinstance(selection, InlineFragmentNode):
                walk(selection.selection_set)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                if name not in seen and name in fragments:
                    seen.add(name)
                    walk(fragments[name].selection_set)

    walk(operation.selection_set)
    return names


def _error(message: str, code: str) -> ExecutionResult:
    return ExecutionResult(data=None, errors=[GraphQLError(message, extensions={"code": code})])


def selected_operation(document: Any, name: str | None) -> OperationDefinitionNode | None:
    for definition in document.definitions if document is not None else ():
        if isinstance(definition, OperationDefinitionNode) and (
            name is None or (definition.name is not None and definition.name.value == name)
        ):
            return definition
    return None


INTROSPECTION = frozenset({"__typename", "__schema", "__type"})


class Authorization(SchemaExtension):
    """Finds the viewer of the bearer token and lets an operation run only if it may use every
    root field it selects (ROOT_FIELDS; unlisted fields are denied). Forbidden mutations answer
    in their payload instead, through `mutate`, like any other user error."""

    async def on_execute(self) -> AsyncIterator[None]:  # type: ignore[override]
        execution = self.execution_context
        ctx = execution.context
        token = ctx.bearer_token()
        if token is not None:
            ctx.viewer = await ctx.resources.viewers.viewer(ctx.reader, token)
            ctx.authenticated_at = time.monotonic()
        document = execution.graphql_document
        operation = selected_operation(document, execution.operation_name)
        fields = root_fields(document, operation) - INTROSPECTION if operation else set()
        needs = {name: ROOT_FIELDS.get(name) for name in fields}
        if ctx.viewer is None and any(need is not Access.PUBLIC for need in needs.values()):
            if isinstance(ctx.response, Response):
                ctx.response.status_code = 401
            message = (
                "Sign in first: send `Authorization: Bearer <token>` (`login` gives one)."
                if token is None
                else "The token is unknown, expired or revoked."
            )
            execution.result = _error(message, "UNAUTHENTICATED")
        elif ctx.viewer is not None and execution.operation_type is not OperationType.MUTATION:
            denied = sorted(
                n for n, need in needs.items() if need is None or not ctx.viewer.can(need)
            )
            if denied:
                if isinstance(ctx.response, Response):
                    ctx.response.status_code = 403
                execution.result = _error(
                    f"Your role may not use {', '.join(denied)}.", "FORBIDDEN"
                )
        yield
