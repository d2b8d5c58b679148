"""Work for a client that has gone is stopped (issue 11: a 10 MB search kept PostgreSQL busy
after its client left).

ASGI servers do not cancel a request whose client disconnects; they only answer the next
`receive()` with `http.disconnect`. Once the body has been read, this middleware listens for
that message and cancels the request's task: on PostgreSQL asyncpg then sends the server a
cancel request for the running statement, and on SQLite the progress handler stops it
(core/timeouts.py, through the request's Cancellation). A response already sent is never
cancelled (its background work runs on).
"""

from __future__ import annotations

import asyncio
import contextlib

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from crm_graphql.core.timeouts import Cancellation, current_cancellation


class CancelOnDisconnect:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        body_read = asyncio.Event()
        gone = asyncio.Event()
        responded = False

        async def app_receive() -> Message:
            if body_read.is_set():  # from here on only the watcher reads
                await gone.wait()
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] != "http.request" or not message.get("more_body", False):
                body_read.set()
            return message

        async def app_send(message: Message) -> None:
            nonlocal responded
            if message["type"] == "http.response.body" and not message.get("more_body", False):
                responded = True
            await send(message)

        cancellation = Cancellation()
        token = current_cancellation.set(cancellation)
        try:
            handler = asyncio.ensure_future(self.app(scope, app_receive, app_send))
        finally:
            current_cancellation.reset(token)

        async def watch() -> None:
            await body_read.wait()
            while (await receive())["type"] != "http.disconnect":
                pass
            gone.set()
            if not responded and not handler.done():
                cancellation.cancelled = True
                handler.cancel()

        watcher = asyncio.ensure_future(watch())
        try:
            await handler
        except asyncio.CancelledError:
            if not cancellation.cancelled:
                raise  # the server itself is stopping this request
        finally:
            watcher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await watcher
