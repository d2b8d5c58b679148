"""Filter, sort and mutation inputs of pipelines and their stages."""

from __future__ import annotations

import enum

import strawberry

import crm_graphql.pipelines.enums  # noqa: F401  (registers the GraphQL enums)
from crm_graphql.deals.refs import DealListFilterRef
from crm_graphql.graphql.filters import (
    BooleanFilter,
    DateTimeFilter,
    EnumFilter,
    IDFilter,
    IntFilter,
    Sort,
    StringFilter,
)
from crm_graphql.pipelines.models import StageKind

AND = "All of these filters match."
OR = "At least one of these filters matches."
NOT = "This filter does not match."


@strawberry.input(description="Conditions on pipelines; all given conditions must hold.")
class PipelineFilter:
    and_: list[PipelineFilter] | None = strawberry.field(default=None, name="and", description=AND)
    or_: list[PipelineFilter] | None = strawberry.field(default=None, name="or", description=OR)
    not_: PipelineFilter | None = strawberry.field(default=None, name="not", description=NOT)
    id: IDFilter | None = strawberry.field(default=None, description="The pipeline's ID.")
    name: StringFilter | None = strawberry.field(default=None, description="Name.")
    currency: StringFilter | None = strawberry.field(default=None, description="Currency code.")
    is_default: BooleanFilter | None = strawberry.field(
        default=None, description="The default pipeline."
    )
    created_at: DateTimeFilter | None = strawberry.field(default=None, description="Created.")
    deals: DealListFilterRef | None = strawberry.field(default=None, description="Its deals match.")


@strawberry.input(
    name="PipelineStageFilter", description="Conditions on stages; all given conditions must hold."
)
class StageFilter:
    and_: list[StageFilter] | None = strawberry.field(default=None, name="and", description=AND)
    or_: list[StageFilter] | None = strawberry.field(default=None, name="or", description=OR)
    not_: StageFilter | None = strawberry.field(default=None, name="not", description=NOT)
    id: IDFilter | None = strawberry.field(default=None, description="The stage's ID.")
    pipeline_id: IDFilter | None = strawberry.field(default=None, description="Pipeline's ID.")
    name: StringFilter | None = strawberry.field(default=None, description="Name.")
    kind: EnumFilter[StageKind] | None = strawberry.field(default=None, description="Kind.")
    position: IntFilter | None = strawberry.field(
        default=None, description="0-based position on the board."
    )
    probability: IntFilter | None = strawberry.field(
        default=None, description="Win probability, percent."
    )


@strawberry.enum(description="Fields pipelines can be sorted by.")
class PipelineOrderField(enum.Enum):
    ID = "id"
    NAME = "name"
    CREATED_AT = "created_at"


@strawberry.input(name="PipelineOrder", description="A sort key for pipelines.")
class PipelineSort(Sort[PipelineOrderField]):
    pass


@strawberry.input(name="PipelineStageInput", description="A stage of a new pipeline.")
class StageInput:
    name: str = strawberry.field(description="Name shown on the board's column.")
    probability: int = strawberry.field(description="Win probability, percent (0-100).")
    kind: StageKind = strawberry.field(
        default=StageKind.OPEN, description="OPEN (default), WON or LOST."
    )


@strawberry.input(description="A new pipeline with its stages.")
class CreatePipelineInput:
    name: str = strawberry.field(description="Name, e.g. Enterprise sales.")
    currency: str = strawberry.field(description="ISO 4217 currency of every deal in it.")
    stages: list[StageInput] = strawberry.field(
        description="The stages in board order: at least one OPEN, one WON and one LOST."
    )
    is_default: bool = strawberry.field(
        default=False, description="Make it the default pipeline for new deals."
    )


@strawberry.input(description="Changes to a pipeline: omitted fields stay.")
class UpdatePipelineInput:
    id: strawberry.ID = strawberry.field(description="The pipeline.")
    expected_version: int = strawberry.field(description="The version you last read.")
    name: str | None = strawberry.field(default=strawberry.UNSET, description="Name.")
    currency: str | None = strawberry.field(
        default=strawberry.UNSET, description="Currency; only while the pipeline has no deals."
    )
    is_default: bool | None = strawberry.field(
        default=strawberry.UNSET,
        description="True makes it the default (the previous default stops being one); "
        "to change the default, make another pipeline the default.",
    )


@strawberry.input(description="A new stage of an existing pipeline.")
class CreatePipelineStageInput:
    pipeline_id: strawberry.ID = strawberry.field(description="The pipeline.")
    name: str = strawberry.field(description="Name shown on the board's column.")
    probability: int = strawberry.field(description="Win probability, percent (0-100).")
    kind: StageKind = strawberry.field(
        default=StageKind.OPEN,
        description="OPEN (default), WON or LOST.",
    )
    position: int | None = strawberry.field(
        default=None, description="0-based position among the stages (default: last)."
    )


@strawberry.input(description="Changes to a stage: omitted fields stay.")
class UpdatePipelineStageInput:
    id: strawberry.ID = strawberry.field(description="The stage.")
    expected_version: int = strawberry.field(description="The version you last read.")
    name: str | None = strawberry.field(default=strawberry.UNSET, description="Name.")
    probability: int | None = strawberry.field(
        default=strawberry.UNSET, description="Win probability, percent (0-100)."
    )
    kind: StageKind | None = strawberry.field(
        default=strawberry.UNSET,
        description="Kind; only for a stage without deals, and the pipeline must keep at "
        "least one OPEN, one WON and one LOST stage.",
    )


@strawberry.input(description="The new order of a pipeline's stages.")
class ReorderPipelineStagesInput:
    pipeline_id: strawberry.ID = strawberry.field(description="The pipeline.")
    stage_ids: list[strawberry.ID] = strawberry.field(
        description="Every stage of the pipeline, each once, in the new board order."
    )
    expected_version: int | None = strawberry.field(
        default=None, description="If given, only if the pipeline is still at this version."
    )
