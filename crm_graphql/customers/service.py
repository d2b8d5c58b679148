"""Customer domain logic: validation, normalisation and writes. No GraphQL here."""

from __future__ import annotations

from collections.abc import Awaitable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from crm_graphql.companies.service import require_company
from crm_graphql.core.db import utcnow
from crm_graphql.core.errors import DomainError, ErrorCode, Problems
from crm_graphql.core.validators import (
    normalize_country,
    normalize_email,
    normalize_phone,
    optional_text,
    past_date,
    required_text,
)
from crm_graphql.customers import national_id
from crm_graphql.customers.models import (
    Address,
    AddressKind,
    ContactKind,
    ContactMethod,
    Customer,
)
from crm_graphql.customers.national_id import NationalIdCipher
from crm_graphql.data.records import (
    check_assignable,
    check_version,
    default_owner,
    find,
    find_all,
    visible,
)
from crm_graphql.platform.audit.recorder import note
from crm_graphql.platform.users.service import require_active_user
from crm_graphql.tags.service import require_tags

MAX_CONTACT_METHODS = 50
MAX_ADDRESSES = 20


class CustomerCreated(Protocol):
    """Work another domain does in the transaction that creates a customer, once the customer
    is flushed (lead assignment gives a new lead its owner)."""

    def __call__(self, *, session: AsyncSession, customer: Customer) -> Awaitable[object]: ...


_ON_CREATED: list[CustomerCreated] = []


def on_customer_created(hook: CustomerCreated) -> None:
    """Registers `hook` with create_customer; hooks run in the order they were registered."""
    if hook not in _ON_CREATED:
        _ON_CREATED.append(hook)


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


def _today() -> date:
    return utcnow().date()


async def _clean_customer(
    session: AsyncSession, values: Mapping[str, Any], problems: Problems
) -> dict[str, Any]:
    """Validated column values for the given customer fields (API names -> attribute names)."""
    out: dict[str, Any] = {}
    for key, value in values.items():
        if key == "name":
            out["name"] = problems.check(required_text, value or "", ("name",), 200)
        elif key == "occupation":
            out[key] = problems.check(optional_text, value, ("occupation",), 200)
        elif key == "birthday":
            out[key] = problems.check(past_date, value, ("birthday",), _today())
        elif key == "lifecycle_stage":
            if value is None:
                problems.add(("lifecycleStage",), "Must not be null.")
            out[key] = value
        elif key in {"gender", "source"}:
            out[key] = value
        elif key == "owner_id":
            out[key] = value and await require_active_user(session, value, ("ownerId",), problems)
            check_assignable(session, value, ("ownerId",), problems)
        elif key == "national_id":
            out[key] = value and problems.check(national_id.clean, value, ("nationalId",))
        elif key == "company_id":
            out[key] = value and await require_company(session, value, ("companyId",), problems)
        else:  # pragma: no cover - the GraphQL inputs only carry the keys above
            raise KeyError(key)
    return out


def clean_contact_value(
    kind: ContactKind, value: str, field: Sequence[str], phone_region: str | None
) -> str:
    if kind is ContactKind.EMAIL:
        return normalize_email(value, field)
    if kind is ContactKind.PHONE:
        return normalize_phone(value, field, phone_region)
    return required_text(value, field, 320)


def _clean_address(new: NewAddress, field: tuple[str, ...], problems: Problems) -> Address | None:
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


def _clean_contacts(
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


async def create_customer(
    *,
    session: AsyncSession,
    fields: Mapping[str, Any],
    contact_methods: Sequence[NewContactMethod] = (),
    addresses: Sequence[NewAddress] = (),
    tag_ids: Sequence[int] = (),
    phone_region: str | None,
    cipher: NationalIdCipher,
) -> Customer:
    problems = Problems()
    if "name" not in fields:
        problems.add(("name",), "Must not be blank.")
    if fields.get("owner_id") is None:
        fields = {**fields, "owner_id": default_owner(session)}
    values = await _clean_customer(session, fields, problems)
    contacts = _clean_contacts(contact_methods, phone_region, problems)
    if len(addresses) > MAX_ADDRESSES:
        problems.add(("addresses",), f"At most {MAX_ADDRESSES} addresses.")
    new_addresses = [
        _clean_address(a, ("addresses", str(i)), problems) for i, a in enumerate(addresses)
    ]
    tags = await require_tags(session, tag_ids, ("tagIds",), problems)
    problems.raise_if_any()
    secret = values.pop("national_id", None)
    customer = Customer(**values)
    customer.contact_methods = contacts
    customer.addresses = [a for a in new_addresses if a is not None]
    customer.tags = tags
    session.add(customer)
    await session.flush()
    if secret:  # the envelope is bound to the row id, known only now
        customer.national_id_enc, customer.national_id_index = cipher.seal(customer.id, secret)
        await session.flush()
    for hook in _ON_CREATED:
        await hook(session=session, customer=customer)
    return customer


async def update_customer(
    *,
    session: AsyncSession,
    customer_id: int,
    expected_version: int,
    fields: Mapping[str, Any],
    cipher: NationalIdCipher,
) -> Customer:
    customer = await find(session, Customer, customer_id, ("id",))
    check_version(customer, expected_version, ("expectedVersion",))
    problems = Problems()
    values = await _clean_customer(session, fields, problems)
    problems.raise_if_any()
    if "national_id" in values:
        secret = values.pop("national_id")
        sealed = cipher.seal(customer.id, secret) if secret else (None, None)
        customer.national_id_enc, customer.national_id_index = sealed
    for key, value in values.items():
        setattr(customer, key, value)
    await session.flush()
    return customer


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
    address = _clean_address(new, (), problems)
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
    cleaned = _clean_address(merged, (), problems)
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


async def require_customers(session: AsyncSession, pks: list[int], problems: Problems) -> None:
    """NOT_FOUND problems for keys that name no live customer."""
    try:
        await find_all(session, Customer, pks, ("customerIds",))
    except DomainError as exc:
        problems.extend(exc)


async def require_customer(
    session: AsyncSession, pk: int, field: Sequence[str], problems: Problems
) -> None:
    """A NOT_FOUND problem when `pk` names no live customer."""
    if await visible(session, Customer, pk) is None:
        problems.add(field, "No Customer with this ID exists.", ErrorCode.NOT_FOUND)


async def reveal_national_id(
    *, session: AsyncSession, customer_id: int, cipher: NationalIdCipher
) -> tuple[Customer, str | None]:
    """The customer and its national ID in clear (the caller audits the read)."""
    customer = await find(session, Customer, customer_id, ("customerId",))
    note(session, "Customer", customer.id)  # a read in clear: audited like a change
    if customer.national_id_enc is None:
        return customer, None
    return customer, cipher.open(customer.id, customer.national_id_enc)
