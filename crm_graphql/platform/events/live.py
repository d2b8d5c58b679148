"""Subscription streams over the event hub, as GraphQL resolvers use them.

- `event_stream`: replay from the log after a cursor, then live events: visible ones only.
- `snapshot_stream`: a computed state (a board's totals, dashboard KPIs), sent first and
  again whenever relevant events changed it, at most once per CRM_LIVE_INTERVAL_MS.

Both check the viewer's right to the root field (the Authorization extension's verdict does
not stop a subscription), read with fresh loaders per event, and give their read connection
back between events: a subscription holds no database connection while it waits.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import contextlib
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Hashable
from typing import Any, TypeVar

from graphql import GraphQLError
from sqlalchemy import ColumnElement, select
from sqlalchemy.sql.elements import False_, True_

from crm_graphql.core.errors import BadRequestError
from crm_graphql.data.access import Viewer, row_rule, scope_key
from crm_graphql.data.reader import AnyRow, Reader
from crm_graphql.graphql.context import Context
from crm_graphql.graphql.relay import GraphInfo
from crm_graphql.platform.auth.permissions import ROOT_FIELDS
from crm_graphql.platform.auth.service import authenticate
from crm_graphql.platform.events.evented import of_entity
from crm_graphql.platform.events.hub import EventHub, LoggedEvent, SubscriberDropped, Topic

_CURSOR_PREFIX = "event:"
RECHECK_SECONDS = 30.0
T = TypeVar("T")


def encode_cursor(seq: int) -> str:
    return base64.urlsafe_b64encode(f"{_CURSOR_PREFIX}{seq}".encode()).decode().rstrip("=")


def decode_cursor(value: str) -> int:
    try:
        raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raw = ""
    number = raw.removeprefix(_CURSOR_PREFIX)
    if not raw.startswith(_CURSOR_PREFIX) or not (number.isascii() and number.isdigit()):
        raise BadRequestError(f"`after` must be an event's `cursor`, got {value!r}.")
    return int(number)


def live_viewer(info: GraphInfo) -> Viewer:
    """The viewer, if it may use this subscription's root field; a GraphQL error otherwise."""
    viewer = info.context.viewer
    if viewer is None:
        raise GraphQLError("Sign in first.", extensions={"code": "UNAUTHENTICATED"})
    need = ROOT_FIELDS.get(info.field_name)
    if need is None or not viewer.can(need):
        raise GraphQLError(
            f"Your role may not use {info.field_name}.", extensions={"code": "FORBIDDEN"}
        )
    return viewer


