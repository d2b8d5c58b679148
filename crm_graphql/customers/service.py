"""Customer domain logic: validation, normalisation and writes of customers (their contact
methods and addresses: contacts.py). No GraphQL here."""

from __future__ import annotations

from collections.abc import Awaitable, Mapping, Sequence
from datetime import date
from typing import Any, Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from crm_graphql.companies.service import require_company
from crm_graphql.core.db import utcnow
from crm_graphql.core.errors import ErrorCode, Problems
from crm_graphql.core.validators import optional_text, past_date, required_text
from crm_graphql.customers import national_id
from crm_graphql.customers.contacts import (
    MAX_ADDRESSES,
    NewAddress,
    NewContactMethod,
    clean_address,
    clean_contacts,
)
from crm_graphql.customers.models import Customer
from crm_graphql.customers.national_id import NationalIdCipher
from crm_graphql.data.records import (
    check_assignable,
    check_version,
    default_owner,
    find,
    require_all,
    visible,
)
from crm_graphql.platform.audit.recorder import note
from crm_graphql.platform.users.service import require_active_user
from crm_graphql.tags.service import require_tags


class CustomerCreated(Protocol):
    """Work another domain does in the transaction that creates a customer, once the customer
    is flushed (lead assignment gives a new lead its owner)."""

    def __call__(self, *, session: AsyncSession, customer: Customer) -> Awaitable[object]: ...


_ON_CREATED: list[CustomerCreated] = []


def on_customer_created(hook: CustomerCreated) -> None:
    """Registers `hook` with create_customer; hooks run in the order they were registered."""
    if hook not in _ON_CREATED:
        _ON_CREATED.append(hook)


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
    contacts = clean_contacts(contact_methods, phone_region, problems)
    if len(addresses) > MAX_ADDRESSES:
        problems.add(("addresses",), f"At most {MAX_ADDRESSES} addresses.")
    new_addresses = [
        clean_address(a, ("addresses", str(i)), problems) for i, a in enumerate(addresses)
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


async def require_customers(session: AsyncSession, pks: list[int], problems: Problems) -> None:
    """NOT_FOUND problems for keys that name no live customer."""
    await require_all(session, Customer, pks, ("customerIds",), problems)


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
