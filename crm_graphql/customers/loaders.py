"""Batch loads of the customer domain beyond the generic relation loaders."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy import Select, select

from crm_graphql.customers.models import ContactKind, ContactMethod
from crm_graphql.data.loaders import KEYS, STATEMENTS, keys_parameter

if TYPE_CHECKING:
    from crm_graphql.graphql.context import Context
    from crm_graphql.graphql.relay import NodeType


async def primary_contacts(
    ctx: Context, customers: Sequence[NodeType], kind: ContactKind
) -> list[str | None]:
    """The primary contact value of `kind` of each customer, for every customer of the request
    in one statement."""
    reader = ctx.reader
    table = ContactMethod.__table__

    def build() -> Select[Any]:
        return select(table.c.customer_id, table.c.kind, table.c.value).where(
            keys_parameter(table.c.customer_id, reader.dialect), table.c.is_primary.is_(True)
        )

    async def primary_contacts_by_customer(ids: list[int]) -> list[dict[ContactKind, str]]:
        stmt = STATEMENTS.get(("primary_contacts", reader.dialect), build)
        rows = await reader.rows(stmt, {KEYS: ids})
        found: dict[int, dict[ContactKind, str]] = {i: {} for i in ids}
        for row in rows:
            found[row.customer_id][row.kind] = row.value
        return [found[i] for i in ids]

    loader = ctx.loaders.custom("primary_contacts", primary_contacts_by_customer)
    contacts = await loader.load_many([customer.pk for customer in customers])
    return [found.get(kind) for found in contacts]
