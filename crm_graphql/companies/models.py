"""Companies (organisations) that customers belong to."""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm_graphql.core.db import Base, SoftDeletable, Versioned, enum_type
from crm_graphql.data.access import owned_rows, unowned
from crm_graphql.platform.events.evented import evented
from crm_graphql.platform.events.models import EventEntity

if TYPE_CHECKING:
    from crm_graphql.customers.models import Address, Customer
    from crm_graphql.deals.models import Deal
    from crm_graphql.orders.models import Order
    from crm_graphql.platform.users.models import User
    from crm_graphql.tags.models import Tag


class CompanySize(enum.StrEnum):
    MICRO = "MICRO"
    SMALL = "SMALL"
    MEDIUM = "MEDIUM"
    LARGE = "LARGE"
    ENTERPRISE = "ENTERPRISE"


class Company(Versioned, SoftDeletable, Base):
    __tablename__ = "companies"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    industry: Mapped[str | None] = mapped_column(String(100), index=True)
    size: Mapped[CompanySize | None] = mapped_column(enum_type(CompanySize))
    website: Mapped[str | None] = mapped_column(String(500))
    domain: Mapped[str | None] = mapped_column(String(253), index=True)
    legal_representative: Mapped[str | None] = mapped_column(String(200))
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)

    owner: Mapped[User | None] = relationship()
    people: Mapped[list[Customer]] = relationship(back_populates="company")
    addresses: Mapped[list[Address]] = relationship(back_populates="company")
    tags: Mapped[list[Tag]] = relationship(secondary="company_tags", back_populates="companies")
    deals: Mapped[list[Deal]] = relationship(viewonly=True)
    orders: Mapped[list[Order]] = relationship(
        secondary="customers",
        primaryjoin="Company.id == Customer.company_id",
        secondaryjoin="Customer.id == Order.customer_id",
        viewonly=True,
    )


# SALES and MANAGER reach their (team's) companies and unowned ones
owned_rows(Company, Company.owner_id, unowned(Company.owner_id))
evented(Company, EventEntity.COMPANY)
