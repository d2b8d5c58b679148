"""GraphQL types of the event log: what subscribers receive."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import strawberry

from crm_graphql.core.ids import encode_id
from crm_graphql.graphql.relay import NODE_TYPES, GraphInfo, Node, NodeType
from crm_graphql.platform.events.evented import of_entity
from crm_graphql.platform.events.hub import LoggedEvent
from crm_graphql.platform.events.live import encode_cursor, record_row
from crm_graphql.platform.events.models import EventEntity, EventKind
from crm_graphql.platform.users.models import User
from crm_graphql.platform.users.types import UserType

strawberry.enum(
    EventKind,
    description="What happened to a record: CREATED, UPDATED, DELETED (softly), RESTORED; "
    "for deals also MOVED (stage or place on the board), WON, LOST and REOPENED.",
)
strawberry.enum(EventEntity, name="RecordType", description="Kinds of records with events.")


@strawberry.interface(
    description="A committed change, from the event log: events arrive in commit order, "
    "each once; pass the last `cursor` as `after` to resume without gaps."
)
class ChangeEvent:
    cursor: str = strawberry.field(description="Pass as `after` to resume after this event.")
    sequence: str = strawberry.field(
        description="The event's position in the log: a decimal integer, increasing in "
        "commit order (a string, as it outgrows 32 bits)."
    )
    kind: EventKind = strawberry.field(description="What happened.")
    changed_fields: list[str] = strawberry.field(
        description="The record's fields that changed (names only, never values); parts "
        "of a record show as its list field, e.g. `contactMethods` or `items`."
    )
    occurred_at: datetime = strawberry.field(description="When the change was committed.")
    event: strawberry.Private[LoggedEvent]

    @strawberry.field(description="Who made the change (null for system changes).")
    async def actor(self, info: GraphInfo) -> UserType | None:
        user_id = self.event.actor_user_id
        if user_id is None:
            return None
        row = await info.context.loaders.by_id(User).load(user_id)
        return None if row is None else UserType.from_row(row)

    @classmethod
    def fields_of(cls, event: LoggedEvent) -> dict[str, Any]:
        return {
            "event": event,
            "cursor": encode_cursor(event.seq),
            "sequence": str(event.seq),
            "kind": event.kind,
            "changed_fields": list(event.changed_fields),
            "occurred_at": event.occurred_at,
        }


@strawberry.type(description="A change to a customer, company, order, interaction or deal.")
class RecordEvent(ChangeEvent):
    record_type: EventEntity = strawberry.field(description="The kind of record that changed.")
    record_id: strawberry.ID = strawberry.field(description="The global ID of that record.")

    @strawberry.field(description="The record as it is now (null if you may no longer see it).")
    async def record(self, info: GraphInfo) -> Node | None:
        row = await record_row(info.context, self.event)
        if row is None:
            return None
        node: NodeType = NODE_TYPES[of_entity(self.event.entity_type).model.__name__].from_row(row)
        return node  # type: ignore[return-value]

    @classmethod
    def of(cls, event: LoggedEvent) -> RecordEvent:
        model = of_entity(event.entity_type).model
        return cls(  # type: ignore[call-arg]
            **cls.fields_of(event),
            record_type=event.entity_type,
            record_id=strawberry.ID(encode_id(model.__name__, event.entity_id)),
        )
