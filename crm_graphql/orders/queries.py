"""Order root fields."""

from __future__ import annotations

from typing import Annotated

import strawberry

from crm_graphql.customers.types import PAGE_ARGS_DOC
from crm_graphql.graphql.arguments import FILTER, ORDER_BY, After, Before, First, Last, ObjectId
from crm_graphql.graphql.fields import resolve_by_id, root_connection
from crm_graphql.graphql.relay import Connection, GraphInfo
from crm_graphql.orders.inputs import OrderFilter, OrderSort
from crm_graphql.orders.types import OrderType


@strawberry.type
class OrderQuery:
    @strawberry.field(description="One order by ID (null if it does not exist).")
    async def order(self, info: GraphInfo, id: ObjectId) -> OrderType | None:
        return await resolve_by_id(info, OrderType, id)

    @strawberry.field(description="Orders, filtered, sorted and paginated. " + PAGE_ARGS_DOC)
    async def orders(
        self,
        info: GraphInfo,
        filter: Annotated[OrderFilter | None, FILTER] = None,
        order_by: Annotated[list[OrderSort] | None, ORDER_BY] = None,
        include_deleted: Annotated[
            bool, strawberry.argument(description="Also list deleted orders.")
        ] = False,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[OrderType]:
        return await root_connection(
            info,
            OrderType,
            filter=filter,
            order_by=order_by,
            first=first,
            after=after,
            last=last,
            before=before,
            include_deleted=include_deleted,
        )
