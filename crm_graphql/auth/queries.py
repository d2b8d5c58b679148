"""Who am I, and the tokens admins manage."""

from __future__ import annotations

import strawberry

from crm_graphql.arguments import After, Before, First, Last
from crm_graphql.auth.types import AccessTokenType
from crm_graphql.connections import resolve_by_id, root_connection
from crm_graphql.relay import Connection, GraphInfo
from crm_graphql.users.types import UserType


@strawberry.type
class AuthQuery:
    @strawberry.field(description="The signed-in user of this request.")
    async def viewer(self, info: GraphInfo) -> UserType | None:
        viewer = info.context.viewer
        if viewer is None:
            return None
        return await resolve_by_id(info, UserType, UserType.global_id(viewer.user_id))

    @strawberry.field(description="Every token, newest first (admins only).")
    async def access_tokens(
        self,
        info: GraphInfo,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[AccessTokenType]:
        return await root_connection(
            info,
            AccessTokenType,
            filter=None,
            order_by=None,
            first=first,
            after=after,
            last=last,
            before=before,
        )
