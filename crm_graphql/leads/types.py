"""GraphQL type of lead assignment rules."""

from __future__ import annotations

from datetime import datetime

import strawberry

import crm_graphql.leads.enums  # noqa: F401  (registers the GraphQL enums)
from crm_graphql.graphql.relay import GraphInfo, Node, NodeType, register
from crm_graphql.leads.loaders import rule_users
from crm_graphql.leads.models import AssignmentStrategy, LeadAssignmentRule
from crm_graphql.platform.users.types import UserType
from crm_graphql.tags.models import Tag
from crm_graphql.tags.types import TagType


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

    @strawberry.field(description="TAG: the leads' tag.")
    async def tag(self, info: GraphInfo) -> TagType | None:
        if self.tag_id is None:
            return None
        loader = info.context.loaders.by_id(Tag, include_deleted=True)
        row = await loader.load(self.tag_id)
        return None if row is None else TagType.from_row(row)

    @strawberry.field(
        description="The users who take turns, in turn order (inactive or non-SALES users "
        "among them are skipped)."
    )
    async def users(self, info: GraphInfo) -> list[UserType]:
        return [UserType.from_row(row) for row in await rule_users(info, self.pk)]
