"""uvicorn's httptools protocol with a deadline and a size limit for request headers.

uvicorn bounds the idle time between requests (`timeout_keep_alive`) and, with h11 only, the
size of a request head (`h11_max_incomplete_event_size`), but nothing bounds the time a client
takes to send its headers: a client sending one header byte every few seconds holds its
connection forever (500 such connections were all still open after 40 s). The application cannot
help: it is called only once the headers are complete. So the protocol itself starts a timer when
a connection opens and when a request begins, and closes the connection if the head is not
complete in time; a head larger than the limit is refused too, as h11 would. The body has its own
deadline in the application (`graphql/security/body_guard.py`).
"""

from __future__ import annotations

import asyncio
import functools
from typing import Any

import orjson
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from crm_graphql.core.settings import Settings

MAX_HEAD_BYTES = 65_536  # uvicorn's h11 default is 16 KiB; long bearer tokens fit in 64
PROTOCOL = "crm_graphql.app.protocols:DeadlineHttpToolsProtocol"


@functools.cache
def header_read_seconds() -> float:
    """CRM_HEADER_READ_SECONDS, read once per process (a protocol is made per connection)."""
    return float(Settings.from_env().header_read_seconds)


class DeadlineHttpToolsProtocol(HttpToolsProtocol):
    """Closes a connection whose request head is not complete within the deadline."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._head_timer: asyncio.TimerHandle | None = None
        self._head_bytes: int | None = None  # bytes of the current head; None between heads

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._start_head()

    def connection_lost(self, exc: Exception | None) -> None:
        self._stop_head()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        if self._head_bytes is None or self.transport.is_closing():
            return  # the head is complete (or the connection done with)
        self._head_bytes += len(data)
        if self._head_bytes > MAX_HEAD_BYTES:
            self._stop_head()
            self._refuse(431, "Request Header Fields Too Large", "The request head is too large.")

    def on_message_begin(self) -> None:
        super().on_message_begin()
        if self._head_timer is None:  # the next request on a kept-alive connection
            self._start_head()

    def on_headers_complete(self) -> None:
        self._stop_head()
        super().on_headers_complete()

    def _start_head(self) -> None:
        self._head_bytes = 0
        self._head_timer = self.loop.call_later(header_read_seconds(), self._head_expired)

    def _stop_head(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
        self._head_timer = None
        self._head_bytes = None

    def _head_expired(self) -> None:
        self._head_timer = None
        if not self.transport.is_closing():
            seconds = header_read_seconds()
            self._refuse(
                408, "Request Timeout", f"The request headers did not arrive within {seconds:g} s."
            )

    def _refuse(self, status: int, reason: str, message: str) -> None:
        """Answers in the same JSON shape as the application's refusals, then hangs up."""
        code = {408: "REQUEST_TIMEOUT", 431: "REQUEST_TOO_LARGE"}.get(status, "BAD_REQUEST")
        body = orjson.dumps({"errors": [{"message": message, "extensions": {"code": code}}]})
        head = (
            f"HTTP/1.1 {status} {reason}\r\ncontent-type: application/json\r\n"
            f"content-length: {len(body)}\r\nconnection: close\r\n\r\n"
        )
        self.transport.write(head.encode("ascii") + body)
        self.transport.close()