async def still_signed_in(ctx: Context) -> None:
    """A subscription outlives the request that started it: its token is checked again every
    RECHECK_SECONDS, so a sign-out, revocation, expiry or deactivation ends the stream. One
    check per token and period serves every subscription of the process using it."""
    now = time.monotonic()
    if now - ctx.authenticated_at < RECHECK_SECONDS:
        return
    token = ctx.bearer_token()
    viewer = None
    if token:
        period = int(now // RECHECK_SECONDS) if RECHECK_SECONDS > 0 else now

        async def check() -> Viewer | None:
            return await authenticate(Reader(ctx.resources.engine), token)

        viewer = await ctx.resources.events.memo.get(("signed-in", token, period), check)
    if viewer is None:
        raise GraphQLError(
            "Your sign-in has ended (signed out, revoked or expired); sign in again.",
            extensions={"code": "UNAUTHENTICATED"},
        )
    ctx.viewer = viewer  # a changed role, team or token scope applies from now on
    ctx.authenticated_at = now


async def _rows(ctx: Context, statement: Any) -> list[AnyRow]:
    return await ctx.resources.events.rows(statement)


async def visible(
    ctx: Context,
    event: LoggedEvent,
    extra: ColumnElement[bool] | None = None,
    *,
    shared: bool = True,
) -> bool:
    """Whether the viewer may see the event's record now (and it matches `extra`), in SQL.
    `shared`: for a live event, the answer serves every subscriber of the process with the
    same rights (they ask within moments); a replayed event is checked afresh, as its record
    may have changed hands since."""
    assert ctx.viewer is not None
    model = of_entity(event.entity_type).model
    rule = row_rule(ctx.viewer, model)
    if isinstance(rule, False_):
        return False
    if isinstance(rule, True_) and extra is None:
        return True
    table = model.__table__
    stmt = select(table.c.id).where(table.c.id == event.entity_id, rule)
    if extra is not None or not shared:
        stmt = stmt if extra is None else stmt.where(extra)
        return bool(await _rows(ctx, stmt))
    key = ("visible", event.seq, event.entity_type, event.entity_id, scope_key(ctx.viewer))

    async def check() -> bool:
        return bool(await _rows(ctx, stmt))

    return await ctx.resources.events.memo.get(key, check)


async def record_row(ctx: Context, event: LoggedEvent) -> AnyRow | None:
    """The event's record as it is now (deleted ones too), read once per process for all its
    subscribers, whose right to see it `visible` has just checked."""
    model = of_entity(event.entity_type).model
    table = model.__table__

    async def read() -> AnyRow | None:
        rows = await _rows(ctx, select(table).where(table.c.id == event.entity_id))
        return rows[0] if rows else None

    hub = ctx.resources.events
    # shared while the log stands still: a later replay of the event reads the record anew
    return await hub.memo.get(("row", event.seq, hub.position), read)


def _dropped(reason: str, last: int | None) -> GraphQLError:
    resume = (
        f' Subscribe again with `after: "{encode_cursor(last)}"` to get what you missed.'
        if last is not None
        else " Subscribe again."
    )
    return GraphQLError(reason + resume, extensions={"code": "SUBSCRIPTION_DROPPED"})


def _next_turn(ctx: Context) -> None:
    """Between two results: the next one reads afresh."""
    ctx.fresh_loaders()


async def event_stream(
    info: GraphInfo,
    topic: Topic,
    after: str | None,
    extra: Callable[[], ColumnElement[bool]] | None = None,
) -> AsyncIterator[LoggedEvent]:
    """Logged events after the cursor `after` (none: from now on) matching `topic`, visible
    to the viewer, in commit order, each once. `extra` adds a condition on the record."""
    live_viewer(info)
    ctx = info.context
    hub = ctx.resources.events
    start = decode_cursor(after) if after is not None else None
    subscriber = hub.subscribe(topic)
    last = start
    try:
        if start is not None:
            async for event in hub.replay(topic, start, subscriber.start):
                if await visible(ctx, event, extra() if extra else None, shared=False):
                    await still_signed_in(ctx)
                    last = event.seq
                    yield event
                    _next_turn(ctx)
        last = max(last or 0, subscriber.start)
        while True:
            try:
                event = await subscriber.next()
            except SubscriberDropped as exc:
                raise _dropped(str(exc), last) from None
            if start is not None and event.seq <= start:
                continue  # the client resumed from a cursor ahead of this process's hub
            if await visible(ctx, event, extra() if extra else None):
                await still_signed_in(ctx)
                yield event
                _next_turn(ctx)
            last = event.seq
    finally:
        hub.unsubscribe(subscriber)


async def _changed_since(hub: EventHub, topic: Topic, after: int, until: int) -> bool:
    """Whether events matching `topic` were logged in (after, until]."""
    async with contextlib.aclosing(hub.replay(topic, after, until)) as events:
        async for _ in events:
            return True
    return False


async def snapshot_stream(
    info: GraphInfo,
    topic: Topic,
    after: str | None,
    compute: Callable[[], Awaitable[T]],
    memo_key: Hashable,
    compare: Callable[[T], object] = lambda state: state,
) -> AsyncIterator[tuple[int, T]]:
    """(position, state) now and whenever events matching `topic` change the state (as seen
    through `compare`). With `after` and no matching event logged since, the first state
    is skipped: the client has it. `memo_key` must hold everything `compute` depends on but the
    log position, the viewer's scope_key included."""
    live_viewer(info)
    ctx = info.context
    hub = ctx.resources.events
    interval = ctx.settings.live_interval_ms / 1000
    start = decode_cursor(after) if after is not None else None
    subscriber = hub.subscribe(topic)
    position = subscriber.start

    async def state_at(seq: int) -> T:
        return await hub.memo.get((memo_key, seq), compute)

    try:
        last = await state_at(position)
        if start is None or await _changed_since(hub, topic, start, position):
            yield position, last
            _next_turn(ctx)
        while True:
            try:
                event = await subscriber.next()
                await asyncio.sleep(interval)  # let a burst of changes settle: one push
                position = max([event.seq, *(e.seq for e in subscriber.drain())])
            except SubscriberDropped as exc:
                raise _dropped(str(exc), None) from None
            current = await state_at(position)
            if compare(current) != compare(last):
                await still_signed_in(ctx)
                last = current
                yield position, current
                _next_turn(ctx)
    finally:
        hub.unsubscribe(subscriber)
