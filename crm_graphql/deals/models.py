"""Deals on a pipeline's board and their stage history."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import BigInteger, CheckConstraint, Date, Float, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm_graphql.core.db import Base, SoftDeletable, UTCDateTime, Versioned, enum_type, utcnow
from crm_graphql.data.access import owned_rows, unowned
from crm_graphql.data.ownership import part_of
from crm_graphql.pipelines.models import Pipeline, Stage
from crm_graphql.platform.events.evented import evented
from crm_graphql.platform.events.models import EventEntity, EventKind

if TYPE_CHECKING:
    from crm_graphql.companies.models import Company
    from crm_graphql.customers.models import Customer
    from crm_graphql.platform.users.models import User


class DealStatus(enum.StrEnum):
    """Kept equal to the kind of the deal's stage by the service (a column to filter on)."""

    OPEN = "OPEN"
    WON = "WON"
    LOST = "LOST"


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
