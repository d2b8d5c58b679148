"""Authentication and the permission matrix for every operation, as a schema extension."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
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

from crm_graphql.graphql.extensions import selected_operation
from crm_graphql.platform.auth.permissions import ROOT_FIELDS, Access


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


INTROSPECTION = frozenset({"__typename", "__schema", "__type"})


class Authorization(SchemaExtension):
    """Finds the viewer of the bearer token and lets an operation run only if it may use every
    root field it selects (ROOT_FIELDS; unlisted fields are denied). Forbidden mutations answer
    in their payload instead, through `mutate` (graphql/transaction.py), like any other
    user error."""

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
