"""Lead assignment rules: which new unowned leads go to which sales users, in turn."""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING

from sqlalchemy import Boolean, Column, ForeignKey, Integer, String, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm_graphql.core.db import Base, Versioned, enum_type

if TYPE_CHECKING:
    from crm_graphql.platform.users.models import User


class AssignmentStrategy(enum.StrEnum):
    ROUND_ROBIN = "ROUND_ROBIN"
    TERRITORY = "TERRITORY"
    TAG = "TAG"


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
