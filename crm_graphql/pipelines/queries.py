"""Pipeline root fields, and the pipelineId argument of the pipeline analytics' roots."""

from __future__ import annotations

import strawberry

from crm_graphql.core.errors import BadRequestError, DomainError
from crm_graphql.core.ids import expect_id
from crm_graphql.graphql.fields import node_field, root_list
from crm_graphql.graphql.relay import GraphInfo
from crm_graphql.pipelines.inputs import PipelineFilter, PipelineSort
from crm_graphql.pipelines.models import Pipeline
from crm_graphql.pipelines.types import PipelineType


def pipeline_key(value: str) -> int:
    """The key of a root field's `pipelineId`; a malformed ID is a bad request."""
    try:
        return expect_id(value, "Pipeline", ("pipelineId",))
    except DomainError as exc:
        raise BadRequestError(f"`pipelineId`: {exc}") from exc


async def visible_pipeline(info: GraphInfo, value: str) -> PipelineType | None:
    """The live pipeline a `pipelineId` names, if the viewer may see it."""
    row = await info.context.loaders.by_id(Pipeline).load(pipeline_key(value))
    return None if row is None else PipelineType.from_row(row)


@strawberry.type
class PipelineQuery:
    pipeline = node_field(
        PipelineType, description="One pipeline by ID (null if it does not exist)."
    )
    pipelines = root_list(
        PipelineType,
        filter=PipelineFilter,
        sort=PipelineSort,
        include_deleted="Also list deleted pipelines.",
        description="Pipelines, filtered, sorted and paginated.",
    )
