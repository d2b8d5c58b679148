"""GraphQL type of tags."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry

from crm_graphql.companies.inputs import CompanyFilter, CompanySort
from crm_graphql.companies.types import CompanyType
from crm_graphql.customers.inputs import CustomerFilter, CustomerSort
from crm_graphql.customers.types import PAGE_ARGS_DOC, CustomerType
from crm_graphql.graphql.arguments import FILTER, ORDER_BY, After, Before, First, Last
from crm_graphql.graphql.fields import related_connection, to_many
from crm_graphql.graphql.relay import Connection, GraphInfo, Node, NodeType, register
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

    @strawberry.field(description="Customers with this tag. " + PAGE_ARGS_DOC)
    @to_many(Tag.customers)
    async def customers(
        self,
        info: GraphInfo,
        filter: Annotated[CustomerFilter | None, FILTER] = None,
        order_by: Annotated[list[CustomerSort] | None, ORDER_BY] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[CustomerType]:
        return await related_connection(
            info,
            self,
            Tag.customers,
            filter=filter,
            order_by=order_by,
            first=first,
            after=after,
            last=last,
            before=before,
        )

    @strawberry.field(description="Companies with this tag. " + PAGE_ARGS_DOC)
    @to_many(Tag.companies)
    async def companies(
        self,
        info: GraphInfo,
        filter: Annotated[CompanyFilter | None, FILTER] = None,
        order_by: Annotated[list[CompanySort] | None, ORDER_BY] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[CompanyType]:
        return await related_connection(
            info,
            self,
            Tag.companies,
            filter=filter,
            order_by=order_by,
            first=first,
            after=after,
            last=last,
            before=before,
        )
