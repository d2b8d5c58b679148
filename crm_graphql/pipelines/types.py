"""GraphQL types of pipelines and their stages."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Annotated, Any

import strawberry

import crm_graphql.pipelines.enums  # noqa: F401  (registers the GraphQL enums)
from crm_graphql.customers.types import PAGE_ARGS_DOC
from crm_graphql.deals.refs import DealFilterRef, DealRef, DealSortRef
from crm_graphql.graphql.arguments import FILTER, ORDER_BY, After, Before, First, Last
from crm_graphql.graphql.fields import (
    related_connection,
    related_list,
    related_one,
    to_many,
    to_one,
)
from crm_graphql.graphql.filters import Sort
from crm_graphql.graphql.relay import Connection, GraphInfo, Node, NodeType, register
from crm_graphql.pipelines.models import Pipeline, Stage, StageKind


class ColumnOrderField(enum.Enum):
    """The order of a stage's column: its deals' rank. The value names the Deal attribute, as
    the deals' own sort field RANK does (deals rank above pipelines: not imported here)."""

    RANK = "rank"


BY_RANK: list[Sort[Any]] = [Sort(field=ColumnOrderField.RANK)]


@register(Pipeline)
@strawberry.type(
    name="Pipeline", description="A sales process: ordered stages that deals move through."
)
class PipelineType(NodeType, Node):
    name: str = strawberry.field(description="Name, e.g. Sales.")
    is_default: bool = strawberry.field(description="New deals go here unless told otherwise.")
    currency: str = strawberry.field(description="ISO 4217 currency of every deal in it.")
    version: int = strawberry.field(
        description="Increases on every change; send it back as `expectedVersion` to update."
    )
    created_at: datetime = strawberry.field(description="When the pipeline was created.")
    updated_at: datetime = strawberry.field(description="When the pipeline last changed.")
    deleted_at: datetime | None = strawberry.field(description="When it was deleted, if so.")

    @strawberry.field(description="The stages, in board order.")
    async def stages(self, info: GraphInfo) -> list[StageType]:
        stages: list[StageType] = await related_list(info, self, Pipeline.stages)
        return sorted(stages, key=lambda s: (s.position, s.pk))

    @strawberry.field(description="Deals in this pipeline. " + PAGE_ARGS_DOC)
    @to_many(Pipeline.deals)
    async def deals(
        self,
        info: GraphInfo,
        filter: Annotated[DealFilterRef | None, FILTER] = None,
        order_by: Annotated[list[DealSortRef] | None, ORDER_BY] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[DealRef]:
        return await related_connection(
            info,
            self,
            Pipeline.deals,
            filter=filter,
            order_by=order_by,
            first=first,
            after=after,
            last=last,
            before=before,
        )


@register(Stage)
@strawberry.type(
    name="PipelineStage",
    description="A column of a pipeline's board, with the win probability of its deals.",
)
class StageType(NodeType, Node):
    name: str = strawberry.field(description="Name shown on the column.")
    position: int = strawberry.field(description="0-based position among the pipeline's stages.")
    probability: int = strawberry.field(description="Win probability of its deals, percent.")
    kind: StageKind = strawberry.field(description="OPEN, or WON/LOST for closed deals.")
    version: int = strawberry.field(
        description="Increases on every change; send it back as `expectedVersion` to update."
    )
    created_at: datetime = strawberry.field(description="When the stage was created.")
    updated_at: datetime = strawberry.field(description="When the stage last changed.")
    deleted_at: datetime | None = strawberry.field(
        description="When it was removed from its pipeline (removed stages show only in "
        "deals' stage history)."
    )
    pipeline_id: strawberry.Private[int]

    @strawberry.field(description="The pipeline it belongs to.")
    @to_one(Stage.pipeline, include_deleted=True)
    async def pipeline(self, info: GraphInfo) -> PipelineType:
        return await related_one(info, self, Stage.pipeline, include_deleted=True)  # type: ignore[no-any-return]

    @strawberry.field(
        description="Deals in this stage, in board order (top first) unless `orderBy` says "
        "otherwise. " + PAGE_ARGS_DOC
    )
    async def deals(
        self,
        info: GraphInfo,
        filter: Annotated[DealFilterRef | None, FILTER] = None,
        order_by: Annotated[list[DealSortRef] | None, ORDER_BY] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[DealRef]:
        return await related_connection(
            info,
            self,
            Stage.deals,
            filter=filter,
            order_by=order_by or BY_RANK,
            first=first,
            after=after,
            last=last,
            before=before,
        )


async def pipeline_by_id(info: GraphInfo, pk: int) -> PipelineType | None:
    """A live pipeline the viewer may see, through the request's loader."""
    row = await info.context.loaders.by_id(Pipeline).load(pk)
    return None if row is None else PipelineType.from_row(row)


async def stage_by_id(info: GraphInfo, pk: int) -> StageType | None:
    """A live stage the viewer may see, through the request's loader."""
    row = await info.context.loaders.by_id(Stage).load(pk)
    return None if row is None else StageType.from_row(row)
