"""The event bus between server processes: it carries only "the log grew to sequence N" and
"tokens or users changed" (signed-in viewers are cached per process, auth/viewers.py).

Subscribers never read events from the bus: each process's hub reads them from the log, so
a lost or late message delays delivery but never loses or reorders an event (the hub also
polls the log). Backends, chosen by CRM_EVENT_BUS_URL:

- `memory://`: one process (the default);
- `redis://host:port/db`: Redis pub/sub;
- `postgresql://user@host/db`: PostgreSQL LISTEN/NOTIFY, on a connection of its own.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from typing import Any, Protocol
from urllib.parse import urlsplit

import asyncpg
import redis.asyncio as redis

CHANNEL = "crm_events"
ACCESS_CHANGED = "access"
RECONNECT_SECONDS = (0.1, 0.5, 1.0, 2.0, 5.0)
READY_TIMEOUT = 10.0

logger = logging.getLogger(__name__)

OnSequence = Callable[[int | None], None]  # None: "something may have been missed"
OnAccessChanged = Callable[[], None]


def _ignore() -> None:
    pass


class EventBus(Protocol):
    async def start(
        self, on_sequence: OnSequence, on_access_changed: OnAccessChanged = _ignore
    ) -> None:
        """Starts listening; the callbacks are called in the event loop for every message
        (and both when messages may have been missed)."""

    async def publish(self, seq: int) -> None:
        """Tells every process (this one included) that the log reached `seq`."""

    async def publish_access_changed(self) -> None:
        """Tells every process (this one included) that tokens or users changed."""

    async def stop(self) -> None: ...


class MemoryBus:
    """Within one process: publishing is a direct call."""

    def __init__(self) -> None:
        self._on_sequence: OnSequence | None = None
        self._on_access_changed: OnAccessChanged = _ignore

    async def start(
        self, on_sequence: OnSequence, on_access_changed: OnAccessChanged = _ignore
    ) -> None:
        self._on_sequence = on_sequence
        self._on_access_changed = on_access_changed

    async def publish(self, seq: int) -> None:
        if self._on_sequence is not None:
            self._on_sequence(seq)

    async def publish_access_changed(self) -> None:
        self._on_access_changed()

    async def stop(self) -> None:
        self._on_sequence = None
        self._on_access_changed = _ignore


class _Listening:
    """A listener task that reconnects with backoff and reports each reconnection as a
    possible gap (None, and a possible access change), so the hub reads the log to catch up
    and cached viewers are read afresh."""

    def __init__(self) -> None:
        self._task: asyncio.Task[None] | None = None
        self._on_sequence: OnSequence = lambda seq: None
        self._on_access_changed: OnAccessChanged = _ignore
        self.ready = asyncio.Event()

    async def start(
        self, on_sequence: OnSequence, on_access_changed: OnAccessChanged = _ignore
    ) -> None:
        self._on_sequence = on_sequence
        self._on_access_changed = on_access_changed
        self._task = asyncio.create_task(self._run(), name=f"{type(self).__name__} listener")
        try:
            await asyncio.wait_for(self.ready.wait(), timeout=READY_TIMEOUT)
        except TimeoutError:
            # the listener keeps retrying; meanwhile the hub finds events by polling the log
            logger.warning("event bus not reachable yet; delivering by polling until it is")

    async def _run(self) -> None:
        attempt = 0
        while True:
            try:
                await self._listen()
                attempt = 0
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.warning("event bus connection lost; reconnecting", exc_info=True)
            self._on_sequence(None)
            self._on_access_changed()
            await asyncio.sleep(RECONNECT_SECONDS[min(attempt, len(RECONNECT_SECONDS) - 1)])
            attempt += 1

    async def _listen(self) -> None:
        raise NotImplementedError

    async def publish(self, seq: int) -> None:
        await self._send(str(seq))

    async def publish_access_changed(self) -> None:
        await self._send(ACCESS_CHANGED)

    async def _send(self, payload: str) -> None:
        raise NotImplementedError

    def _received(self, payload: Any) -> None:
        if payload in (ACCESS_CHANGED, ACCESS_CHANGED.encode()):
            self._on_access_changed()
            return
        try:
            self._on_sequence(int(payload))
        except (TypeError, ValueError):
            logger.warning("ignored a malformed event bus message: %r", payload)

    async def _cancel(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None


class RedisBus(_Listening):
    def __init__(self, url: str) -> None:
        super().__init__()
        self._client = redis.Redis.from_url(url)

    async def _listen(self) -> None:
        pubsub = self._client.pubsub(ignore_subscribe_messages=True)
        try:
            await pubsub.subscribe(CHANNEL)
            self.ready.set()
            self._on_access_changed()  # revocations while not listening went unheard
            async for message in pubsub.listen():
                if message.get("type") == "message":
                    self._received(message["data"])
        finally:
            await pubsub.aclose()  # type: ignore[no-untyped-call]

    async def _send(self, payload: str) -> None:
        await self._client.publish(CHANNEL, payload)

    async def stop(self) -> None:
        await self._cancel()
        await self._client.aclose()


class PostgresBus(_Listening):
    def __init__(self, url: str) -> None:
        super().__init__()
        self._dsn = url.replace("postgresql+asyncpg://", "postgresql://", 1)
        self._sender: asyncpg.Connection | None = None
        self._send_lock = asyncio.Lock()

    async def _listen(self) -> None:
        conn: asyncpg.Connection = await asyncpg.connect(self._dsn)
        lost = asyncio.Event()
        conn.add_termination_listener(lambda _conn: lost.set())
        try:
            await conn.add_listener(CHANNEL, lambda _c, _pid, _ch, payload: self._received(payload))
            self.ready.set()
            self._on_access_changed()  # revocations while not listening went unheard
            await lost.wait()
        finally:
            if not conn.is_closed():
                await conn.close()

    async def _send(self, payload: str) -> None:
        async with self._send_lock:
            for attempt in range(2):
                if self._sender is None or self._sender.is_closed():
                    self._sender = await asyncpg.connect(self._dsn)
                try:
                    await self._sender.execute("SELECT pg_notify($1, $2)", CHANNEL, payload)
                    return
                except (OSError, asyncpg.PostgresConnectionError):
                    self._sender = None
                    if attempt:
                        raise

    async def stop(self) -> None:
        await self._cancel()
        if self._sender is not None:
            await self._sender.close()
            self._sender = None


def create_bus(url: str) -> EventBus:
    scheme = urlsplit(url).scheme
    if scheme == "memory":
        return MemoryBus()
    if scheme in {"redis", "rediss"}:
        return RedisBus(url)
    if scheme in {"postgresql", "postgres", "postgresql+asyncpg"}:
        return PostgresBus(url)
    raise ValueError(
        f"CRM_EVENT_BUS_URL: unknown scheme {scheme!r}; use memory://, redis://... "
        "or postgresql://..."
    )
