"""One hub per server process: reads new events from the log once and fans them out.

The bus says the log grew; the hub reads every event after the last one it handed out, in
sequence order, and offers each to the subscribers whose topic matches. A subscriber that
registers learns the hub's position: it replays the log up to there, then takes live events
from its queue, so nothing is missed or repeated. Queues are bounded: a subscriber that falls
too far behind is dropped (it resumes with `after`) and never slows the others.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import OrderedDict
from collections.abc import AsyncGenerator, Awaitable, Callable, Hashable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Executable, Select, and_, func, or_, select, true
from sqlalchemy.ext.asyncio import AsyncEngine

from crm_graphql.graphql.context import Context
from crm_graphql.platform.events.bus import EventBus
from crm_graphql.platform.events.models import Event, EventEntity, EventKind

PAGE = 500
PUBLISH_TIMEOUT = 1.0  # seconds a response may wait for the bus after its commit
MEMO_SIZE = 20_000

logger = logging.getLogger(__name__)
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class LoggedEvent:
    seq: int
    kind: EventKind
    entity_type: EventEntity
    entity_id: int
    customer_id: int | None
    pipeline_id: int | None
    changed_fields: tuple[str, ...]
    actor_user_id: int | None
    occurred_at: datetime

    @classmethod
    def from_row(cls, row: Any) -> LoggedEvent:
        return cls(
            seq=row.seq,
            kind=EventKind(row.kind),
            entity_type=EventEntity(row.entity_type),
            entity_id=row.entity_id,
            customer_id=row.customer_id,
            pipeline_id=row.pipeline_id,
            changed_fields=tuple(row.changed_fields or ()),
            actor_user_id=row.actor_user_id,
            occurred_at=row.occurred_at,
        )


@dataclass(frozen=True, slots=True)
class Topic:
    """Which events a subscriber wants: all given conditions hold. `records` match an event
    by its own entity, or by its customer (a customer's timeline)."""

    entity_types: frozenset[EventEntity] | None = None
    records: frozenset[tuple[EventEntity, int]] | None = None
    pipeline_id: int | None = None

    def matches(self, event: LoggedEvent) -> bool:
        if self.entity_types is not None and event.entity_type not in self.entity_types:
            return False
        if self.pipeline_id is not None and event.pipeline_id != self.pipeline_id:
            return False
        if self.records is not None:
            own = (event.entity_type, event.entity_id) in self.records
            customer = event.customer_id is not None and (
                (EventEntity.CUSTOMER, event.customer_id) in self.records
            )
            return own or customer
        return True

    def clause(self) -> ColumnElement[bool]:
        """The same test in SQL, for replays from the log."""
        e = Event.__table__.c
        clauses: list[ColumnElement[bool]] = []
        if self.entity_types is not None:
            clauses.append(e.entity_type.in_([t.value for t in self.entity_types]))
        if self.pipeline_id is not None:
            clauses.append(e.pipeline_id == self.pipeline_id)
        if self.records is not None:
            customers = [i for t, i in self.records if t is EventEntity.CUSTOMER]
            clauses.append(
                or_(
                    *(
                        and_(e.entity_type == t.value, e.entity_id == i)
                        for t, i in sorted(self.records)
                    ),
                    e.customer_id.in_(customers),
                )
            )
        return and_(true(), *clauses)


LAGGED = "You fell too far behind the live events and were unsubscribed."
SHUTDOWN = "The server is shutting down."


class SubscriberDropped(Exception):
    """The hub stopped feeding this subscriber (it lagged, or the server stops); it resumes
    with `after`."""


class Subscriber:
    def __init__(self, topic: Topic, start: int, limit: int) -> None:
        self.topic = topic
        self.start = start  # the log position live delivery starts after
        self._queue: asyncio.Queue[LoggedEvent | None] = asyncio.Queue(maxsize=limit)
        self.dropped: str | None = None

    def offer(self, event: LoggedEvent) -> bool:
        """False when the queue is full: the subscriber lags behind."""
        try:
            self._queue.put_nowait(event)
        except asyncio.QueueFull:
            return False
        return True

    def drop(self, reason: str) -> None:
        """No more events: `next` raises SubscriberDropped once the queue is read."""
        self.dropped = reason
        with contextlib.suppress(asyncio.QueueFull):
            self._queue.put_nowait(None)  # wakes a reader waiting on an empty queue

    async def next(self) -> LoggedEvent:
        if self.dropped is not None and self._queue.empty():
            raise SubscriberDropped(self.dropped)
        event = await self._queue.get()
        if event is None:
            raise SubscriberDropped(self.dropped or SHUTDOWN)
        return event

    def drain(self) -> list[LoggedEvent]:
        """Everything queued now, without waiting."""
        out = []
        while not self._queue.empty():
            event = self._queue.get_nowait()
            if event is not None:
                out.append(event)
        return out


class Memo:
    """Results shared by the subscribers of one process (a visibility check, a row, a board's
    totals), computed once per key even when many ask at the same time."""

    def __init__(self, size: int = MEMO_SIZE) -> None:
        self._size = size
        self._values: OrderedDict[Hashable, asyncio.Future[Any]] = OrderedDict()

    async def get(self, key: Hashable, compute: Callable[[], Awaitable[T]]) -> T:
        future = self._values.get(key)
        if future is None:
            # a task of its own: a caller that is cancelled (its client left) cancels only
            # its own wait, never the computation the others wait for
            future = asyncio.ensure_future(compute())
            self._values[key] = future
            future.add_done_callback(lambda done: self._forget_failed(key, done))
            if len(self._values) > self._size:
                self._values.popitem(last=False)
        result: T = await asyncio.shield(future)
        return result

    def _forget_failed(self, key: Hashable, done: asyncio.Future[Any]) -> None:
        failed = done.cancelled() or done.exception() is not None
        if failed and self._values.get(key) is done:
            del self._values[key]


class EventHub:
    def __init__(
        self,
        engine: AsyncEngine,
        bus: EventBus,
        *,
        queue_limit: int = 1000,
        poll_seconds: float = 5.0,
        on_access_changed: Callable[[], None] = lambda: None,
    ) -> None:
        self._engine = engine
        self.bus = bus
        self._on_access_changed = on_access_changed
        self._queue_limit = queue_limit
        self._poll_seconds = poll_seconds
        self._subscribers: set[Subscriber] = set()
        self._wanted = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self.position = 0  # the last sequence number handed out
        self.memo = Memo()

    async def start(self) -> None:
        self.position = await self._head()
        await self.bus.start(self.notify, self._on_access_changed)
        self._task = asyncio.create_task(self._run(), name="event hub")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        await self.bus.stop()
        for subscriber in list(self._subscribers):
            subscriber.drop(SHUTDOWN)
        self._subscribers.clear()

    def notify(self, seq: int | None) -> None:
        """The bus's callback: the log reached `seq` (None: it may have, look)."""
        if seq is None or seq > self.position:
            self._wanted.set()

    async def published(self, seq: int) -> None:
        """After a commit that wrote events up to `seq`: tell every process. A failing bus
        only delays delivery (the hubs poll the log), so it does not fail the request."""
        try:
            await asyncio.wait_for(self.bus.publish(seq), PUBLISH_TIMEOUT)
        except Exception:
            logger.warning("could not publish event %s; hubs will find it by polling", seq)
            self.notify(seq)

    async def access_changed(self) -> None:
        """After a commit that changed tokens or users: every process forgets its cached
        viewers (this one at once, whether or not the bus answers)."""
        self._on_access_changed()
        try:
            await asyncio.wait_for(self.bus.publish_access_changed(), PUBLISH_TIMEOUT)
        except Exception:
            logger.warning(
                "could not publish an access change; other processes' cached "
                "viewers expire on their own"
            )

    def subscribe(self, topic: Topic) -> Subscriber:
        subscriber = Subscriber(topic, self.position, self._queue_limit)
        self._subscribers.add(subscriber)
        return subscriber

    def unsubscribe(self, subscriber: Subscriber) -> None:
        self._subscribers.discard(subscriber)

    @property
    def subscriber_count(self) -> int:
        return len(self._subscribers)

    async def replay(
        self, topic: Topic, after: int, until: int
    ) -> AsyncGenerator[LoggedEvent, None]:
        """Logged events in (after, until] that match `topic`, in order, page by page."""
        while after < until:
            stmt = self._events_after(after, until).where(topic.clause())
            page = await self._read(stmt)
            if not page:
                return
            for event in page:
                yield event
            after = page[-1].seq

    async def rows(self, statement: Executable) -> list[Any]:
        """Rows of a statement on a short-lived connection of the hub's engine."""
        async with self._engine.connect() as conn:
            return list((await conn.execute(statement)).all())

    async def _run(self) -> None:
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wanted.wait(), timeout=self._poll_seconds)
            self._wanted.clear()
            try:
                await self._catch_up()
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.exception("reading the event log failed; retrying")
                await asyncio.sleep(1)
                self._wanted.set()

    async def _catch_up(self) -> None:
        while True:
            page = await self._read(self._events_after(self.position, None))
            for event in page:
                self._dispatch(event)
                self.position = event.seq
            if len(page) < PAGE:
                return

    def _dispatch(self, event: LoggedEvent) -> None:
        for subscriber in list(self._subscribers):
            wanted = event.seq > subscriber.start and subscriber.topic.matches(event)
            if wanted and not subscriber.offer(event):
                self._subscribers.discard(subscriber)
                subscriber.drop(LAGGED)

    def _events_after(self, after: int, until: int | None) -> Select[Any]:
        e = Event.__table__.c
        stmt = select(Event.__table__).where(e.seq > after).order_by(e.seq).limit(PAGE)
        return stmt if until is None else stmt.where(e.seq <= until)

    async def _read(self, statement: Select[Any]) -> list[LoggedEvent]:
        return [LoggedEvent.from_row(row) for row in await self.rows(statement)]

    async def _head(self) -> int:
        async with self._engine.connect() as conn:
            return int(await conn.scalar(select(func.coalesce(func.max(Event.seq), 0))) or 0)


def event_hub(context: Context) -> EventHub:
    """The app's hub behind a request's context (the graphql layer knows it only as an
    EventPublisher)."""
    hub = context.resources.events
    assert isinstance(hub, EventHub), "app/factory.py builds the event hub"
    return hub
