"""Who am I, and the tokens admins manage."""

from __future__ import annotations

import strawberry
from sqlalchemy import select

from crm_graphql.graphql.fields import root_list
from crm_graphql.graphql.relay import GraphInfo
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

    access_tokens = root_list(
        AccessTokenType, page_note=False, description="Every token, newest first (admins only)."
    )
