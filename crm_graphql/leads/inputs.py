"""Sort and mutation inputs of lead assignment rules."""

from __future__ import annotations

import enum

import strawberry

import crm_graphql.leads.enums  # noqa: F401  (registers the GraphQL enums)
from crm_graphql.graphql.filters import Sort
from crm_graphql.leads.models import AssignmentStrategy


@strawberry.enum(description="Fields lead assignment rules can be sorted by.")
class LeadAssignmentRuleOrderField(enum.Enum):
    ID = "id"
    POSITION = "position"
    NAME = "name"
    CREATED_AT = "created_at"


@strawberry.input(name="LeadAssignmentRuleOrder", description="A sort key for assignment rules.")
class LeadAssignmentRuleSort(Sort[LeadAssignmentRuleOrderField]):
    pass


@strawberry.input(description="A new lead assignment rule.")
class CreateLeadAssignmentRuleInput:
    name: str = strawberry.field(description="Name, e.g. DACH inbound.")
    strategy: AssignmentStrategy = strawberry.field(description="Which leads the rule takes.")
    user_ids: list[strawberry.ID] = strawberry.field(
        description="Active SALES users who take turns, in turn order (at least one)."
    )
    country: str | None = strawberry.field(
        default=None, description="TERRITORY only: ISO 3166-1 alpha-2 country, e.g. DE."
    )
    tag_id: strawberry.ID | None = strawberry.field(default=None, description="TAG only: the tag.")
    position: int | None = strawberry.field(
        default=None, description="Rules are tried by ascending position (default: last)."
    )
    active: bool = strawberry.field(default=True, description="Inactive rules are skipped.")


@strawberry.input(description="Changes to a lead assignment rule: omitted fields stay.")
class UpdateLeadAssignmentRuleInput:
    id: strawberry.ID = strawberry.field(description="The rule.")
    expected_version: int = strawberry.field(description="The version you last read.")
    name: str | None = strawberry.field(default=strawberry.UNSET, description="Name.")
    strategy: AssignmentStrategy | None = strawberry.field(
        default=strawberry.UNSET, description="Which leads the rule takes."
    )
    user_ids: list[strawberry.ID] | None = strawberry.field(
        default=strawberry.UNSET, description="Replaces the users; the turn starts again."
    )
    country: str | None = strawberry.field(
        default=strawberry.UNSET, description="TERRITORY only: the country."
    )
    tag_id: strawberry.ID | None = strawberry.field(
        default=strawberry.UNSET, description="TAG only: the tag."
    )
    position: int | None = strawberry.field(default=strawberry.UNSET, description="Position.")
    active: bool | None = strawberry.field(default=strawberry.UNSET, description="Active.")


@strawberry.input(description="Deletes a lead assignment rule permanently.")
class DeleteLeadAssignmentRuleInput:
    id: strawberry.ID = strawberry.field(description="The rule.")
    expected_version: int | None = strawberry.field(
        default=None, description="If given, delete only if still at this version."
    )
