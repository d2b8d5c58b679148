"""User root fields."""

from __future__ import annotations

from typing import Annotated

import strawberry

from crm_graphql.graphql.arguments import FILTER, ORDER_BY, After, Before, First, Last, ObjectId
from crm_graphql.graphql.fields import resolve_by_id, root_connection
from crm_graphql.graphql.relay import Connection, GraphInfo
from crm_graphql.platform.users.inputs import UserFilter, UserSort
from crm_graphql.platform.users.types import UserType


@strawberry.type
class UserQuery:
    @strawberry.field(description="One user by ID (null if it does not exist).")
    async def user(self, info: GraphInfo, id: ObjectId) -> UserType | None:
        return await resolve_by_id(info, UserType, id)

    @strawberry.field(description="Users of the CRM, filtered, sorted and paginated.")
    async def users(
        self,
        info: GraphInfo,
        filter: Annotated[UserFilter | None, FILTER] = None,
        order_by: Annotated[list[UserSort] | None, ORDER_BY] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[UserType]:
        return await root_connection(
            info,
            UserType,
            filter=filter,
            order_by=order_by,
            first=first,
            after=after,
            last=last,
            before=before,
        )
