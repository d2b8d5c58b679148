"""Writing the event log: the entities a transaction wrote, as one event row each.

Parts of a record count as changes of the record: a customer's contact methods, addresses and
consents change the customer, an order's items and payments the order, a deal's stage history
the deal. An event names the fields that changed (as GraphQL fields), never their values.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from crm_graphql.core.db import utcnow
from crm_graphql.customers.models import Customer
from crm_graphql.deals.models import Deal, DealStatus
from crm_graphql.orders.models import Order
from crm_graphql.platform.audit.recorder import Touched
from crm_graphql.platform.audit.service import lock_commit_order
from crm_graphql.platform.events.models import Event, EventEntity, EventKind

TRACKED: dict[str, EventEntity] = {
    "Customer": EventEntity.CUSTOMER,
    "Company": EventEntity.COMPANY,
    "Order": EventEntity.ORDER,
    "Interaction": EventEntity.INTERACTION,
    "Deal": EventEntity.DEAL,
}
# part -> (the record it belongs to, the link naming it, the record's field it shows in)
PARTS: dict[str, tuple[EventEntity, str, str]] = {
    "ContactMethod": (EventEntity.CUSTOMER, "customer_id", "contactMethods"),
    "Consent": (EventEntity.CUSTOMER, "customer_id", "consents"),
    "OrderItem": (EventEntity.ORDER, "order_id", "items"),
    "Payment": (EventEntity.ORDER, "order_id", "payments"),
    "DealStageChange": (EventEntity.DEAL, "deal_id", "stageHistory"),
}
ADDRESS_OWNERS = (("customer_id", EventEntity.CUSTOMER), ("company_id", EventEntity.COMPANY))
HIDDEN_FIELDS = frozenset({"national_id_index"})  # bookkeeping of another field
RENAMED_FIELDS = {"rank": "position"}  # a deal's place in its column


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
    column_key = RENAMED_FIELDS.get(column_key, column_key)
    for suffix in ("_minor", "_enc", "_id"):
        if column_key.endswith(suffix) and column_key != "id":
            column_key = column_key.removesuffix(suffix)
            break
    head, *rest = column_key.split("_")
    return head + "".join(part.title() for part in rest)


def _kind(touched: Touched) -> EventKind:
    if touched.inserted:
        return EventKind.CREATED
    if touched.removed:
        return EventKind.DELETED
    deleted = touched.fields.get("deleted_at")
    if deleted is not None:
        return EventKind.DELETED if deleted[1] is not None else EventKind.RESTORED
    status = touched.fields.get("status")
    if touched.entity_type == "Deal" and status is not None:
        return {
            DealStatus.WON.value: EventKind.WON,
            DealStatus.LOST.value: EventKind.LOST,
        }.get(status[1], EventKind.REOPENED)
    if touched.entity_type == "Deal" and {"stage_id", "rank"} & touched.fields.keys():
        return EventKind.MOVED
    return EventKind.UPDATED


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
        tracked = TRACKED.get(t.entity_type)
        if tracked is not None:
            d = draft(tracked, t.entity_id)
            d.kind = _kind(t) if d.kind is EventKind.UPDATED else d.kind
            for key in t.fields:
                if key not in HIDDEN_FIELDS:
                    d.add_field(graphql_field(key))
            d.customer_id = t.entity_id if tracked is EventEntity.CUSTOMER else None
            d.customer_id = d.customer_id or t.links.get("customer_id")
            d.pipeline_id = t.links.get("pipeline_id") if tracked is EventEntity.DEAL else None
            continue
        owners = [(link, entity) for link, entity in ADDRESS_OWNERS if t.entity_type == "Address"]
        part = PARTS.get(t.entity_type)
        if part is not None:
            owners = [(part[1], part[0])]
        for link, entity in owners:
            owner_id = t.links.get(link)
            if owner_id is not None:
                name = part[2] if part is not None else "addresses"
                draft(entity, owner_id).add_field(name)
    return list(drafts.values())


async def _fill_links(session: AsyncSession, drafts: list[_Draft]) -> None:
    """Customer (orders, deals, customers) and pipeline (deals) of events whose own entity
    the transaction did not load, e.g. an order that only got a payment."""
    sources: list[tuple[EventEntity, Any, Any, Any]] = [
        (EventEntity.CUSTOMER, Customer.id, Customer.id, None),
        (EventEntity.ORDER, Order.id, Order.customer_id, None),
        (EventEntity.DEAL, Deal.id, Deal.customer_id, Deal.pipeline_id),
    ]
    for entity, key, customer, pipeline in sources:
        missing = {
            d.entity_id
            for d in drafts
            if d.entity_type is entity
            and (d.customer_id is None or (pipeline is not None and d.pipeline_id is None))
        }
        if not missing:
            continue
        columns = [key, customer] + ([pipeline] if pipeline is not None else [])
        rows = {r[0]: r for r in (await session.execute(select(*columns).where(key.in_(missing))))}
        for d in drafts:
            row = rows.get(d.entity_id) if d.entity_type is entity else None
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
