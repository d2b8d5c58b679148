"""Filter, sort and mutation inputs of interactions."""

from __future__ import annotations

import datetime
import enum

import strawberry

import crm_graphql.interactions.enums  # noqa: F401  (registers the GraphQL enums)
from crm_graphql.customers.inputs import CustomerFilter
from crm_graphql.graphql.filters import DateTimeFilter, EnumFilter, IDFilter, Sort, StringFilter
from crm_graphql.interactions.models import InteractionDirection, InteractionKind


@strawberry.input(description="Conditions on interactions; all given conditions must hold.")
class InteractionFilter:
    and_: list[InteractionFilter] | None = strawberry.field(
        default=None, name="and", description="All of these filters match."
    )
    or_: list[InteractionFilter] | None = strawberry.field(
        default=None, name="or", description="At least one of these filters matches."
    )
    not_: InteractionFilter | None = strawberry.field(
        default=None, name="not", description="This filter does not match."
    )
    id: IDFilter | None = strawberry.field(default=None, description="The interaction's ID.")
    customer_id: IDFilter | None = strawberry.field(default=None, description="Customer's ID.")
    user_id: IDFilter | None = strawberry.field(default=None, description="User's ID.")
    kind: EnumFilter[InteractionKind] | None = strawberry.field(default=None, description="Kind.")
    direction: EnumFilter[InteractionDirection] | None = strawberry.field(
        default=None, description="Direction."
    )
    subject: StringFilter | None = strawberry.field(default=None, description="Subject.")
    occurred_at: DateTimeFilter | None = strawberry.field(default=None, description="When.")
    customer: CustomerFilter | None = strawberry.field(
        default=None, description="The customer matches."
    )


@strawberry.input(description="Conditions on a list of interactions (e.g. a customer's).")
class InteractionListFilter:
    some: InteractionFilter | None = strawberry.field(default=None, description="Any matches.")
    none: InteractionFilter | None = strawberry.field(default=None, description="None match.")
    every: InteractionFilter | None = strawberry.field(default=None, description="All match.")


@strawberry.enum(description="Fields interactions can be sorted by.")
class InteractionOrderField(enum.Enum):
    ID = "id"
    OCCURRED_AT = "occurred_at"
    KIND = "kind"
    CREATED_AT = "created_at"


@strawberry.input(name="InteractionOrder", description="A sort key for interactions.")
class InteractionSort(Sort[InteractionOrderField]):
    pass


@strawberry.input(description="An interaction to log on a customer's timeline.")
class LogInteractionInput:
    customer_id: strawberry.ID = strawberry.field(description="The customer.")
    kind: InteractionKind = strawberry.field(description="Call, email, chat, meeting or note.")
    direction: InteractionDirection = strawberry.field(
        default=InteractionDirection.OUTBOUND, description="Default OUTBOUND."
    )
    subject: str | None = strawberry.field(default=None, description="Subject or title.")
    body: str | None = strawberry.field(default=None, description="Content.")
    occurred_at: datetime.datetime | None = strawberry.field(
        default=None, description="When it happened (default now; not in the future)."
    )
    duration_seconds: int | None = strawberry.field(default=None, description="Duration.")
    user_id: strawberry.ID | None = strawberry.field(default=None, description="Who had it.")


@strawberry.input(description="Changes to an interaction: omitted fields stay, null clears.")
class UpdateInteractionInput:
    id: strawberry.ID = strawberry.field(description="The interaction.")
    expected_version: int = strawberry.field(description="The version you last read.")
    kind: InteractionKind | None = strawberry.field(default=strawberry.UNSET, description="Kind.")
    direction: InteractionDirection | None = strawberry.field(
        default=strawberry.UNSET, description="Direction."
    )
    subject: str | None = strawberry.field(default=strawberry.UNSET, description="Subject.")
    body: str | None = strawberry.field(default=strawberry.UNSET, description="Content.")
    occurred_at: datetime.datetime | None = strawberry.field(
        default=strawberry.UNSET, description="When it happened."
    )
    duration_seconds: int | None = strawberry.field(
        default=strawberry.UNSET, description="Duration."
    )
