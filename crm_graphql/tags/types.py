"""GraphQL type of tags."""

from __future__ import annotations

from datetime import datetime

import strawberry

from crm_graphql.companies.refs import CompanyFilterRef, CompanyRef, CompanySortRef
from crm_graphql.customers.refs import CustomerFilterRef, CustomerRef, CustomerSortRef
from crm_graphql.graphql.fields import to_many
from crm_graphql.graphql.relay import Connection, Node, NodeType, register
from crm_graphql.tags.models import Tag


@register(Tag)
@strawberry.type(name="Tag", description="A label on customers and companies.")
class TagType(NodeType, Node):
    name: str = strawberry.field(description="Name; unique ignoring case.")
    color: str | None = strawberry.field(description="Display colour, #RRGGBB.")
    version: int = strawberry.field(
        description="Increases on every change; send it back as `expectedVersion` to update."
    )
    created_at: datetime = strawberry.field(description="When the tag was created.")
    updated_at: datetime = strawberry.field(description="When the tag last changed.")
    deleted_at: datetime | None = strawberry.field(description="When it was deleted, if so.")

    customers: Connection[CustomerRef] = to_many(
        Tag.customers,
        filter=CustomerFilterRef,
        sort=CustomerSortRef,
        description="Customers with this tag.",
    )
    companies: Connection[CompanyRef] = to_many(
        Tag.companies,
        filter=CompanyFilterRef,
        sort=CompanySortRef,
        description="Companies with this tag.",
    )
