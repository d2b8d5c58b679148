"""Filter, sort and mutation inputs of companies."""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING, Annotated

import strawberry

import crm_graphql.companies.enums  # noqa: F401  (registers the GraphQL enums)
from crm_graphql.companies.models import CompanySize
from crm_graphql.customers.inputs import AddressListFilter, CustomerListFilter
from crm_graphql.graphql.filters import DateTimeFilter, EnumFilter, IDFilter, Sort, StringFilter

if TYPE_CHECKING:
    from crm_graphql.tags.inputs import TagListFilter

TagListFilterRef = Annotated["TagListFilter", strawberry.lazy("crm_graphql.tags.inputs")]


@strawberry.input(description="Conditions on companies; all given conditions must hold.")
class CompanyFilter:
    and_: list[CompanyFilter] | None = strawberry.field(
        default=None, name="and", description="All of these filters match."
    )
    or_: list[CompanyFilter] | None = strawberry.field(
        default=None, name="or", description="At least one of these filters matches."
    )
    not_: CompanyFilter | None = strawberry.field(
        default=None, name="not", description="This filter does not match."
    )
    id: IDFilter | None = strawberry.field(default=None, description="The company's ID.")
    name: StringFilter | None = strawberry.field(default=None, description="Name.")
    industry: StringFilter | None = strawberry.field(default=None, description="Industry.")
    size: EnumFilter[CompanySize] | None = strawberry.field(default=None, description="Size.")
    website: StringFilter | None = strawberry.field(default=None, description="Web address.")
    domain: StringFilter | None = strawberry.field(default=None, description="Domain.")
    owner_id: IDFilter | None = strawberry.field(default=None, description="Owning user's ID.")
    created_at: DateTimeFilter | None = strawberry.field(default=None, description="Created.")
    updated_at: DateTimeFilter | None = strawberry.field(default=None, description="Changed.")
    people: CustomerListFilter | None = strawberry.field(
        default=None, description="Its people match."
    )
    addresses: AddressListFilter | None = strawberry.field(
        default=None, description="Its addresses match."
    )
    tags: TagListFilterRef | None = strawberry.field(default=None, description="Its tags match.")


@strawberry.input(description="Conditions on a list of companies (e.g. those with a tag).")
class CompanyListFilter:
    some: CompanyFilter | None = strawberry.field(default=None, description="Any matches.")
    none: CompanyFilter | None = strawberry.field(default=None, description="None match.")
    every: CompanyFilter | None = strawberry.field(default=None, description="All match.")


@strawberry.enum(description="Fields companies can be sorted by.")
class CompanyOrderField(enum.Enum):
    ID = "id"
    NAME = "name"
    INDUSTRY = "industry"
    CREATED_AT = "created_at"
    UPDATED_AT = "updated_at"


@strawberry.input(name="CompanyOrder", description="A sort key for companies.")
class CompanySort(Sort[CompanyOrderField]):
    pass


@strawberry.input(description="A new company.")
class CreateCompanyInput:
    name: str = strawberry.field(description="Trading name.")
    industry: str | None = strawberry.field(default=None, description="Industry.")
    size: CompanySize | None = strawberry.field(default=None, description="Head-count band.")
    website: str | None = strawberry.field(
        default=None, description="Web address; the domain is derived from it if not given."
    )
    domain: str | None = strawberry.field(default=None, description="Domain, e.g. example.com.")
    legal_representative: str | None = strawberry.field(
        default=None, description="Legal representative."
    )
    owner_id: strawberry.ID | None = strawberry.field(default=None, description="Owning user.")


@strawberry.input(description="Changes to a company: omitted fields stay, null clears.")
class UpdateCompanyInput:
    id: strawberry.ID = strawberry.field(description="The company to change.")
    expected_version: int = strawberry.field(
        description="The version you last read; a newer one means a CONFLICT and no change."
    )
    name: str | None = strawberry.field(default=strawberry.UNSET, description="Trading name.")
    industry: str | None = strawberry.field(default=strawberry.UNSET, description="Industry.")
    size: CompanySize | None = strawberry.field(default=strawberry.UNSET, description="Size.")
    website: str | None = strawberry.field(default=strawberry.UNSET, description="Web address.")
    domain: str | None = strawberry.field(default=strawberry.UNSET, description="Domain.")
    legal_representative: str | None = strawberry.field(
        default=strawberry.UNSET, description="Legal representative."
    )
    owner_id: strawberry.ID | None = strawberry.field(
        default=strawberry.UNSET, description="Owning user."
    )
