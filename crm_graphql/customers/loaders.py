"""Batch loads of the customer domain beyond the generic relation loaders."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from sqlalchemy import select

from crm_graphql.customers.models import ContactKind, ContactMethod
from crm_graphql.loaders import one_of

if TYPE_CHECKING:
    from crm_graphql.context import Context
    from crm_graphql.relay import NodeType


async def primary_contacts(
    ctx: Context, customers: Sequence[NodeType], kind: ContactKind
) -> list[str | None]:
    """The primary contact value of `kind` of each customer, for every customer of the request
    in one statement."""
    reader = ctx.reader

    async def primary_contacts_by_customer(ids: list[int]) -> list[dict[ContactKind, str]]:
        table = ContactMethod.__table__
        rows = await reader.rows(
            select(table.c.customer_id, table.c.kind, table.c.value).where(
                one_of(table.c.customer_id, ids, reader.dialect), table.c.is_primary.is_(True)
            )
        )
        found: dict[int, dict[ContactKind, str]] = {i: {} for i in ids}
        for row in rows:
            found[row.customer_id][row.kind] = row.value
        return [found[i] for i in ids]

    loader = ctx.loaders.custom("primary_contacts", primary_contacts_by_customer)
    contacts = await loader.load_many([customer.pk for customer in customers])
    return [found.get(kind) for found in contacts]
