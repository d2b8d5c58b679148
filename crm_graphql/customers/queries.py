"""Customer root fields."""

from __future__ import annotations

import re
from typing import Annotated

import strawberry
from sqlalchemy import ColumnElement, exists, false, or_, select

from crm_graphql.companies.models import Company
from crm_graphql.core.errors import DomainError
from crm_graphql.customers import national_id
from crm_graphql.customers.inputs import CustomerFilter, CustomerSort
from crm_graphql.customers.models import ContactMethod, Customer
from crm_graphql.customers.types import PAGE_ARGS_DOC, CustomerType, national_id_cipher
from crm_graphql.graphql.arguments import FILTER, ORDER_BY, After, Before, First, Last, ObjectId
from crm_graphql.graphql.fields import resolve_by_id, root_connection
from crm_graphql.graphql.filters import like_pattern
from crm_graphql.graphql.relay import Connection, GraphInfo


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


@strawberry.type
class CustomerQuery:
    @strawberry.field(description="One customer by ID (null if it does not exist).")
    async def customer(self, info: GraphInfo, id: ObjectId) -> CustomerType | None:
        return await resolve_by_id(info, CustomerType, id)

    @strawberry.field(description="Customers, filtered, sorted and paginated. " + PAGE_ARGS_DOC)
    async def customers(
        self,
        info: GraphInfo,
        filter: Annotated[CustomerFilter | None, FILTER] = None,
        order_by: Annotated[list[CustomerSort] | None, ORDER_BY] = None,
        search: Annotated[
            str | None,
            strawberry.argument(
                description="Text found in the name, company name, an email or a phone number."
            ),
        ] = None,
        national_id: Annotated[
            str | None,
            strawberry.argument(description="Exact national ID (matched by its blind index)."),
        ] = None,
        include_deleted: Annotated[
            bool, strawberry.argument(description="Also list deleted customers.")
        ] = False,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[CustomerType]:
        return await root_connection(
            info,
            CustomerType,
            filter=filter,
            order_by=order_by,
            first=first,
            after=after,
            last=last,
            before=before,
            include_deleted=include_deleted,
            where=[
                *([customer_search(search)] if search and search.strip() else []),
                *([by_national_id(info, national_id)] if national_id is not None else []),
            ],
        )
