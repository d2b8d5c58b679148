"""The event log's part in every write transaction (graphql/transaction.py)."""

from __future__ import annotations

from crm_graphql.graphql.transaction import Write
from crm_graphql.platform.audit.writes import touched
from crm_graphql.platform.events.log import write_events


class EventLog:
    """Appends one event per record the transaction changed, after its audit records (the
    commit-order lock is held from there, so sequence order is commit order); once committed,
    the hub hands the events to the subscribers."""

    def __init__(self, write: Write) -> None:
        self.write = write
        self.last_event: int | None = None

    async def before_commit(self) -> None:
        self.last_event = await write_events(
            self.write.session, touched(self.write), actor_user_id=self.write.viewer.user_id
        )

    async def after_commit(self) -> None:
        if self.last_event is not None:
            await self.write.context.resources.events.published(self.last_event)
