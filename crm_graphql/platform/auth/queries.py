"""Who am I, and the tokens admins manage."""

from __future__ import annotations

import strawberry
from sqlalchemy import select

from crm_graphql.graphql.arguments import After, Before, First, Last
from crm_graphql.graphql.fields import root_connection
from crm_graphql.graphql.relay import Connection, GraphInfo
from crm_graphql.platform.auth.types import AccessTokenType
from crm_graphql.platform.users.models import User
from crm_graphql.platform.users.types import UserType


@strawberry.type
class AuthQuery:
    @strawberry.field(description="The signed-in user of this request.")
    async def viewer(self, info: GraphInfo) -> UserType | None:
        viewer = info.context.viewer
        if viewer is None:
            return None
        # one's own record needs no users:read (an API token may lack it)
        table = User.__table__
        rows = await info.context.reader.rows(select(table).where(table.c.id == viewer.user_id))
        return UserType.from_row(rows[0]) if rows else None

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
