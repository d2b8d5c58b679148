"""Sales pipelines: ordered stages, deals on a board, their stage history, lead assignment."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm_graphql.core.db import Base, SoftDeletable, UTCDateTime, Versioned, enum_type, utcnow
from crm_graphql.data.access import owned_rows, unowned
from crm_graphql.data.ownership import part_of
from crm_graphql.platform.events.evented import evented
from crm_graphql.platform.events.models import EventEntity, EventKind

if TYPE_CHECKING:
    from crm_graphql.companies.models import Company
    from crm_graphql.customers.models import Customer
    from crm_graphql.platform.users.models import User


class StageKind(enum.StrEnum):
    OPEN = "OPEN"
    WON = "WON"
    LOST = "LOST"


class DealStatus(enum.StrEnum):
    """Kept equal to the kind of the deal's stage by the service (a column to filter on)."""

    OPEN = "OPEN"
    WON = "WON"
    LOST = "LOST"


class AssignmentStrategy(enum.StrEnum):
    ROUND_ROBIN = "ROUND_ROBIN"
    TERRITORY = "TERRITORY"
    TAG = "TAG"


class Pipeline(Versioned, SoftDeletable, Base):
    __tablename__ = "pipelines"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    is_default: Mapped[bool] = mapped_column(Boolean, default=False)
    # every deal of a pipeline is in its currency, so a board's and a stage's totals add up
    currency: Mapped[str] = mapped_column(String(3))

    stages: Mapped[list[Stage]] = relationship(back_populates="pipeline", order_by="Stage.position")
    deals: Mapped[list[Deal]] = relationship(back_populates="pipeline", viewonly=True)


class Stage(Versioned, SoftDeletable, Base):
    """A column of a pipeline's board. Removed only when it holds no deals; a removed stage
    keeps its row (deleted_at, never restored) because deals' stage history still names it."""

    __tablename__ = "pipeline_stages"
    __table_args__ = (
        Index("ix_pipeline_stages_pipeline_position", "pipeline_id", "position"),
        CheckConstraint("probability >= 0 AND probability <= 100", name="probability_percent"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    pipeline_id: Mapped[int] = mapped_column(ForeignKey("pipelines.id"))
    name: Mapped[str] = mapped_column(String(80))
    position: Mapped[int] = mapped_column(Integer)
    probability: Mapped[int] = mapped_column(Integer)  # win probability, percent
    kind: Mapped[StageKind] = mapped_column(enum_type(StageKind), default=StageKind.OPEN)

    pipeline: Mapped[Pipeline] = relationship(back_populates="stages")
    deals: Mapped[list[Deal]] = relationship(back_populates="stage", viewonly=True)


class Deal(Versioned, SoftDeletable, Base):
    __tablename__ = "deals"
    __table_args__ = (
        Index("ix_deals_stage_rank", "stage_id", "rank"),
        Index("ix_deals_pipeline_status", "pipeline_id", "status"),
        CheckConstraint("amount_minor >= 0", name="amount_not_negative"),
        CheckConstraint(
            "customer_id IS NOT NULL OR company_id IS NOT NULL", name="customer_or_company"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    amount_minor: Mapped[int] = mapped_column(BigInteger, default=0)
    currency: Mapped[str] = mapped_column(String(3))
    pipeline_id: Mapped[int] = mapped_column(ForeignKey("pipelines.id"))
    stage_id: Mapped[int] = mapped_column(ForeignKey("pipeline_stages.id"))
    status: Mapped[DealStatus] = mapped_column(enum_type(DealStatus), default=DealStatus.OPEN)
    # order within the stage's column: lower shows first; moves put a deal between neighbours
    rank: Mapped[float] = mapped_column(Float, default=0.0)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"), index=True)
    company_id: Mapped[int | None] = mapped_column(ForeignKey("companies.id"), index=True)
    expected_close_date: Mapped[date | None] = mapped_column(Date, index=True)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    lost_reason: Mapped[str | None] = mapped_column(String(500))
    source: Mapped[str | None] = mapped_column(String(80))
    stage_entered_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    pipeline: Mapped[Pipeline] = relationship(back_populates="deals")
    stage: Mapped[Stage] = relationship(back_populates="deals")
    owner: Mapped[User | None] = relationship()
    customer: Mapped[Customer | None] = relationship()
    company: Mapped[Company | None] = relationship()
    stage_changes: Mapped[list[DealStageChange]] = relationship(
        back_populates="deal", order_by="DealStageChange.id"
    )


class DealStageChange(Base):
    """One step of a deal through the stages (from null when it was created)."""

    __tablename__ = "deal_stage_changes"
    __table_args__ = (Index("ix_deal_stage_changes_deal_id_id", "deal_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    deal_id: Mapped[int] = mapped_column(ForeignKey("deals.id"))
    from_stage_id: Mapped[int | None] = mapped_column(ForeignKey("pipeline_stages.id"))
    to_stage_id: Mapped[int] = mapped_column(ForeignKey("pipeline_stages.id"), index=True)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    deal: Mapped[Deal] = relationship(back_populates="stage_changes")
    from_stage: Mapped[Stage | None] = relationship(foreign_keys=[from_stage_id])
    to_stage: Mapped[Stage] = relationship(foreign_keys=[to_stage_id])
    user: Mapped[User | None] = relationship()


lead_assignment_rule_users = Table(
    "lead_assignment_rule_users",
    Base.metadata,
    Column("rule_id", ForeignKey("lead_assignment_rules.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("users.id"), primary_key=True),
    Column("position", Integer, nullable=False),
)


class LeadAssignmentRule(Versioned, Base):
    """Gives new unowned leads an owner. Rules are tried by position; the first that matches
    the lead (its country for TERRITORY, one of its tags for TAG, anything for ROUND_ROBIN)
    hands it to its next user in turn."""

    __tablename__ = "lead_assignment_rules"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    position: Mapped[int] = mapped_column(Integer, index=True)
    strategy: Mapped[AssignmentStrategy] = mapped_column(enum_type(AssignmentStrategy))
    country: Mapped[str | None] = mapped_column(String(2))
    tag_id: Mapped[int | None] = mapped_column(ForeignKey("tags.id"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    next_index: Mapped[int] = mapped_column(Integer, default=0)  # the round-robin turn

    users: Mapped[list[User]] = relationship(
        secondary=lead_assignment_rule_users, order_by=lead_assignment_rule_users.c.position
    )


def _deal_event_kind(changes: Mapping[str, tuple[Any, Any]]) -> EventKind | None:
    status = changes.get("status")
    if status is not None:
        return {
            DealStatus.WON.value: EventKind.WON,
            DealStatus.LOST.value: EventKind.LOST,
        }.get(status[1], EventKind.REOPENED)
    if {"stage_id", "rank"} & changes.keys():
        return EventKind.MOVED
    return None


# SALES and MANAGER reach their (team's) deals and unowned ones
owned_rows(Deal, Deal.owner_id, unowned(Deal.owner_id))
part_of(DealStageChange.deal_id, Deal, field="stageHistory")
evented(
    Deal,
    EventEntity.DEAL,
    customer=Deal.customer_id,
    pipeline=Deal.pipeline_id,
    kind=_deal_event_kind,
    renamed={"rank": "position"},  # a deal's place in its column
)
