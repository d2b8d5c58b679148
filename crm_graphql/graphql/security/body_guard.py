"""The request body guard: an ASGI middleware in front of the GraphQL view.

Strawberry reads a POST body whole, with no size limit and no deadline, before anything else
looks at the request: a 200 MB body cost 600 MB of memory, unauthenticated, and a client sending
one byte a second held a connection and a task forever. The guard reads the body itself, before
authentication and before any parsing: a declared `Content-Length` over the limit is refused
before a byte is read, an undeclared (chunked) body when it crosses the limit, and a body that
has not arrived within the deadline is cut off. The view then gets the body replayed from memory,
at most the limit in size. Refusals are GraphQL-shaped JSON and close the connection, so a client
still sending is not read any further.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

import orjson
from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from crm_graphql.graphql.security.request_ids import REQUEST_ID_HEADER, request_id

# Multipart uploads are off (see the view). When the import issue turns them on, they get their
# own, larger limit here (`CRM_MAX_UPLOAD_BYTES`) and must be streamed to disk by the parser
# rather than buffered by this guard.
UPLOAD_CONTENT_TYPE = "multipart/form-data"


@dataclass(frozen=True, slots=True)
class BodyLimits:
    max_bytes: int  # CRM_MAX_BODY_BYTES
    read_seconds: float  # CRM_BODY_READ_SECONDS

    def max_bytes_for(self, content_type: str) -> int:
        """The most a body of this media type may hold; one limit for all until uploads exist."""
        return self.max_bytes


class _Refused(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def refusal(status: int, code: str, message: str, *, close: bool = False) -> Response:
    """A request refused before GraphQL runs, in the shape of a GraphQL error response."""
    body = {"errors": [{"message": message, "extensions": {"code": code}}]}
    response = Response(orjson.dumps(body), status_code=status, media_type="application/json")
    if close:
        # uvicorn closes the connection after a response that says so; without it a client
        # still sending the rest of a refused body would keep the connection open.
        response.headers["connection"] = "close"
    return response


class BodyGuard:
    """Reads an HTTP request's body within `limits` before handing the request to `app`."""

    def __init__(self, app: ASGIApp, limits: BodyLimits) -> None:
        self.app = app
        self.limits = limits

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        try:
            self._check_headers(headers)
            body = await self._read_body(headers, receive)
        except _Refused as refused:
            response = refusal(refused.status, refused.code, refused.message, close=True)
            response.headers[REQUEST_ID_HEADER] = request_id(Request(scope))
            await response(scope, receive, send)
            return
        await self.app(scope, _replay(body, receive), send)

    def _check_headers(self, headers: Headers) -> None:
        encoding = headers.get("content-encoding", "identity").strip().lower()
        if encoding not in {"", "identity"}:
            raise _Refused(
                400,
                "BAD_REQUEST",
                f"Content-Encoding {encoding!r} is not accepted: send the JSON body uncompressed.",
            )
        declared = headers.get("content-length")
        if declared is None:
            return
        declared = declared.strip()
        # headers arrive decoded as latin-1: "²" is a digit to isdigit() but not to int()
        if not (declared.isascii() and declared.isdigit()):
            raise _Refused(400, "BAD_REQUEST", "Content-Length must be a number of bytes.")
        limit = self.limits.max_bytes_for(headers.get("content-type", ""))
        if int(declared) > limit:
            raise _Refused(413, "REQUEST_TOO_LARGE", _too_large(limit))

    async def _read_body(self, headers: Headers, receive: Receive) -> bytes:
        limit = self.limits.max_bytes_for(headers.get("content-type", ""))
        chunks: list[bytes] = []
        size = 0
        try:
            async with asyncio.timeout(self.limits.read_seconds):
                while True:
                    message = await receive()
                    if message["type"] == "http.disconnect":
                        raise _Refused(400, "BAD_REQUEST", "The client left mid-request.")
                    chunk = message.get("body", b"")
                    size += len(chunk)
                    if size > limit:
                        raise _Refused(413, "REQUEST_TOO_LARGE", _too_large(limit))
                    chunks.append(chunk)
                    if not message.get("more_body", False):
                        return b"".join(chunks)
        except TimeoutError:
            raise _Refused(
                408,
                "REQUEST_TIMEOUT",
                f"The request body did not arrive within {self.limits.read_seconds:g} seconds.",
            ) from None


def _too_large(limit: int) -> str:
    return f"The request body is larger than the limit of {limit} bytes."


def _replay(body: bytes, receive: Receive) -> Receive:
    """A receive that gives the body read already, then waits on the client (for disconnect)."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay
