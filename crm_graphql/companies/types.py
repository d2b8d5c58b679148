"""GraphQL type of companies."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry

import crm_graphql.companies.enums  # noqa: F401  (registers the GraphQL enums)
from crm_graphql.companies.models import Company, CompanySize
from crm_graphql.customers.inputs import AddressFilter, CustomerFilter, CustomerSort
from crm_graphql.customers.models import AddressKind
from crm_graphql.customers.types import PAGE_ARGS_DOC, AddressType, CustomerType
from crm_graphql.deals.refs import DealFilterRef, DealRef, DealSortRef
from crm_graphql.graphql.arguments import FILTER, ORDER_BY, After, Before, First, Last
from crm_graphql.graphql.fields import related_connection, related_one, to_many, to_one
from crm_graphql.graphql.filters import EnumFilter
from crm_graphql.graphql.relay import Connection, GraphInfo, Node, NodeType, register

if TYPE_CHECKING:
    from crm_graphql.orders.inputs import OrderFilter, OrderSort
    from crm_graphql.orders.types import OrderType
    from crm_graphql.platform.users.types import UserType
    from crm_graphql.tags.inputs import TagFilter, TagSort
    from crm_graphql.tags.types import TagType


User = Annotated["UserType", strawberry.lazy("crm_graphql.platform.users.types")]
Tag = Annotated["TagType", strawberry.lazy("crm_graphql.tags.types")]
TagFilterArg = Annotated["TagFilter", strawberry.lazy("crm_graphql.tags.inputs")]
TagSortArg = Annotated["TagSort", strawberry.lazy("crm_graphql.tags.inputs")]
Order = Annotated["OrderType", strawberry.lazy("crm_graphql.orders.types")]
OrderFilterArg = Annotated["OrderFilter", strawberry.lazy("crm_graphql.orders.inputs")]
OrderSortArg = Annotated["OrderSort", strawberry.lazy("crm_graphql.orders.inputs")]


@register(Company)
@strawberry.type(name="Company", description="An organisation our customers work for.")
class CompanyType(NodeType, Node):
    name: str = strawberry.field(description="Trading name.")
    industry: str | None = strawberry.field(description="Industry, e.g. Software.")
    size: CompanySize | None = strawberry.field(description="Head-count band.")
    website: str | None = strawberry.field(description="Web address.")
    domain: str | None = strawberry.field(description="Internet domain, e.g. example.com.")
    legal_representative: str | None = strawberry.field(description="Legal representative.")
    version: int = strawberry.field(
        description="Increases on every change; send it back as `expectedVersion` to update."
    )
    created_at: datetime = strawberry.field(description="When the record was created.")
    updated_at: datetime = strawberry.field(description="When the record last changed.")
    deleted_at: datetime | None = strawberry.field(description="When it was deleted, if so.")
    owner_id: strawberry.Private[int | None]

    @strawberry.field(description="The user who owns this company.")
    @to_one(Company.owner)
    async def owner(self, info: GraphInfo) -> User | None:
        return await related_one(info, self, Company.owner)  # type: ignore[no-any-return]

    @strawberry.field(description="The people who work here. " + PAGE_ARGS_DOC)
    @to_many(Company.people)
    async def people(
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
            Company.people,
            filter=filter,
            order_by=order_by,
            first=first,
            after=after,
            last=last,
            before=before,
        )

    @strawberry.field(description="Postal addresses. " + PAGE_ARGS_DOC)
    async def addresses(
        self,
        info: GraphInfo,
        filter: Annotated[AddressFilter | None, FILTER] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[AddressType]:
        return await related_connection(
            info,
            self,
            Company.addresses,
            filter=filter,
            first=first,
            after=after,
            last=last,
            before=before,
        )

    @strawberry.field(description="The registered address (the first REGISTERED one).")
    async def registered_address(self, info: GraphInfo) -> AddressType | None:
        page = await related_connection(info, self, Company.addresses, filter=_REGISTERED, first=1)
        return page.edges[0].node if page.edges else None

    @strawberry.field(description="Tags on this company. " + PAGE_ARGS_DOC)
    @to_many(Company.tags)
    async def tags(
        self,
        info: GraphInfo,
        filter: Annotated[TagFilterArg | None, FILTER] = None,
        order_by: Annotated[list[TagSortArg] | None, ORDER_BY] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[Tag]:
        return await related_connection(
            info,
            self,
            Company.tags,
            filter=filter,
            order_by=order_by,
            first=first,
            after=after,
            last=last,
            before=before,
        )

    @strawberry.field(description="Orders of the people who work here. " + PAGE_ARGS_DOC)
    @to_many(Company.orders)
    async def orders(
        self,
        info: GraphInfo,
        filter: Annotated[OrderFilterArg | None, FILTER] = None,
        order_by: Annotated[list[OrderSortArg] | None, ORDER_BY] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[Order]:
        return await related_connection(
            info,
            self,
            Company.orders,
            filter=filter,
            order_by=order_by,
            first=first,
            after=after,
            last=last,
            before=before,
        )

    @strawberry.field(description="Deals with this company. " + PAGE_ARGS_DOC)
    @to_many(Company.deals)
    async def deals(
        self,
        info: GraphInfo,
        filter: Annotated[DealFilterRef | None, FILTER] = None,
        order_by: Annotated[list[DealSortRef] | None, ORDER_BY] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[DealRef]:
        return await related_connection(
            info,
            self,
            Company.deals,
            filter=filter,
            order_by=order_by,
            first=first,
            after=after,
            last=last,
            before=before,
        )


_REGISTERED = AddressFilter(kind=EnumFilter(eq=AddressKind.REGISTERED))
