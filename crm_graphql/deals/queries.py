"""Deal root fields, and a pipeline's board of deals."""

from __future__ import annotations

from typing import Annotated

import strawberry

from crm_graphql.customers.types import PAGE_ARGS_DOC
from crm_graphql.deals.inputs import DealFilter, DealSort
from crm_graphql.deals.types import DealType, PipelineBoard
from crm_graphql.graphql.arguments import FILTER, ORDER_BY, After, Before, First, Last, ObjectId
from crm_graphql.graphql.fields import resolve_by_id, root_connection
from crm_graphql.graphql.relay import Connection, GraphInfo
from crm_graphql.pipelines.queries import visible_pipeline


@strawberry.type
class DealQuery:
    @strawberry.field(description="One deal by ID (null if it does not exist or is hidden).")
    async def deal(self, info: GraphInfo, id: ObjectId) -> DealType | None:
        return await resolve_by_id(info, DealType, id)

    @strawberry.field(
        description="Deals you can see, filtered, sorted and paginated. " + PAGE_ARGS_DOC
    )
    async def deals(
        self,
        info: GraphInfo,
        filter: Annotated[DealFilter | None, FILTER] = None,
        order_by: Annotated[list[DealSort] | None, ORDER_BY] = None,
        include_deleted: Annotated[
            bool, strawberry.argument(description="Also list deleted deals.")
        ] = False,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[DealType]:
        return await root_connection(
            info,
            DealType,
            filter=filter,
            order_by=order_by,
            first=first,
            after=after,
            last=last,
            before=before,
            include_deleted=include_deleted,
        )


@strawberry.type
class PipelineBoardQuery:
    @strawberry.field(
        description="A pipeline's board: per stage, the number, sum and weighted sum of the "
        "live deals you may see, and a page of them in board order. Null if the pipeline does "
        "not exist or is deleted."
    )
    async def pipeline_board(
        self,
        info: GraphInfo,
        pipeline_id: Annotated[strawberry.ID, strawberry.argument(description="The pipeline.")],
        filter: Annotated[DealFilter | None, FILTER] = None,
    ) -> PipelineBoard | None:
        pipeline = await visible_pipeline(info, pipeline_id)
        return None if pipeline is None else PipelineBoard(pipeline=pipeline, filter=filter)
