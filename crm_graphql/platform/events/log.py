"""Writing the event log: the entities a transaction wrote, as one event row each.

Parts of a record count as changes of the record (data/ownership.py): a customer's contact
methods, addresses and consents change the customer, an order's items and payments the order,
a deal's stage history the deal. Which models have events of their own, and what places an
event on a customer's timeline or in a pipeline, their domains declare (events/evented.py). An
event names the fields that changed (as GraphQL fields), never their values.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from crm_graphql.core.db import utcnow
from crm_graphql.data.ownership import parts_of, wholes_of
from crm_graphql.platform.audit.recorder import Touched
from crm_graphql.platform.audit.service import lock_commit_order
from crm_graphql.platform.events.evented import Evented, all_evented, of_model
from crm_graphql.platform.events.models import Event, EventEntity, EventKind


@dataclass
class _Draft:
    entity_type: EventEntity
    entity_id: int
    kind: EventKind = EventKind.UPDATED
    fields: list[str] = field(default_factory=list)
    customer_id: int | None = None
    pipeline_id: int | None = None

    def add_field(self, name: str) -> None:
        if name not in self.fields:
            self.fields.append(name)


def graphql_field(column_key: str) -> str:
    """The GraphQL field a column shows in: `amount_minor` -> `amount`, `stage_id` -> `stage`."""
    for suffix in ("_minor", "_enc", "_id"):
        if column_key.endswith(suffix) and column_key != "id":
            column_key = column_key.removesuffix(suffix)
            break
    head, *rest = column_key.split("_")
    return head + "".join(part.title() for part in rest)


def _kind(own: Evented, touched: Touched) -> EventKind:
    if touched.inserted:
        return EventKind.CREATED
    if touched.removed:
        return EventKind.DELETED
    deleted = touched.fields.get("deleted_at")
    if deleted is not None:
        return EventKind.DELETED if deleted[1] is not None else EventKind.RESTORED
    special = own.kind(touched.fields) if own.kind is not None else None
    return special or EventKind.UPDATED


def _drafts(touched: Sequence[Touched]) -> list[_Draft]:
    drafts: dict[tuple[EventEntity, int], _Draft] = {}

    def draft(entity_type: EventEntity, entity_id: int) -> _Draft:
        key = (entity_type, entity_id)
        if key not in drafts:
            drafts[key] = _Draft(entity_type, entity_id)
        return drafts[key]

    for t in touched:
        if t.entity_id is None:
            continue
        own = of_model(t.entity_type)
        if own is not None:
            d = draft(own.entity, t.entity_id)
            d.kind = _kind(own, t) if d.kind is EventKind.UPDATED else d.kind
            for key in t.fields:
                if key not in own.hidden:
                    d.add_field(graphql_field(own.renamed.get(key, key)))
            d.customer_id = t.entity_id if own.is_customer else None
            if own.customer is not None and not own.is_customer:
                d.customer_id = t.links.get(own.customer)
            d.pipeline_id = t.links.get(own.pipeline) if own.pipeline is not None else None
            continue
        for part in wholes_of(t.entity_type):
            whole = of_model(part.whole)
            owner_id = t.links.get(part.link)
            if whole is not None and owner_id is not None:
                draft(whole.entity, owner_id).add_field(part.field)
    return list(drafts.values())


async def _fill_links(session: AsyncSession, drafts: list[_Draft]) -> None:
    """Customer and pipeline of events whose own record the transaction did not load, e.g.
    an order that only got a payment: records with parts and a customer (orders, deals,
    customers themselves)."""
    for own in all_evented():
        if own.customer is None or not parts_of(own.model):
            continue
        table = own.model.__table__
        key, customer = table.c.id, table.c[own.customer]
        pipeline = table.c[own.pipeline] if own.pipeline is not None else None
        missing = {
            d.entity_id
            for d in drafts
            if d.entity_type is own.entity
            and (d.customer_id is None or (pipeline is not None and d.pipeline_id is None))
        }
        if not missing:
            continue
        columns = [key, customer] + ([pipeline] if pipeline is not None else [])
        rows = {r[0]: r for r in (await session.execute(select(*columns).where(key.in_(missing))))}
        for d in drafts:
            row = rows.get(d.entity_id) if d.entity_type is own.entity else None
            if row is not None:
                d.customer_id = d.customer_id or row[1]
                if pipeline is not None:
                    d.pipeline_id = d.pipeline_id or row[2]


async def write_events(
    session: AsyncSession,
    touched: Sequence[Touched],
    *,
    actor_user_id: int | None,
    at: datetime | None = None,
) -> int | None:
    """Appends the events of this transaction's changes; the highest sequence number written
    (None when nothing tracked changed). Call it last before the commit: the commit-order lock
    is held from here to the end of the transaction, so sequence order is commit order."""
    drafts = _drafts(touched)
    if not drafts:
        return None
    await _fill_links(session, drafts)
    await lock_commit_order(session)
    at = at or utcnow()
    rows = [
        {
            "kind": d.kind,
            "entity_type": d.entity_type,
            "entity_id": d.entity_id,
            "customer_id": d.customer_id,
            "pipeline_id": d.pipeline_id,
            "changed_fields": d.fields,
            "actor_user_id": actor_user_id,
            "occurred_at": at,
        }
        for d in drafts
    ]
    written = await session.scalars(insert(Event).returning(Event.seq), rows)
    return max(written)
