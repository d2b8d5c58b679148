"""Schema extensions: request-scoped resources, batched execution, SQL statistics in debug
mode, error codes. The platform adds its own (platform/auth/extension.py); app/schema.py
assembles them."""

from __future__ import annotations

import re
import time
from collections.abc import AsyncIterator, Iterator
from typing import Any

from graphql import (
    ExecutionResult,
    GraphQLError,
    OperationDefinitionNode,
)
from starlette.websockets import WebSocket
from strawberry.extensions import SchemaExtension
from strawberry.types.graphql import OperationType

from crm_graphql.core.db import StatementStats, current_stats
from crm_graphql.core.errors import BadRequestError
from crm_graphql.graphql.context import Context
from crm_graphql.graphql.executor.batched import execute_batched


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
    """Tags client mistakes (bad cursors, page sizes, filters) as BAD_USER_INPUT, and so
    graphql-core's refusal of an argument value at run time: an explicit null sent in a
    variable for a non-null argument that has a default (`includeDeleted: $d` with `$d: null`)
    passes validation, as the spec says, and fails only when the field runs."""

    def on_execute(self) -> Any:
        yield
        result = self.execution_context.result
        if result is None or not result.errors:
            return
        for error in result.errors:
            original = error.original_error
            if isinstance(original, BadRequestError):
                code = original.code
            elif error.path is not None and _ARGUMENT.match(error.message):
                code = "BAD_USER_INPUT"
            else:
                continue
            error.extensions = {**(error.extensions or {}), "code": code}


_ARGUMENT = re.compile(r"Argument '[^']+' has invalid value")


class HttpSubscriptions(SchemaExtension):
    """Refuses a subscription sent as a plain HTTP request: graphql-core would run it as a
    query and answer the opaque "Cannot return null for non-nullable field". Subscriptions are
    served over WebSocket at the same path."""

    def on_execute(self) -> Iterator[None]:
        execution = self.execution_context
        request = getattr(execution.context, "request", None)
        if (
            execution.result is None
            and execution.operation_type is OperationType.SUBSCRIPTION
            and request is not None
            and not isinstance(request, WebSocket)
        ):
            execution.result = ExecutionResult(
                data=None,
                errors=[
                    GraphQLError(
                        "Subscriptions are served over WebSocket at /graphql "
                        "(graphql-transport-ws or graphql-ws), not over HTTP.",
                        extensions={"code": "BAD_USER_INPUT"},
                    )
                ],
            )
        yield


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


def selected_operation(document: Any, name: str | None) -> OperationDefinitionNode | None:
    for definition in document.definitions if document is not None else ():
        if isinstance(definition, OperationDefinitionNode) and (
            name is None or (definition.name is not None and definition.name.value == name)
        ):
            return definition
    return None
