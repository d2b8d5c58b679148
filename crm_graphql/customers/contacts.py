"""Contact methods and addresses: the parts of a customer (an address also of a company),
validated and normalised, with one primary contact method of each kind. No GraphQL here."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from crm_graphql.companies.service import require_company
from crm_graphql.core.errors import DomainError, ErrorCode, Problems
from crm_graphql.core.validators import (
    normalize_country,
    normalize_email,
    normalize_phone,
    optional_text,
    required_text,
)
from crm_graphql.customers.models import Address, AddressKind, ContactKind, ContactMethod, Customer
from crm_graphql.data.records import check_version, find

MAX_CONTACT_METHODS = 50
MAX_ADDRESSES = 20


@dataclass(frozen=True, slots=True)
class NewContactMethod:
    kind: ContactKind
    value: str
    label: str | None = None
    is_primary: bool | None = None


@dataclass(frozen=True, slots=True)
class NewAddress:
    kind: AddressKind
    line1: str
    city: str
    country: str
    line2: str | None = None
    region: str | None = None
    postal_code: str | None = None


def clean_contact_value(
    kind: ContactKind, value: str, field: Sequence[str], phone_region: str | None
) -> str:
    if kind is ContactKind.EMAIL:
        return normalize_email(value, field)
    if kind is ContactKind.PHONE:
        return normalize_phone(value, field, phone_region)
    return required_text(value, field, 320)


def clean_address(new: NewAddress, field: tuple[str, ...], problems: Problems) -> Address | None:
    line1 = problems.check(required_text, new.line1, (*field, "line1"), 200)
    city = problems.check(required_text, new.city, (*field, "city"), 100)
    country = problems.check(normalize_country, new.country, (*field, "country"))
    line2 = problems.check(optional_text, new.line2, (*field, "line2"), 200)
    region = problems.check(optional_text, new.region, (*field, "region"), 100)
    postal = problems.check(optional_text, new.postal_code, (*field, "postalCode"), 20)
    if line1 is None or city is None or country is None:
        return None
    return Address(
        kind=new.kind,
        line1=line1,
        line2=line2,
        city=city,
        region=region,
        postal_code=postal,
        country=country,
    )


def clean_contacts(
    contacts: Sequence[NewContactMethod], phone_region: str | None, problems: Problems
) -> list[ContactMethod]:
    if len(contacts) > MAX_CONTACT_METHODS:
        problems.add(("contactMethods",), f"At most {MAX_CONTACT_METHODS} contact methods.")
        return []
    cleaned: list[ContactMethod] = []
    primary_kinds: set[ContactKind] = set()
    for i, new in enumerate(contacts):
        field = ("contactMethods", str(i))
        value = problems.check(
            clean_contact_value, new.kind, new.value, (*field, "value"), phone_region
        )
        label = problems.check(optional_text, new.label, (*field, "label"), 50)
        if new.is_primary:
            if new.kind in primary_kinds:
                problems.add((*field, "isPrimary"), f"Only one {new.kind.value} can be primary.")
            primary_kinds.add(new.kind)
        if value is not None:
            cleaned.append(
                ContactMethod(
                    kind=new.kind, value=value, label=label, is_primary=bool(new.is_primary)
                )
            )
    for contact in cleaned:  # the first of each kind is primary unless another is named
        if contact.kind not in primary_kinds:
            contact.is_primary = True
            primary_kinds.add(contact.kind)
    return cleaned


async def add_contact_method(
    *,
    session: AsyncSession,
    customer_id: int,
    new: NewContactMethod,
    phone_region: str | None,
) -> ContactMethod:
    await find(session, Customer, customer_id, ("customerId",))
    value = clean_contact_value(new.kind, new.value, ("value",), phone_region)
    label = optional_text(new.label, ("label",), 50)
    existing = (
        (
            await session.execute(
                select(ContactMethod).where(
                    ContactMethod.customer_id == customer_id, ContactMethod.kind == new.kind
                )
            )
        )
        .scalars()
        .all()
    )
    if len(existing) >= MAX_CONTACT_METHODS:
        raise DomainError.single(("customerId",), "This customer has too many contact methods.")
    if any(c.value == value for c in existing):
        raise DomainError.single(
            ("value",), "This customer already has this contact method.", ErrorCode.DUPLICATE
        )
    primary = bool(new.is_primary) or not any(c.is_primary for c in existing)
    if primary:
        await _clear_primary(session, customer_id, new.kind)
    contact = ContactMethod(
        customer_id=customer_id, kind=new.kind, value=value, label=label, is_primary=primary
    )
    session.add(contact)
    await session.flush()
    return contact


async def _clear_primary(session: AsyncSession, customer_id: int, kind: ContactKind) -> None:
    await session.execute(
        update(ContactMethod)
        .where(
            ContactMethod.customer_id == customer_id,
            ContactMethod.kind == kind,
            ContactMethod.is_primary.is_(True),
        )
        .values(is_primary=False, version=ContactMethod.version + 1)
        .execution_options(synchronize_session="fetch")
    )


async def update_contact_method(
    *,
    session: AsyncSession,
    contact_method_id: int,
    expected_version: int,
    fields: Mapping[str, Any],
    phone_region: str | None,
) -> ContactMethod:
    contact = await find(session, ContactMethod, contact_method_id, ("id",))
    check_version(contact, expected_version, ("expectedVersion",))
    problems = Problems()
    if "value" in fields:
        value = problems.check(
            clean_contact_value, contact.kind, fields["value"] or "", ("value",), phone_region
        )
    if "label" in fields:
        label = problems.check(optional_text, fields["label"], ("label",), 50)
    if fields.get("is_primary") is False and contact.is_primary:
        problems.add(
            ("isPrimary",), "Make another contact method primary instead of unsetting this one."
        )
    problems.raise_if_any()
    if "value" in fields:
        contact.value = value  # type: ignore[assignment]
    if "label" in fields:
        contact.label = label
    if fields.get("is_primary") and not contact.is_primary:
        await _clear_primary(session, contact.customer_id, contact.kind)
        contact.is_primary = True
    await session.flush()
    return contact


async def remove_contact_method(*, session: AsyncSession, contact_method_id: int) -> ContactMethod:
    contact = await find(session, ContactMethod, contact_method_id, ("id",))
    await session.delete(contact)
    await session.flush()
    if contact.is_primary:  # promote the oldest remaining one of the same kind
        successor = (
            await session.execute(
                select(ContactMethod)
                .where(
                    ContactMethod.customer_id == contact.customer_id,
                    ContactMethod.kind == contact.kind,
                )
                .order_by(ContactMethod.id)
                .limit(1)
            )
        ).scalar_one_or_none()
        if successor is not None:
            successor.is_primary = True
            await session.flush()
    return contact


async def add_address(
    *,
    session: AsyncSession,
    customer_id: int | None,
    company_id: int | None,
    new: NewAddress,
) -> Address:
    if (customer_id is None) == (company_id is None):
        raise DomainError.single(("customerId",), "Give exactly one of customerId and companyId.")
    problems = Problems()
    if customer_id is not None:
        await find(session, Customer, customer_id, ("customerId",))
    else:
        assert company_id is not None
        await require_company(session, company_id, ("companyId",), problems)
    address = clean_address(new, (), problems)
    problems.raise_if_any()
    assert address is not None
    address.customer_id = customer_id
    address.company_id = company_id
    session.add(address)
    await session.flush()
    return address


async def update_address(
    *,
    session: AsyncSession,
    address_id: int,
    expected_version: int,
    fields: Mapping[str, Any],
) -> Address:
    address = await find(session, Address, address_id, ("id",))
    check_version(address, expected_version, ("expectedVersion",))
    merged = NewAddress(
        kind=fields.get("kind") or address.kind,
        line1=fields.get("line1", address.line1) or "",
        city=fields.get("city", address.city) or "",
        country=fields.get("country", address.country) or "",
        line2=fields.get("line2", address.line2),
        region=fields.get("region", address.region),
        postal_code=fields.get("postal_code", address.postal_code),
    )
    problems = Problems()
    cleaned = clean_address(merged, (), problems)
    problems.raise_if_any()
    assert cleaned is not None
    for key in ("kind", "line1", "line2", "city", "region", "postal_code", "country"):
        setattr(address, key, getattr(cleaned, key))
    await session.flush()
    return address


async def remove_address(*, session: AsyncSession, address_id: int) -> Address:
    address = await find(session, Address, address_id, ("id",))
    await session.delete(address)
    await session.flush()
    return address
