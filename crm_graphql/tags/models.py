"""Tags: case-insensitively unique labels on customers and companies."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import Column, ForeignKey, String, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm_graphql.core.db import Base, SoftDeletable, UTCDateTime, Versioned, utcnow

if TYPE_CHECKING:
    from crm_graphql.companies.models import Company
    from crm_graphql.customers.models import Customer

customer_tags = Table(
    "customer_tags",
    Base.metadata,
    Column("customer_id", ForeignKey("customers.id", ondelete="CASCADE"), primary_key=True),
    Column("tag_id", ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True, index=True),
    Column("created_at", UTCDateTime(), nullable=False, default=utcnow),
)

company_tags = Table(
    "company_tags",
    Base.metadata,
    Column("company_id", ForeignKey("companies.id", ondelete="CASCADE"), primary_key=True),
    Column("tag_id", ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True, index=True),
    Column("created_at", UTCDateTime(), nullable=False, default=utcnow),
)


class Tag(Versioned, SoftDeletable, Base):
    __tablename__ = "tags"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50))
    name_key: Mapped[str] = mapped_column(String(200), unique=True)  # casefold() may grow it
    color: Mapped[str | None] = mapped_column(String(7))

    customers: Mapped[list[Customer]] = relationship(secondary=customer_tags, back_populates="tags")
    companies: Mapped[list[Company]] = relationship(secondary=company_tags, back_populates="tags")
