"""Data-subject rights: export everything held about a person, erase it, record consent, and
purge records past the retention period. No GraphQL here."""

from __future__ import annotations

import enum
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import class_mapper

from crm_graphql.companies.models import Company
from crm_graphql.core.db import Base, utcnow
from crm_graphql.core.errors import DomainError, Problems
from crm_graphql.core.money import format_decimal
from crm_graphql.core.validators import optional_text, required_text
from crm_graphql.customers.models import Address, ContactMethod, Customer
from crm_graphql.customers.national_id import NationalIdCipher
from crm_graphql.data.records import find, policy
from crm_graphql.interactions.models import Interaction
from crm_graphql.orders.models import Order, OrderItem, Payment
from crm_graphql.platform.audit.recorder import note
from crm_graphql.privacy.models import Consent
from crm_graphql.products.models import Product
from crm_graphql.tags.models import Tag, customer_tags

ERASED_NAME = "Erased customer"
# internal columns left out of an export: key material envelopes and lookup digests
_NOT_EXPORTED = {"national_id_enc", "national_id_index", "version"}


def _plain(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _record(instance: Base) -> dict[str, Any]:
    return {
        attr.key: _plain(getattr(instance, attr.key))
        for attr in class_mapper(type(instance)).column_attrs
        if attr.key not in _NOT_EXPORTED
    }


async def _all(session: AsyncSession, model: type[Base], *where: Any) -> Sequence[Any]:
    rows = await session.execute(select(model).where(*where).order_by(model.__table__.c.id))
    return rows.scalars().all()


async def export_customer_data(
    *, session: AsyncSession, customer_id: int, cipher: NationalIdCipher
) -> dict[str, Any]:
    """Everything held about one person, as JSON-ready data (national ID in clear)."""
    customer = await find(session, Customer, customer_id, ("customerId",), deleted=None)
    note(session, "Customer", customer.id)  # who took a copy of everything: audited
    data = _record(customer)
    data["national_id"] = (
        cipher.open(customer.id, customer.national_id_enc) if customer.national_id_enc else None
    )
    if customer.company_id is not None:
        company = await session.get(Company, customer.company_id)
        data["company"] = {"id": company.id, "name": company.name} if company else None
    data["contact_methods"] = [
        _record(c)
        for c in await _all(session, ContactMethod, ContactMethod.customer_id == customer.id)
    ]
    data["addresses"] = [
        _record(a) for a in await _all(session, Address, Address.customer_id == customer.id)
    ]
    tags = await session.execute(
        select(Tag.name).join(customer_tags).where(customer_tags.c.customer_id == customer.id)
    )
    data["tags"] = sorted(tags.scalars())
    orders = await _all(session, Order, Order.customer_id == customer.id)
    order_ids = [o.id for o in orders]
    items = await _all(session, OrderItem, OrderItem.order_id.in_(order_ids))
    payments = await _all(session, Payment, Payment.order_id.in_(order_ids))
    products = {
        p.id: p.name
        for p in await _all(session, Product, Product.id.in_({i.product_id for i in items}))
    }
    data["orders"] = [
        {
            **_record(order),
            "total": format_decimal(order.total_minor, order.currency),
            "items": [
                {**_record(i), "product": products.get(i.product_id)}
                for i in items
                if i.order_id == order.id
            ],
            "payments": [_record(p) for p in payments if p.order_id == order.id],
        }
        for order in orders
    ]
    data["interactions"] = [
        _record(i) for i in await _all(session, Interaction, Interaction.customer_id == customer.id)
    ]
    data["consents"] = [
        _record(c) for c in await _all(session, Consent, Consent.customer_id == customer.id)
    ]
    return data


async def erase_customer(*, session: AsyncSession, customer_id: int, reason: str) -> Customer:
    """Removes or anonymises the person's data in every table, irreversibly. Orders and
    payments stay, anonymised, for the books; consent records stay as proof."""
    required_text(reason, ("reason",), 500)
    customer = await find(session, Customer, customer_id, ("customerId",), deleted=None)
    if customer.erased_at is not None:
        raise DomainError.single(("customerId",), "This customer was erased already.")
    await _erase(session, customer)
    return customer


async def _erase(session: AsyncSession, customer: Customer) -> None:
    now = utcnow()
    for key in (
        "gender",
        "birthday",
        "occupation",
        "source",
        "national_id_enc",
        "national_id_index",
    ):
        setattr(customer, key, None)
    customer.name = ERASED_NAME
    customer.erased_at = now
    customer.deleted_at = customer.deleted_at or now
    await session.execute(delete(ContactMethod).where(ContactMethod.customer_id == customer.id))
    await session.execute(delete(Address).where(Address.customer_id == customer.id))
    await session.execute(delete(customer_tags).where(customer_tags.c.customer_id == customer.id))
    await session.execute(
        update(Interaction)
        .where(Interaction.customer_id == customer.id)
        .values(subject="[erased]", body=None, version=Interaction.version + 1)
        .execution_options(synchronize_session=False)
    )
    orders = select(Order.id).where(Order.customer_id == customer.id).scalar_subquery()
    await session.execute(
        update(Order)
        .where(Order.customer_id == customer.id)
        .values(notes=None, version=Order.version + 1)
        .execution_options(synchronize_session=False)
    )
    await session.execute(
        update(Payment)
        .where(Payment.order_id.in_(orders))
        .values(reference=None)
        .execution_options(synchronize_session=False)
    )
    await session.flush()


async def record_consent(
    *,
    session: AsyncSession,
    customer_id: int,
    purpose: str,
    granted: bool,
    text_version: str,
    source: str | None,
) -> Consent:
    await find(session, Customer, customer_id, ("customerId",))
    problems = Problems()
    clean_purpose = problems.check(required_text, purpose, ("purpose",), 100)
    version = problems.check(required_text, text_version, ("textVersion",), 50)
    origin = problems.check(optional_text, source, ("source",), 100)
    problems.raise_if_any()
    active = policy(session)
    consent = Consent(
        customer_id=customer_id,
        purpose=(clean_purpose or "").lower(),
        granted=granted,
        text_version=version,
        source=origin,
        recorded_by_id=active.viewer.user_id if active else None,
    )
    session.add(consent)
    await session.flush()
    return consent


async def purge_expired(*, session: AsyncSession, retention_days: int) -> dict[str, int]:
    """Past the retention period, deleted customers are erased and deleted interactions go."""
    cutoff = utcnow() - timedelta(days=retention_days)
    expired = await session.execute(
        select(Customer).where(
            Customer.deleted_at.is_not(None),
            Customer.deleted_at < cutoff,
            Customer.erased_at.is_(None),
        )
    )
    customers = expired.scalars().all()
    for customer in customers:
        await _erase(session, customer)
    gone = await session.execute(
        delete(Interaction)
        .where(Interaction.deleted_at.is_not(None), Interaction.deleted_at < cutoff)
        .returning(Interaction.id)
    )
    return {"customers_erased": len(customers), "interactions_deleted": len(gone.all())}
