"""Schema extensions: request-scoped resources, SQL statistics in debug mode, error codes."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from typing import Any

from graphql import GraphQLError
from strawberry.extensions import SchemaExtension

from crm_graphql.db import StatementStats, current_stats
from crm_graphql.errors import BadRequestError


class RequestResources(SchemaExtension):
    """Closes the request's read connection when the operation ends."""

    async def on_operation(self) -> AsyncIterator[None]:  # type: ignore[override]
        try:
            yield
        finally:
            reader = getattr(self.execution_context.context, "reader", None)
            if reader is not None:
                await reader.close()


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
