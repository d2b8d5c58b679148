"""Filter, sort and mutation inputs of deals and their stage history."""

from __future__ import annotations

import datetime
import enum

import strawberry

import crm_graphql.deals.enums  # noqa: F401  (registers the GraphQL enums)
from crm_graphql.companies.inputs import CompanyFilter
from crm_graphql.customers.inputs import CustomerFilter
from crm_graphql.deals.models import DealStatus
from crm_graphql.graphql.filters import (
    DateFilter,
    DateTimeFilter,
    EnumFilter,
    IDFilter,
    MoneyFilter,
    Sort,
    StringFilter,
)
from crm_graphql.graphql.scalars import MoneyInput
from crm_graphql.pipelines.inputs import AND, NOT, OR, PipelineFilter, StageFilter
from crm_graphql.platform.users.inputs import UserFilter


@strawberry.input(description="Conditions on stage changes; all given conditions must hold.")
class DealStageChangeFilter:
    from_stage_id: IDFilter | None = strawberry.field(
        default=None, description="The stage left (null for the creation)."
    )
    to_stage_id: IDFilter | None = strawberry.field(default=None, description="The stage entered.")
    user_id: IDFilter | None = strawberry.field(default=None, description="Who moved the deal.")
    changed_at: DateTimeFilter | None = strawberry.field(default=None, description="When.")


@strawberry.input(description="Conditions on a deal's stage history.")
class DealStageChangeListFilter:
    some: DealStageChangeFilter | None = strawberry.field(default=None, description="Any matches.")
    none: DealStageChangeFilter | None = strawberry.field(default=None, description="None match.")
    every: DealStageChangeFilter | None = strawberry.field(default=None, description="All match.")


@strawberry.input(description="Conditions on deals; all given conditions must hold.")
class DealFilter:
    and_: list[DealFilter] | None = strawberry.field(default=None, name="and", description=AND)
    or_: list[DealFilter] | None = strawberry.field(default=None, name="or", description=OR)
    not_: DealFilter | None = strawberry.field(default=None, name="not", description=NOT)
    id: IDFilter | None = strawberry.field(default=None, description="The deal's ID.")
    title: StringFilter | None = strawberry.field(default=None, description="Title.")
    amount: MoneyFilter | None = strawberry.field(default=None, description="Amount.")
    status: EnumFilter[DealStatus] | None = strawberry.field(
        default=None, description="OPEN, WON or LOST."
    )
    pipeline_id: IDFilter | None = strawberry.field(default=None, description="Pipeline's ID.")
    stage_id: IDFilter | None = strawberry.field(default=None, description="Stage's ID.")
    owner_id: IDFilter | None = strawberry.field(default=None, description="Owning user's ID.")
    customer_id: IDFilter | None = strawberry.field(default=None, description="Customer's ID.")
    company_id: IDFilter | None = strawberry.field(default=None, description="Company's ID.")
    expected_close_date: DateFilter | None = strawberry.field(
        default=None, description="Expected close date."
    )
    closed_at: DateTimeFilter | None = strawberry.field(
        default=None, description="When it was won or lost."
    )
    stage_entered_at: DateTimeFilter | None = strawberry.field(
        default=None, description="When it entered its current stage."
    )
    lost_reason: StringFilter | None = strawberry.field(default=None, description="Lost reason.")
    source: StringFilter | None = strawberry.field(default=None, description="Source.")
    created_at: DateTimeFilter | None = strawberry.field(default=None, description="Created.")
    updated_at: DateTimeFilter | None = strawberry.field(default=None, description="Changed.")
    pipeline: PipelineFilter | None = strawberry.field(
        default=None, description="Its pipeline matches."
    )
    stage: StageFilter | None = strawberry.field(default=None, description="Its stage matches.")
    owner: UserFilter | None = strawberry.field(default=None, description="Its owner matches.")
    customer: CustomerFilter | None = strawberry.field(
        default=None, description="Its customer matches."
    )
    company: CompanyFilter | None = strawberry.field(
        default=None, description="Its company matches."
    )
    stage_changes: DealStageChangeListFilter | None = strawberry.field(
        default=None, description="Its stage history matches (e.g. ever in a stage)."
    )


@strawberry.input(description="Conditions on a list of deals (e.g. a pipeline's).")
class DealListFilter:
    some: DealFilter | None = strawberry.field(default=None, description="Any matches.")
    none: DealFilter | None = strawberry.field(default=None, description="None match.")
    every: DealFilter | None = strawberry.field(default=None, description="All match.")


