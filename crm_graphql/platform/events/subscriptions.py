"""The `recordEvents` subscription: changes to given records, e.g. one customer's timeline."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import Annotated

import strawberry

from crm_graphql.core.errors import BadRequestError
from crm_graphql.core.ids import decode_id
from crm_graphql.graphql.relay import GraphInfo
from crm_graphql.platform.events.evented import of_model
from crm_graphql.platform.events.hub import Topic
from crm_graphql.platform.events.live import event_stream
from crm_graphql.platform.events.models import EventEntity
from crm_graphql.platform.events.types import RecordEvent

MAX_RECORDS = 100
AFTER = strawberry.argument(
    description="An event's `cursor`: first replay the events after it (missed while "
    "disconnected), then go on live. Without it, only events from now on."
)


def records_topic(types: list[EventEntity] | None, ids: list[strawberry.ID] | None) -> Topic:
    records = None
    if ids is not None:
        if len(ids) > MAX_RECORDS:
            raise BadRequestError(f"`ids` takes at most {MAX_RECORDS} IDs.")
        records = set()
        for value in ids:
            decoded = decode_id(str(value))
            evented = of_model(decoded.type_name) if decoded else None
            if decoded is None or evented is None:
                raise BadRequestError(
                    f"{value!r} is not the ID of a customer, company, order, interaction or deal."
                )
            records.add((evented.entity, decoded.pk))
    return Topic(
        entity_types=frozenset(types) if types is not None else None,
        records=frozenset(records) if records is not None else None,
    )


@strawberry.type
class EventSubscription:
    @strawberry.subscription(
        description="Changes to records as they are committed, in order, each once. With "
        "`ids`, only those records and, for customers, everything on their timeline (their "
        "orders, interactions and deals). Only records you may see."
    )
    async def record_events(
        self,
        info: GraphInfo,
        types: Annotated[
            list[EventEntity] | None,
            strawberry.argument(description="Only records of these types (default: all)."),
        ] = None,
        ids: Annotated[
            list[strawberry.ID] | None,
            strawberry.argument(description=f"Only these records (at most {MAX_RECORDS})."),
        ] = None,
        after: Annotated[str | None, AFTER] = None,
    ) -> AsyncGenerator[RecordEvent, None]:
        topic = records_topic(types, ids)
        async for event in event_stream(info, topic, after):
            yield RecordEvent.of(event)
