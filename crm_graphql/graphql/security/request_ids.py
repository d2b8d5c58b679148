"""Request ids: one per HTTP request or WebSocket connection, quoted in masked errors and
sent back in the X-Request-ID header."""

from __future__ import annotations

import uuid

from starlette.requests import HTTPConnection

REQUEST_ID_HEADER = "X-Request-ID"


def request_id(connection: HTTPConnection) -> str:
    """The id of this request (HTTP) or connection (WebSocket), made on first use."""
    existing = getattr(connection.state, "request_id", None)
    if isinstance(existing, str):
        return existing
    new = uuid.uuid4().hex
    connection.state.request_id = new
    return new


def request_id_of(context: object) -> str | None:
    """The request id stored for the request of a GraphQL context, if any."""
    connection = getattr(context, "request", None)
    if not isinstance(connection, HTTPConnection):
        return None
    found = getattr(connection.state, "request_id", None)
    return found if isinstance(found, str) else None
