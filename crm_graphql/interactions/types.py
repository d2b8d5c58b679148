"""GraphQL type of interactions."""

from __future__ import annotations

from datetime import datetime

import strawberry

import crm_graphql.interactions.enums  # noqa: F401  (registers the GraphQL enums)
from crm_graphql.customers.refs import CustomerRef
from crm_graphql.graphql.fields import to_one
from crm_graphql.graphql.relay import Node, NodeType, register
from crm_graphql.interactions.models import Interaction, InteractionDirection, InteractionKind
from crm_graphql.platform.users.refs import UserRef


@register(Interaction)
@strawberry.type(
    name="Interaction", description="A call, email, chat, meeting or note on a customer."
)
class InteractionType(NodeType, Node):
    kind: InteractionKind = strawberry.field(description="Call, email, chat, meeting or note.")
    direction: InteractionDirection = strawberry.field(description="Inbound, outbound, internal.")
    subject: str | None = strawberry.field(description="Subject or title.")
    body: str | None = strawberry.field(description="Content, transcript or minutes.")
    occurred_at: datetime = strawberry.field(description="When it happened.")
    duration_seconds: int | None = strawberry.field(description="How long it took, if known.")
    version: int = strawberry.field(
        description="Increases on every change; send it back as `expectedVersion` to update."
    )
    created_at: datetime = strawberry.field(description="When it was logged.")
    updated_at: datetime = strawberry.field(description="When it last changed.")
    deleted_at: datetime | None = strawberry.field(description="When it was deleted, if so.")
    customer_id: strawberry.Private[int]
    user_id: strawberry.Private[int | None]

    customer: CustomerRef | None = to_one(
        Interaction.customer, description="The customer it was with."
    )
    user: UserRef | None = to_one(Interaction.user, description="The user who had it.")
