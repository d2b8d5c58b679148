"""GraphQL type of lead assignment rules."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import strawberry

import crm_graphql.leads.enums  # noqa: F401  (registers the GraphQL enums)
from crm_graphql.graphql.context import Context
from crm_graphql.graphql.fields import batch_field, to_one_by_key
from crm_graphql.graphql.relay import Node, NodeType, register
from crm_graphql.leads.loaders import rule_users
from crm_graphql.leads.models import AssignmentStrategy, LeadAssignmentRule
from crm_graphql.platform.users.refs import UserRef
from crm_graphql.platform.users.types import UserType
from crm_graphql.tags.models import Tag
from crm_graphql.tags.refs import TagRef


async def users_in_turn(ctx: Context, rules: Sequence[NodeType]) -> list[list[UserType]]:
    return [UserType.from_rows(rows) for rows in await rule_users(ctx, rules)]


@register(LeadAssignmentRule)
@strawberry.type(
    name="LeadAssignmentRule",
    description="Gives new unowned leads an owner: rules are tried by position, and the first "
    "that matches hands the lead to its next user in turn.",
)
class LeadAssignmentRuleType(NodeType, Node):
    name: str = strawberry.field(description="Name.")
    position: int = strawberry.field(description="Rules are tried by ascending position.")
    strategy: AssignmentStrategy = strawberry.field(description="Which leads it takes.")
    country: str | None = strawberry.field(description="TERRITORY: the leads' country.")
    active: bool = strawberry.field(description="Inactive rules are skipped.")
    version: int = strawberry.field(
        description="Increases on every change; send it back as `expectedVersion` to update."
    )
    created_at: datetime = strawberry.field(description="When the rule was created.")
    updated_at: datetime = strawberry.field(description="When the rule last changed.")
    tag_id: strawberry.Private[int | None]
    next_index: strawberry.Private[int]

    tag: TagRef | None = to_one_by_key(
        Tag, key="tag_id", include_deleted=True, description="TAG: the leads' tag."
    )
    users: list[UserRef] = batch_field(
        users_in_turn,
        uses=lambda: ("id",),
        description="The users who take turns, in turn order (inactive or non-SALES users "
        "among them are skipped).",
    )
