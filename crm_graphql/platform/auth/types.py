"""GraphQL types of tokens."""

from __future__ import annotations

from datetime import datetime

import strawberry

import crm_graphql.platform.auth.enums  # noqa: F401  (registers the GraphQL enums)
from crm_graphql.graphql.fields import to_one
from crm_graphql.graphql.relay import Node, NodeType, register
from crm_graphql.platform.auth.models import AccessToken, TokenKind
from crm_graphql.platform.auth.permissions import Permission
from crm_graphql.platform.users.refs import UserRef


@register(AccessToken)
@strawberry.type(
    name="AccessToken", description="A bearer token (its secret is never shown again)."
)
class AccessTokenType(NodeType, Node):
    kind: TokenKind = strawberry.field(description="SESSION (from login) or API.")
    name: str | None = strawberry.field(description="What an API token is for.")
    created_at: datetime = strawberry.field(description="When it was issued.")
    expires_at: datetime = strawberry.field(description="When it stops working.")
    revoked_at: datetime | None = strawberry.field(description="When it was revoked, if so.")
    scopes: strawberry.Private[str | None]
    user_id: strawberry.Private[int]

    # GraphQL shows fields in the order of their annotations: the resolver just before its field
    def _permissions(self) -> list[Permission] | None:
        return [Permission(s) for s in self.scopes.split()] if self.scopes else None

    permissions: list[Permission] | None = strawberry.field(
        resolver=_permissions, description="What it may do (API tokens; within its user's role)."
    )
    user: UserRef | None = to_one(AccessToken.user, description="Whose rights it carries.")
