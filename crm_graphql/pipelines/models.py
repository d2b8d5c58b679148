"""Sales pipelines: ordered stages (the columns of a board) that deals move through."""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm_graphql.core.db import Base, SoftDeletable, Versioned, enum_type

if TYPE_CHECKING:
    from crm_graphql.deals.models import Deal


class StageKind(enum.StrEnum):
    OPEN = "OPEN"
    WON = "WON"
    LOST = "LOST"


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
