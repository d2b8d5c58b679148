"""GraphQL types of tokens."""

from __future__ import annotations

from datetime import datetime

import strawberry

import crm_graphql.platform.auth.enums  # noqa: F401  (registers the GraphQL enums)
from crm_graphql.graphql.fields import related_one, to_one
from crm_graphql.graphql.relay import GraphInfo, Node, NodeType, register
from crm_graphql.platform.auth.models import AccessToken, TokenKind
from crm_graphql.platform.auth.permissions import Permission
from crm_graphql.platform.users.types import UserType


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

    @strawberry.field(description="What it may do (API tokens; within its user's role).")
    def permissions(self) -> list[Permission] | None:
        return [Permission(s) for s in self.scopes.split()] if self.scopes else None

    @strawberry.field(description="Whose rights it carries.")
    @to_one(AccessToken.user)
    async def user(self, info: GraphInfo) -> UserType | None:
        return await related_one(info, self, AccessToken.user)  # type: ignore[no-any-return]
