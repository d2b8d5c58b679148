"""GraphQL type of companies."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import strawberry

import crm_graphql.companies.enums  # noqa: F401  (registers the GraphQL enums)
from crm_graphql.companies.models import Company, CompanySize
from crm_graphql.customers.inputs import AddressFilter
from crm_graphql.customers.models import AddressKind
from crm_graphql.customers.refs import AddressRef, CustomerFilterRef, CustomerRef, CustomerSortRef
from crm_graphql.deals.refs import DealFilterRef, DealRef, DealSortRef
from crm_graphql.graphql.context import Context
from crm_graphql.graphql.fields import batch_field, to_many, to_one
from crm_graphql.graphql.filters import EnumFilter
from crm_graphql.graphql.relations import connections_of
from crm_graphql.graphql.relay import Connection, Node, NodeType, register
from crm_graphql.orders.refs import OrderFilterRef, OrderRef, OrderSortRef
from crm_graphql.platform.users.refs import UserRef
from crm_graphql.tags.refs import TagFilterRef, TagRef, TagSortRef

_REGISTERED = AddressFilter(kind=EnumFilter(eq=AddressKind.REGISTERED))


async def registered_addresses(ctx: Context, companies: Sequence[NodeType]) -> list[object]:
    """Each company's first REGISTERED address, or None."""
    pages = await connections_of(ctx, companies, Company.addresses, filter=_REGISTERED, first=1)
    return [page.edges[0].node if page.edges else None for page in pages]


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

    owner: UserRef | None = to_one(Company.owner, description="The user who owns this company.")
    people: Connection[CustomerRef] = to_many(
        Company.people,
        filter=CustomerFilterRef,
        sort=CustomerSortRef,
        description="The people who work here.",
    )
    addresses: Connection[AddressRef] = to_many(
        Company.addresses, filter=AddressFilter, description="Postal addresses."
    )
    registered_address: AddressRef | None = batch_field(
        registered_addresses,
        uses=lambda: ("id",),
        description="The registered address (the first REGISTERED one).",
    )
    tags: Connection[TagRef] = to_many(
        Company.tags, filter=TagFilterRef, sort=TagSortRef, description="Tags on this company."
    )
    orders: Connection[OrderRef] = to_many(
        Company.orders,
        filter=OrderFilterRef,
        sort=OrderSortRef,
        description="Orders of the people who work here.",
    )
    deals: Connection[DealRef] = to_many(
        Company.deals,
        filter=DealFilterRef,
        sort=DealSortRef,
        description="Deals with this company.",
    )
