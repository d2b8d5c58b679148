"""Deal root fields, and a pipeline's board of deals."""

from __future__ import annotations

from typing import Annotated

import strawberry

from crm_graphql.deals.inputs import DealFilter, DealSort
from crm_graphql.deals.types import DealType, PipelineBoard
from crm_graphql.graphql.arguments import FILTER
from crm_graphql.graphql.fields import node_field, root_list
from crm_graphql.graphql.relay import GraphInfo
from crm_graphql.pipelines.queries import visible_pipeline


@strawberry.type
class DealQuery:
    deal = node_field(
        DealType, description="One deal by ID (null if it does not exist or is hidden)."
    )
    deals = root_list(
        DealType,
        filter=DealFilter,
        sort=DealSort,
        include_deleted="Also list deleted deals.",
        description="Deals you can see, filtered, sorted and paginated.",
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
