"""Pipeline and stage mutations."""

from __future__ import annotations

from typing import Annotated

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from crm_graphql.core.ids import expect_id
from crm_graphql.data.records import restore
from crm_graphql.graphql.arguments import INPUT
from crm_graphql.graphql.payloads import (
    DeleteInput,
    RemoveInput,
    RestoreInput,
    UserError,
    mutate,
    provided,
)
from crm_graphql.graphql.relay import GraphInfo
from crm_graphql.pipelines import service
from crm_graphql.pipelines.inputs import (
    CreatePipelineInput,
    CreatePipelineStageInput,
    ReorderPipelineStagesInput,
    UpdatePipelineInput,
    UpdatePipelineStageInput,
)
from crm_graphql.pipelines.models import Pipeline, Stage
from crm_graphql.pipelines.types import PipelineType, StageType


@strawberry.type(description="The result of a pipeline mutation.")
class PipelinePayload:
    pipeline: PipelineType | None = strawberry.field(
        description="The pipeline as it now is (null when there are errors)."
    )
    errors: list[UserError] = strawberry.field(description="Why nothing was written, if so.")


@strawberry.type(description="The result of a pipeline stage mutation.")
class PipelineStagePayload:
    stage: StageType | None = strawberry.field(
        description="The stage as it now is (null when there are errors)."
    )
    errors: list[UserError] = strawberry.field(description="Why nothing was written, if so.")


def _pipeline(pipeline: Pipeline | None, errors: list[UserError]) -> PipelinePayload:
    return PipelinePayload(
        pipeline=PipelineType.from_model(pipeline) if pipeline else None, errors=errors
    )


def _stage(stage: Stage | None, errors: list[UserError]) -> PipelineStagePayload:
    return PipelineStagePayload(stage=StageType.from_model(stage) if stage else None, errors=errors)


@strawberry.type
class PipelineMutation:
    @strawberry.mutation(description="Creates a pipeline with its stages.")
    async def create_pipeline(
        self, info: GraphInfo, input: Annotated[CreatePipelineInput, INPUT]
    ) -> PipelinePayload:
        async def action(session: AsyncSession) -> Pipeline:
            return await service.create_pipeline(
                session=session,
                name=input.name,
                currency=input.currency,
                stages=[service.NewStage(s.name, s.probability, s.kind) for s in input.stages],
                is_default=input.is_default,
            )

        return _pipeline(*await mutate(info, action))

    @strawberry.mutation(description="Renames a pipeline, or makes it the default.")
    async def update_pipeline(
        self, info: GraphInfo, input: Annotated[UpdatePipelineInput, INPUT]
    ) -> PipelinePayload:
        async def action(session: AsyncSession) -> Pipeline:
            return await service.update_pipeline(
                session=session,
                pipeline_id=expect_id(input.id, "Pipeline", ("id",)),
                expected_version=input.expected_version,
                fields=provided(input),
            )

        return _pipeline(*await mutate(info, action))

    @strawberry.mutation(
        description="Deletes a pipeline softly. Refused for the default pipeline and for one "
        "with open deals."
    )
    async def delete_pipeline(
        self, info: GraphInfo, input: Annotated[DeleteInput, INPUT]
    ) -> PipelinePayload:
        async def action(session: AsyncSession) -> Pipeline:
            return await service.delete_pipeline(
                session=session,
                pipeline_id=expect_id(input.id, "Pipeline", ("id",)),
                expected_version=input.expected_version,
            )

        return _pipeline(*await mutate(info, action))

    @strawberry.mutation(description="Restores a deleted pipeline.")
    async def restore_pipeline(
        self, info: GraphInfo, input: Annotated[RestoreInput, INPUT]
    ) -> PipelinePayload:
        async def action(session: AsyncSession) -> Pipeline:
            return await restore(session, Pipeline, expect_id(input.id, "Pipeline", ("id",)))

        return _pipeline(*await mutate(info, action))

    @strawberry.mutation(description="Adds a stage to a pipeline.")
    async def create_pipeline_stage(
        self, info: GraphInfo, input: Annotated[CreatePipelineStageInput, INPUT]
    ) -> PipelineStagePayload:
        async def action(session: AsyncSession) -> Stage:
            return await service.create_pipeline_stage(
                session=session,
                pipeline_id=expect_id(input.pipeline_id, "Pipeline", ("pipelineId",)),
                new=service.NewStage(input.name, input.probability, input.kind),
                position=input.position,
            )

        return _stage(*await mutate(info, action))

    @strawberry.mutation(description="Renames a stage, or changes its probability or kind.")
    async def update_pipeline_stage(
        self, info: GraphInfo, input: Annotated[UpdatePipelineStageInput, INPUT]
    ) -> PipelineStagePayload:
        async def action(session: AsyncSession) -> Stage:
            return await service.update_pipeline_stage(
                session=session,
                stage_id=expect_id(input.id, "Stage", ("id",)),
                expected_version=input.expected_version,
                fields=provided(input),
            )

        return _stage(*await mutate(info, action))

    @strawberry.mutation(
        description="Puts a pipeline's stages in a new order; `stageIds` names each exactly once."
    )
    async def reorder_pipeline_stages(
        self, info: GraphInfo, input: Annotated[ReorderPipelineStagesInput, INPUT]
    ) -> PipelinePayload:
        async def action(session: AsyncSession) -> Pipeline:
            return await service.reorder_pipeline_stages(
                session=session,
                pipeline_id=expect_id(input.pipeline_id, "Pipeline", ("pipelineId",)),
                stage_ids=[
                    expect_id(pk, "Stage", ("stageIds", str(i)))
                    for i, pk in enumerate(input.stage_ids)
                ],
                expected_version=input.expected_version,
            )

        return _pipeline(*await mutate(info, action))

    @strawberry.mutation(
        description="Removes a stage from its pipeline. Refused (CONFLICT) while it holds any "
        "deal, deleted ones included: move them first. Deals' stage history keeps naming it."
    )
    async def remove_pipeline_stage(
        self, info: GraphInfo, input: Annotated[RemoveInput, INPUT]
    ) -> PipelineStagePayload:
        async def action(session: AsyncSession) -> Stage:
            return await service.remove_pipeline_stage(
                session=session, stage_id=expect_id(input.id, "Stage", ("id",))
            )

        return _stage(*await mutate(info, action))
