"""Pipeline root fields, and the pipelineId argument of the pipeline analytics' roots."""

from __future__ import annotations

from typing import Annotated

import strawberry

from crm_graphql.core.errors import BadRequestError, DomainError
from crm_graphql.core.ids import expect_id
from crm_graphql.customers.types import PAGE_ARGS_DOC
from crm_graphql.graphql.arguments import FILTER, ORDER_BY, After, Before, First, Last, ObjectId
from crm_graphql.graphql.fields import resolve_by_id, root_connection
from crm_graphql.graphql.relay import Connection, GraphInfo
from crm_graphql.pipelines.inputs import PipelineFilter, PipelineSort
from crm_graphql.pipelines.types import PipelineType, pipeline_by_id


def pipeline_key(value: str) -> int:
    """The key of a root field's `pipelineId`; a malformed ID is a bad request."""
    try:
        return expect_id(value, "Pipeline", ("pipelineId",))
    except DomainError as exc:
        raise BadRequestError(f"`pipelineId`: {exc}") from exc


async def visible_pipeline(info: GraphInfo, value: str) -> PipelineType | None:
    return await pipeline_by_id(info, pipeline_key(value))


@strawberry.type
class PipelineQuery:
    @strawberry.field(description="One pipeline by ID (null if it does not exist).")
    async def pipeline(self, info: GraphInfo, id: ObjectId) -> PipelineType | None:
        return await resolve_by_id(info, PipelineType, id)

    @strawberry.field(description="Pipelines, filtered, sorted and paginated. " + PAGE_ARGS_DOC)
    async def pipelines(
        self,
        info: GraphInfo,
        filter: Annotated[PipelineFilter | None, FILTER] = None,
        order_by: Annotated[list[PipelineSort] | None, ORDER_BY] = None,
        include_deleted: Annotated[
            bool, strawberry.argument(description="Also list deleted pipelines.")
        ] = False,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[PipelineType]:
        return await root_connection(
            info,
            PipelineType,
            filter=filter,
            order_by=order_by,
            first=first,
            after=after,
            last=last,
            before=before,
            include_deleted=include_deleted,
        )
