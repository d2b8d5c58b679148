"""Product root fields."""

from __future__ import annotations

from typing import Annotated

import strawberry

from crm_graphql.customers.types import PAGE_ARGS_DOC
from crm_graphql.graphql.arguments import FILTER, ORDER_BY, After, Before, First, Last, ObjectId
from crm_graphql.graphql.fields import resolve_by_id, root_connection
from crm_graphql.graphql.relay import Connection, GraphInfo
from crm_graphql.products.inputs import ProductFilter, ProductSort
from crm_graphql.products.types import ProductType


@strawberry.type
class ProductQuery:
    @strawberry.field(description="One product by ID (null if it does not exist).")
    async def product(self, info: GraphInfo, id: ObjectId) -> ProductType | None:
        return await resolve_by_id(info, ProductType, id)

    @strawberry.field(description="Products, filtered, sorted and paginated. " + PAGE_ARGS_DOC)
    async def products(
        self,
        info: GraphInfo,
        filter: Annotated[ProductFilter | None, FILTER] = None,
        order_by: Annotated[list[ProductSort] | None, ORDER_BY] = None,
        include_deleted: Annotated[
            bool, strawberry.argument(description="Also list deleted products.")
        ] = False,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[ProductType]:
        return await root_connection(
            info,
            ProductType,
            filter=filter,
            order_by=order_by,
            first=first,
            after=after,
            last=last,
            before=before,
            include_deleted=include_deleted,
        )
