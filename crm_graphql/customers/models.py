"""Customers (people), their contact methods and their addresses."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ColumnElement,
    Date,
    ForeignKey,
    Index,
    String,
    and_,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm_graphql.companies.models import Company
from crm_graphql.core.db import Base, SoftDeletable, UTCDateTime, Versioned, enum_type
from crm_graphql.data.access import Viewer, also_visible, owned_rows
from crm_graphql.data.ownership import part_of
from crm_graphql.platform.events.evented import evented
from crm_graphql.platform.events.models import EventEntity

if TYPE_CHECKING:
    from crm_graphql.deals.models import Deal
    from crm_graphql.interactions.models import Interaction
    from crm_graphql.orders.models import Order
    from crm_graphql.platform.users.models import User
    from crm_graphql.privacy.models import Consent
    from crm_graphql.tags.models import Tag


class Gender(enum.StrEnum):
    FEMALE = "FEMALE"
    MALE = "MALE"
    NON_BINARY = "NON_BINARY"
    UNDISCLOSED = "UNDISCLOSED"


class LifecycleStage(enum.StrEnum):
    LEAD = "LEAD"
    PROSPECT = "PROSPECT"
    CUSTOMER = "CUSTOMER"
    CHURNED = "CHURNED"


class CustomerSource(enum.StrEnum):
    WEBSITE = "WEBSITE"
    REFERRAL = "REFERRAL"
    EVENT = "EVENT"
    COLD_OUTREACH = "COLD_OUTREACH"
    ADVERTISING = "ADVERTISING"
    PARTNER = "PARTNER"
    IMPORT = "IMPORT"
    OTHER = "OTHER"


class ContactKind(enum.StrEnum):
    PHONE = "PHONE"
    EMAIL = "EMAIL"
    SOCIAL = "SOCIAL"
    OTHER = "OTHER"


class AddressKind(enum.StrEnum):
    HOME = "HOME"
    WORK = "WORK"
    BILLING = "BILLING"
    SHIPPING = "SHIPPING"
    REGISTERED = "REGISTERED"


class Customer(Versioned, SoftDeletable, Base):
    __tablename__ = "customers"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    gender: Mapped[Gender | None] = mapped_column(enum_type(Gender))
    birthday: Mapped[date | None] = mapped_column(Date)
    occupation: Mapped[str | None] = mapped_column(String(200))
    lifecycle_stage: Mapped[LifecycleStage] = mapped_column(
        enum_type(LifecycleStage), default=LifecycleStage.LEAD, index=True
    )
    source: Mapped[CustomerSource | None] = mapped_column(enum_type(CustomerSource))
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    company_id: Mapped[int | None] = mapped_column(ForeignKey("companies.id"), index=True)
    # AES-256-GCM envelope (crm_graphql.core.crypto) and a keyed HMAC for exact-match lookup; the
    # plaintext is never stored
    national_id_enc: Mapped[str | None] = mapped_column(String(255))
    national_id_index: Mapped[str | None] = mapped_column(String(64), index=True)
    # set by eraseCustomer: the personal data is gone and the record cannot be restored
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    owner: Mapped[User | None] = relationship()
    company: Mapped[Company | None] = relationship(back_populates="people")
    contact_methods: Mapped[list[ContactMethod]] = relationship(
        back_populates="customer", cascade="all, delete-orphan"
    )
    addresses: Mapped[list[Address]] = relationship(
        back_populates="customer", cascade="all, delete-orphan"
    )
    tags: Mapped[list[Tag]] = relationship(secondary="customer_tags", back_populates="customers")
    orders: Mapped[list[Order]] = relationship(back_populates="customer")
    interactions: Mapped[list[Interaction]] = relationship(back_populates="customer")
    consents: Mapped[list[Consent]] = relationship(order_by="Consent.id")
    deals: Mapped[list[Deal]] = relationship(viewonly=True)


class ContactMethod(Versioned, Base):
    __tablename__ = "contact_methods"
    __table_args__ = (
        Index(
            "uq_contact_methods_primary",
            "customer_id",
            "kind",
            unique=True,
            sqlite_where=text("is_primary"),
            postgresql_where=text("is_primary"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customers.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[ContactKind] = mapped_column(enum_type(ContactKind))
    label: Mapped[str | None] = mapped_column(String(50))
    value: Mapped[str] = mapped_column(String(320), index=True)
    is_primary: Mapped[bool] = mapped_column(Boolean, default=False)

    customer: Mapped[Customer] = relationship(back_populates="contact_methods")


class Address(Versioned, Base):
    __tablename__ = "addresses"
    __table_args__ = (
        CheckConstraint("(customer_id IS NULL) <> (company_id IS NULL)", name="one_owner"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int | None] = mapped_column(
        ForeignKey("customers.id", ondelete="CASCADE"), index=True
    )
    company_id: Mapped[int | None] = mapped_column(
        ForeignKey("companies.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[AddressKind] = mapped_column(enum_type(AddressKind))
    line1: Mapped[str] = mapped_column(String(200))
    line2: Mapped[str | None] = mapped_column(String(200))
    city: Mapped[str] = mapped_column(String(100))
    region: Mapped[str | None] = mapped_column(String(100))
    postal_code: Mapped[str | None] = mapped_column(String(20))
    country: Mapped[str] = mapped_column(String(2))

    customer: Mapped[Customer | None] = relationship(back_populates="addresses")
    company: Mapped[Company | None] = relationship(back_populates="addresses")


def _unassigned_leads(viewer: Viewer) -> ColumnElement[bool]:
    c = Customer.__table__.c
    return and_(c.owner_id.is_(None), c.lifecycle_stage == LifecycleStage.LEAD.value)


# SALES and MANAGER reach their (team's) customers and unassigned leads, and the companies
# their customers work for
owned_rows(Customer, Customer.owner_id, _unassigned_leads)
also_visible(Company, through=Customer.company_id)
part_of(ContactMethod.customer_id, Customer, field="contactMethods", in_history=True)
part_of(Address.customer_id, Customer, field="addresses", in_history=True)
part_of(Address.company_id, Company, field="addresses")
evented(
    Customer, EventEntity.CUSTOMER, customer=Customer.id, hidden=frozenset({"national_id_index"})
)
