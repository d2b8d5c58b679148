"""GraphQL types of users."""

from __future__ import annotations

from datetime import datetime

import strawberry

import crm_graphql.platform.users.enums  # noqa: F401  (registers the GraphQL enums)
from crm_graphql.graphql.relay import Node, NodeType, register
from crm_graphql.platform.users.models import User, UserRole


@register(User)
@strawberry.type(name="User", description="A person who works in the CRM.")
class UserType(NodeType, Node):
    name: str = strawberry.field(description="Display name.")
    email: str = strawberry.field(description="Sign-in email address.")
    role: UserRole = strawberry.field(description="The user's role.")
    is_active: bool = strawberry.field(description="Inactive users cannot sign in or own records.")
    created_at: datetime = strawberry.field(description="When the user was created.")
