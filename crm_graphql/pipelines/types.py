"""GraphQL types of pipelines and their stages."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

import strawberry

import crm_graphql.pipelines.enums  # noqa: F401  (registers the GraphQL enums)
from crm_graphql.deals.refs import DealFilterRef, DealRef, DealSortRef
from crm_graphql.graphql.fields import to_list, to_many, to_one
from crm_graphql.graphql.filters import Sort
from crm_graphql.graphql.relay import Connection, Node, NodeType, register
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

    stages: list[StageType] = to_list(
        Pipeline.stages, order_by=Stage.position, description="The stages, in board order."
    )
    deals: Connection[DealRef] = to_many(
        Pipeline.deals,
        filter=DealFilterRef,
        sort=DealSortRef,
        description="Deals in this pipeline.",
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

    pipeline: PipelineType = to_one(
        Stage.pipeline, include_deleted=True, description="The pipeline it belongs to."
    )
    deals: Connection[DealRef] = to_many(
        Stage.deals,
        filter=DealFilterRef,
        sort=DealSortRef,
        default_order=BY_RANK,
        description="Deals in this stage, in board order (top first) unless `orderBy` says "
        "otherwise.",
    )