@strawberry.enum(description="Fields deals can be sorted by.")
class DealOrderField(enum.Enum):
    ID = "id"
    TITLE = "title"
    AMOUNT = "amount_minor"
    STATUS = "status"
    RANK = "rank"
    EXPECTED_CLOSE_DATE = "expected_close_date"
    CLOSED_AT = "closed_at"
    STAGE_ENTERED_AT = "stage_entered_at"
    CREATED_AT = "created_at"
    UPDATED_AT = "updated_at"


@strawberry.input(
    name="DealOrder",
    description="A sort key for deals. RANK is the order within a stage's column.",
)
class DealSort(Sort[DealOrderField]):
    pass


@strawberry.input(description="A new deal.")
class CreateDealInput:
    title: str = strawberry.field(description="Title, e.g. 200 seats for ACME.")
    amount: MoneyInput = strawberry.field(
        description="Expected value, in the pipeline's currency; not negative."
    )
    pipeline_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="The pipeline (default: the stage's, or else the default pipeline).",
    )
    stage_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="An OPEN stage of the pipeline (default: its first OPEN stage).",
    )
    owner_id: strawberry.ID | None = strawberry.field(
        default=None, description="Owning user (default: you, for SALES and MANAGER users)."
    )
    customer_id: strawberry.ID | None = strawberry.field(
        default=None, description="The customer; give a customer, a company or both."
    )
    company_id: strawberry.ID | None = strawberry.field(
        default=None, description="The company; give a customer, a company or both."
    )
    expected_close_date: datetime.date | None = strawberry.field(
        default=None, description="When it is expected to close."
    )
    source: str | None = strawberry.field(
        default=None, description="Where it came from, e.g. webinar."
    )


@strawberry.input(description="Changes to a deal: omitted fields stay, null clears.")
class UpdateDealInput:
    id: strawberry.ID = strawberry.field(description="The deal.")
    expected_version: int = strawberry.field(description="The version you last read.")
    title: str | None = strawberry.field(default=strawberry.UNSET, description="Title.")
    amount: MoneyInput | None = strawberry.field(
        default=strawberry.UNSET, description="Amount, in the deal's currency (cannot be cleared)."
    )
    owner_id: strawberry.ID | None = strawberry.field(
        default=strawberry.UNSET, description="Owning user."
    )
    customer_id: strawberry.ID | None = strawberry.field(
        default=strawberry.UNSET, description="Customer (a customer or a company must remain)."
    )
    company_id: strawberry.ID | None = strawberry.field(
        default=strawberry.UNSET, description="Company (a customer or a company must remain)."
    )
    expected_close_date: datetime.date | None = strawberry.field(
        default=strawberry.UNSET, description="Expected close date."
    )
    source: str | None = strawberry.field(default=strawberry.UNSET, description="Source.")


@strawberry.input(description="Moves a deal to a stage, or to another place in its column.")
class MoveDealInput:
    id: strawberry.ID = strawberry.field(description="The deal.")
    expected_version: int = strawberry.field(description="The version you last read.")
    stage_id: strawberry.ID = strawberry.field(
        description="The target stage: of the deal's pipeline, or of another pipeline in the "
        "same currency (the deal then moves to that pipeline)."
    )
    position: int | None = strawberry.field(
        default=None,
        description="0-based index in the target stage's column as you see it (default: the end).",
    )
    lost_reason: str | None = strawberry.field(
        default=None, description="Why it was lost; required when the target stage is LOST."
    )


@strawberry.input(description="Marks a deal as won.")
class WinDealInput:
    id: strawberry.ID = strawberry.field(description="The deal.")
    expected_version: int = strawberry.field(description="The version you last read.")


@strawberry.input(description="Marks a deal as lost.")
class LoseDealInput:
    id: strawberry.ID = strawberry.field(description="The deal.")
    expected_version: int = strawberry.field(description="The version you last read.")
    reason: str = strawberry.field(description="Why it was lost (required).")


@strawberry.input(description="Reopens a won or lost deal.")
class ReopenDealInput:
    id: strawberry.ID = strawberry.field(description="The deal.")
    expected_version: int = strawberry.field(description="The version you last read.")
    stage_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="An OPEN stage of its pipeline (default: the last OPEN stage it was in).",
    )
