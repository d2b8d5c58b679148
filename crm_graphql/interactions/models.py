"""Interactions: calls, emails, chats, meetings and notes on a customer's timeline."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm_graphql.core.db import Base, SoftDeletable, UTCDateTime, Versioned, enum_type
from crm_graphql.customers.models import Customer
from crm_graphql.data.ownership import part_of
from crm_graphql.platform.events.evented import evented
from crm_graphql.platform.events.models import EventEntity

if TYPE_CHECKING:
    from crm_graphql.platform.users.models import User


class InteractionKind(enum.StrEnum):
    CALL = "CALL"
    EMAIL = "EMAIL"
    CHAT = "CHAT"
    MEETING = "MEETING"
    NOTE = "NOTE"


class InteractionDirection(enum.StrEnum):
    INBOUND = "INBOUND"
    OUTBOUND = "OUTBOUND"
    INTERNAL = "INTERNAL"


class Interaction(Versioned, SoftDeletable, Base):
    __tablename__ = "interactions"
    __table_args__ = (Index("ix_interactions_customer_occurred", "customer_id", "occurred_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    kind: Mapped[InteractionKind] = mapped_column(enum_type(InteractionKind))
    direction: Mapped[InteractionDirection] = mapped_column(enum_type(InteractionDirection))
    subject: Mapped[str | None] = mapped_column(String(300))
    body: Mapped[str | None] = mapped_column(Text)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    duration_seconds: Mapped[int | None] = mapped_column(Integer)

    customer: Mapped[Customer] = relationship(back_populates="interactions")
    user: Mapped[User | None] = relationship()


part_of(Interaction.customer_id, Customer, field="interactions")
evented(Interaction, EventEntity.INTERACTION, customer=Interaction.customer_id)
