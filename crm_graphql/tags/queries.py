"""Tag root fields."""

from __future__ import annotations

from typing import Annotated

import strawberry

from crm_graphql.customers.types import PAGE_ARGS_DOC
from crm_graphql.graphql.arguments import FILTER, ORDER_BY, After, Before, First, Last, ObjectId
from crm_graphql.graphql.fields import resolve_by_id, root_connection
from crm_graphql.graphql.relay import Connection, GraphInfo
from crm_graphql.tags.inputs import TagFilter, TagSort
from crm_graphql.tags.types import TagType


@strawberry.type
class TagQuery:
    @strawberry.field(description="One tag by ID (null if it does not exist).")
    async def tag(self, info: GraphInfo, id: ObjectId) -> TagType | None:
        return await resolve_by_id(info, TagType, id)

    @strawberry.field(description="Tags, filtered, sorted and paginated. " + PAGE_ARGS_DOC)
    async def tags(
        self,
        info: GraphInfo,
        filter: Annotated[TagFilter | None, FILTER] = None,
        order_by: Annotated[list[TagSort] | None, ORDER_BY] = None,
        include_deleted: Annotated[
            bool, strawberry.argument(description="Also list deleted tags.")
        ] = False,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[TagType]:
        return await root_connection(
            info,
            TagType,
            filter=filter,
            order_by=order_by,
            first=first,
            after=after,
            last=last,
            before=before,
            include_deleted=include_deleted,
        )
