"""Filter, sort and mutation inputs of tags."""

from __future__ import annotations

import enum

import strawberry

from crm_graphql.graphql.filters import DateTimeFilter, IDFilter, Sort, StringFilter


@strawberry.input(description="Conditions on tags; all given conditions must hold.")
class TagFilter:
    and_: list[TagFilter] | None = strawberry.field(
        default=None, name="and", description="All of these filters match."
    )
    or_: list[TagFilter] | None = strawberry.field(
        default=None, name="or", description="At least one of these filters matches."
    )
    not_: TagFilter | None = strawberry.field(
        default=None, name="not", description="This filter does not match."
    )
    id: IDFilter | None = strawberry.field(default=None, description="The tag's ID.")
    name: StringFilter | None = strawberry.field(default=None, description="Name.")
    color: StringFilter | None = strawberry.field(default=None, description="Colour.")
    created_at: DateTimeFilter | None = strawberry.field(default=None, description="Created.")


@strawberry.input(description="Conditions on a list of tags (e.g. a customer's).")
class TagListFilter:
    some: TagFilter | None = strawberry.field(default=None, description="Any matches.")
    none: TagFilter | None = strawberry.field(default=None, description="None match.")
    every: TagFilter | None = strawberry.field(default=None, description="All match.")


@strawberry.enum(description="Fields tags can be sorted by.")
class TagOrderField(enum.Enum):
    ID = "id"
    NAME = "name_key"
    CREATED_AT = "created_at"


@strawberry.input(name="TagOrder", description="A sort key for tags.")
class TagSort(Sort[TagOrderField]):
    pass


@strawberry.input(description="A new tag.")
class CreateTagInput:
    name: str = strawberry.field(description="Name; unique ignoring case, at most 50 characters.")
    color: str | None = strawberry.field(default=None, description="Colour, #RRGGBB.")


@strawberry.input(description="Changes to a tag: omitted fields stay, null clears.")
class UpdateTagInput:
    id: strawberry.ID = strawberry.field(description="The tag to change.")
    expected_version: int = strawberry.field(description="The version you last read.")
    name: str | None = strawberry.field(default=strawberry.UNSET, description="New name.")
    color: str | None = strawberry.field(default=strawberry.UNSET, description="New colour.")


@strawberry.input(description="Tags to add to (or remove from) customers.")
class TagCustomersInput:
    tag_ids: list[strawberry.ID] = strawberry.field(description="The tags.")
    customer_ids: list[strawberry.ID] = strawberry.field(description="The customers (max 500).")


@strawberry.input(description="Tags to add to (or remove from) companies.")
class TagCompaniesInput:
    tag_ids: list[strawberry.ID] = strawberry.field(description="The tags.")
    company_ids: list[strawberry.ID] = strawberry.field(description="The companies (max 500).")
