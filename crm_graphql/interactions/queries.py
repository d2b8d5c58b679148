"""Interaction root fields."""

from __future__ import annotations

from typing import Annotated

import strawberry

from crm_graphql.customers.types import PAGE_ARGS_DOC
from crm_graphql.graphql.arguments import FILTER, ORDER_BY, After, Before, First, Last, ObjectId
from crm_graphql.graphql.fields import resolve_by_id, root_connection
from crm_graphql.graphql.relay import Connection, GraphInfo
from crm_graphql.interactions.inputs import InteractionFilter, InteractionSort
from crm_graphql.interactions.types import InteractionType


@strawberry.type
class InteractionQuery:
    @strawberry.field(description="One interaction by ID (null if it does not exist).")
    async def interaction(self, info: GraphInfo, id: ObjectId) -> InteractionType | None:
        return await resolve_by_id(info, InteractionType, id)

    @strawberry.field(description="Interactions, filtered, sorted and paginated. " + PAGE_ARGS_DOC)
    async def interactions(
        self,
        info: GraphInfo,
        filter: Annotated[InteractionFilter | None, FILTER] = None,
        order_by: Annotated[list[InteractionSort] | None, ORDER_BY] = None,
        include_deleted: Annotated[
            bool, strawberry.argument(description="Also list deleted interactions.")
        ] = False,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[InteractionType]:
        return await root_connection(
            info,
            InteractionType,
            filter=filter,
            order_by=order_by,
            first=first,
            after=after,
            last=last,
            before=before,
            include_deleted=include_deleted,
        )
