"""A real WebSocket client for subscriptions: gql speaking graphql-transport-ws."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

from gql import Client
from gql import gql as gql_document
from gql.transport.exceptions import TransportQueryError
from gql.transport.websockets import WebsocketsTransport
from sqlalchemy import func, select
from starlette.applications import Starlette

from crm_graphql.platform.events.hub import EventHub
from crm_graphql.platform.events.models import Event
from tests.support.waiting import eventually

TIMEOUT = 10.0


class Subscription:
    """One running subscription; its results (or its final error) queue up for the test."""

    def __init__(self) -> None:
        self.results: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.task: asyncio.Task[None] | None = None
        self.error: TransportQueryError | None = None

    async def next(self, within: float = TIMEOUT) -> dict[str, Any]:
        """The next result's data (its single root field's value)."""
        data = await asyncio.wait_for(self.results.get(), within)
        (value,) = data.values()
        result: dict[str, Any] = value
        return result

    async def take(self, count: int, within: float = TIMEOUT) -> list[dict[str, Any]]:
        return [await self.next(within) for _ in range(count)]

    async def nothing_more(self, wait: float = 0.5) -> None:
        """Asserts that no further result arrives within `wait` seconds."""
        await asyncio.sleep(wait)
        assert self.results.empty(), f"unexpected: {self.results.get_nowait()}"

    async def failure(self, within: float = TIMEOUT) -> TransportQueryError:
        """The error the subscription ended with."""
        assert self.task is not None
        await asyncio.wait_for(asyncio.shield(self.task), within)
        assert self.error is not None, "the subscription ended without an error"
        return self.error

    async def cancel(self) -> None:
        if self.task is not None:
            self.task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.task


class LiveClient:
    def __init__(self, session: Any) -> None:
        self.session = session
        self.subscriptions: list[Subscription] = []

    def subscribe(self, query: str, variables: dict[str, Any] | None = None) -> Subscription:
        subscription = Subscription()

        async def run() -> None:
            try:
                async for result in self.session.subscribe(
                    gql_document(query), variable_values=variables or {}
                ):
                    subscription.results.put_nowait(result)
            except TransportQueryError as exc:
                subscription.error = exc

        subscription.task = asyncio.create_task(run())
        self.subscriptions.append(subscription)
        return subscription


def hub_of(app: Starlette) -> EventHub:
    hub: EventHub = app.state.resources.events
    return hub


async def subscribed(
    app: Starlette, client: LiveClient, query: str, *, caught_up: bool = True, **variables: Any
) -> Subscription:
    """Starts a subscription and waits until `app` has registered it. With `caught_up`, it starts
    once the app's hub has read every event committed so far, so that none of those (a record
    the test has just created) reaches it live."""
    hub = hub_of(app)
    if caught_up:
        async with app.state.resources.engine.connect() as conn:
            newest = await conn.scalar(select(func.max(Event.seq))) or 0
        await eventually(lambda: hub.position >= newest, message="the hub did not catch up")
    before = hub.subscriber_count
    subscription = client.subscribe(query, variables)
    await eventually(
        lambda: hub.subscriber_count > before, message="the subscription was not registered"
    )
    return subscription


@contextlib.asynccontextmanager
async def live_client(host: str, token: str) -> AsyncIterator[LiveClient]:
    """Connected and signed in (connection_init) to ws://host/graphql."""
    transport = WebsocketsTransport(
        url=f"ws://{host}/graphql",
        init_payload={"Authorization": f"Bearer {token}"},
        subprotocols=[WebsocketsTransport.GRAPHQLWS_SUBPROTOCOL],
        keep_alive_timeout=None,
    )
    async with Client(transport=transport, execute_timeout=TIMEOUT) as session:
        client = LiveClient(session)
        try:
            yield client
        finally:
            for subscription in client.subscriptions:
                await subscription.cancel()
