"""Production error masking: what the client may see of an error, and what only the log sees."""

from __future__ import annotations

import logging
import re

from graphql import GraphQLError
from strawberry.extensions import MaskErrors

from crm_graphql.core.errors import BadRequestError
from crm_graphql.graphql.security.request_ids import request_id_of

logger = logging.getLogger("crm_graphql")

CLIENT_ERROR_CODES = frozenset({"UNAUTHENTICATED", "FORBIDDEN", "BAD_USER_INPUT"})
INTERNAL_ERROR_CODE = "INTERNAL_SERVER_ERROR"


def is_client_error(error: GraphQLError) -> bool:
    """Whether an error is about the request itself and may be shown as it is: our own
    BadRequestError, an authentication or permission refusal, graphql-core's syntax and
    validation errors (no original error), and coercion errors of the document or its
    variables (located in the document, no path). Everything else is unexpected."""
    code = (error.extensions or {}).get("code")
    if code == INTERNAL_ERROR_CODE:
        return False
    original = error.original_error
    return (
        original is None
        or isinstance(original, BadRequestError)
        or code in CLIENT_ERROR_CODES
        or (error.path is None and bool(error.nodes))
    )


def is_unexpected_error(error: GraphQLError) -> bool:
    return not is_client_error(error)


def log_unexpected_errors(errors: list[GraphQLError], context: object) -> None:
    """Logs every unexpected error with the request id the client is shown."""
    rid = request_id_of(context) or "-"
    for error in errors:
        if is_unexpected_error(error):
            logger.error(
                "Unexpected error (request id %s) at %s: %s",
                rid,
                ".".join(map(str, error.path or ())) or "-",
                error.message,
                exc_info=error.original_error,
            )


_SUGGESTION = re.compile(r"\s*Did you mean [^?]*\?")


def strip_suggestions(error: GraphQLError) -> None:
    """Removes graphql-core's "Did you mean ...?" hints (fields, arguments, types, enum
    values, input fields): they spell out the schema that production keeps private."""
    error.message = _SUGGESTION.sub("", error.message)


def masked(error: GraphQLError, rid: str) -> GraphQLError:
    """What the client sees of an unexpected error: where, and the id to quote."""
    return GraphQLError(
        message=f"Unexpected error; quote request id {rid}.",
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        original_error=None,
        extensions={"code": INTERNAL_ERROR_CODE, "requestId": rid},
    )


def mask_unexpected(errors: list[GraphQLError], rid: str) -> list[GraphQLError]:
    return [masked(error, rid) if is_unexpected_error(error) else error for error in errors]


class MaskUnexpectedErrors(MaskErrors):
    """Production: unexpected errors become "Unexpected error; quote request id <id>."
    with extensions {code: INTERNAL_SERVER_ERROR, requestId}; client errors stay as they are.

    An exception escaping another extension ends the operation before this one can see it;
    the view masks those (GraphQLView.process_result)."""

    def __init__(self) -> None:
        super().__init__(should_mask_error=is_unexpected_error)

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        return masked(error, request_id_of(self.execution_context.context) or "-")
