"""The event log: one row per changed record per committed transaction, in commit order.

It is the single source of subscriptions (and later webhooks): a row holds what changed, not
the values, so it never holds personal data and outlives erasure. Rows are written inside the
transaction they describe, under the audit chain's lock, so `seq` order is commit order.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, Integer
from sqlalchemy.orm import Mapped, mapped_column

from crm_graphql.core.db import Base, UTCDateTime, enum_type, utcnow


class EventKind(enum.StrEnum):
    CREATED = "CREATED"
    UPDATED = "UPDATED"
    DELETED = "DELETED"
    RESTORED = "RESTORED"
    MOVED = "MOVED"
    WON = "WON"
    LOST = "LOST"
    REOPENED = "REOPENED"


class EventEntity(enum.StrEnum):
    CUSTOMER = "CUSTOMER"
    COMPANY = "COMPANY"
    ORDER = "ORDER"
    INTERACTION = "INTERACTION"
    DEAL = "DEAL"


class Event(Base):
    __tablename__ = "events"
    __table_args__ = (
        Index("ix_events_entity", "entity_type", "entity_id", "seq"),
        Index("ix_events_customer_id_seq", "customer_id", "seq"),
        Index("ix_events_pipeline_id_seq", "pipeline_id", "seq"),
    )

    # BIGINT on PostgreSQL; SQLite's INTEGER PRIMARY KEY is its 64-bit rowid
    seq: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    )
    kind: Mapped[EventKind] = mapped_column(enum_type(EventKind))
    entity_type: Mapped[EventEntity] = mapped_column(enum_type(EventEntity))
    entity_id: Mapped[int] = mapped_column(Integer)
    # the customer whose timeline it belongs to, and the deal's pipeline: what subscribers match
    customer_id: Mapped[int | None] = mapped_column(Integer)
    pipeline_id: Mapped[int | None] = mapped_column(Integer)
    changed_fields: Mapped[list[str]] = mapped_column(JSON, default=list)
    actor_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    def __repr__(self) -> str:
        return f"Event({self.seq}, {self.kind}, {self.entity_type}:{self.entity_id})"
