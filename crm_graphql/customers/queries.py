"""Customer root fields."""

from __future__ import annotations

import re

import strawberry
from sqlalchemy import ColumnElement, exists, false, or_, select

from crm_graphql.companies.models import Company
from crm_graphql.core.errors import DomainError
from crm_graphql.customers import national_id
from crm_graphql.customers.inputs import CustomerFilter, CustomerSort
from crm_graphql.customers.models import ContactMethod, Customer
from crm_graphql.customers.types import CustomerType, national_id_cipher
from crm_graphql.graphql.fields import Narrowing, node_field, root_list, text_search
from crm_graphql.graphql.filters import like_pattern
from crm_graphql.graphql.relay import GraphInfo


def customer_search(text: str) -> ColumnElement[bool]:
    """Name, company name, email or phone contains the text (phones by their digits)."""
    pattern = like_pattern(text.strip())
    contacts = ContactMethod.__table__
    matches = [
        Customer.name.ilike(pattern, escape="\\"),
        exists(
            select(Company.id).where(
                Company.id == Customer.company_id,
                Company.deleted_at.is_(None),
                Company.name.ilike(pattern, escape="\\"),
            )
        ),
        exists(
            select(contacts.c.id).where(
                contacts.c.customer_id == Customer.id,
                contacts.c.value.ilike(pattern, escape="\\"),
            )
        ),
    ]
    digits = re.sub(r"\D", "", text)
    if len(digits) >= 4:
        matches.append(
            exists(
                select(contacts.c.id).where(
                    contacts.c.customer_id == Customer.id,
                    contacts.c.kind == "PHONE",
                    contacts.c.value.like(like_pattern(digits), escape="\\"),
                )
            )
        )
    return or_(*matches)


def by_national_id(info: GraphInfo, value: str) -> ColumnElement[bool]:
    try:
        cleaned = national_id.clean(value, ())
    except DomainError:
        return false()  # cannot match any stored ID
    return Customer.national_id_index == national_id_cipher(info).lookup(cleaned)


def _by_national_id(info: GraphInfo, value: str | None) -> ColumnElement[bool] | None:
    return None if value is None else by_national_id(info, value)


@strawberry.type
class CustomerQuery:
    customer = node_field(
        CustomerType, description="One customer by ID (null if it does not exist)."
    )
    customers = root_list(
        CustomerType,
        filter=CustomerFilter,
        sort=CustomerSort,
        narrowing=[
            text_search(
                customer_search,
                description="Text found in the name, company name, an email or a phone number.",
            ),
            Narrowing(
                "national_id",
                "Exact national ID (matched by its blind index).",
                _by_national_id,
            ),
        ],
        include_deleted="Also list deleted customers.",
        description="Customers, filtered, sorted and paginated.",
    )
