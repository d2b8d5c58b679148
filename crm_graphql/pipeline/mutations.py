"""Pipeline, stage, deal and lead assignment mutations."""

from __future__ import annotations

from typing import Annotated

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from crm_graphql.core.ids import expect_id
from crm_graphql.customers.models import Customer
from crm_graphql.customers.types import CustomerType
from crm_graphql.data.records import restore, soft_delete
from crm_graphql.graphql.arguments import INPUT
from crm_graphql.graphql.payloads import (
    DeleteInput,
    RemoveInput,
    RestoreInput,
    UserError,
    mutate,
    optional_id,
    provided,
)
from crm_graphql.graphql.relay import GraphInfo
from crm_graphql.graphql.scalars import MoneyInput
from crm_graphql.pipeline import assignment, service
from crm_graphql.pipeline.inputs import (
    CreateDealInput,
    CreateLeadAssignmentRuleInput,
    CreatePipelineInput,
    CreatePipelineStageInput,
    DeleteLeadAssignmentRuleInput,
    LoseDealInput,
    MoveDealInput,
    ReopenDealInput,
    ReorderPipelineStagesInput,
    UpdateDealInput,
    UpdateLeadAssignmentRuleInput,
    UpdatePipelineInput,
    UpdatePipelineStageInput,
    WinDealInput,
)
from crm_graphql.pipeline.models import Deal, LeadAssignmentRule, Pipeline, Stage
from crm_graphql.pipeline.types import (
    DealType,
    LeadAssignmentRuleType,
    PipelineType,
    StageType,
)

# --- payloads -----------------------------------------------------------------------------------


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


@strawberry.type(description="The result of a deal mutation.")
class DealPayload:
    deal: DealType | None = strawberry.field(
        description="The deal as it now is (null when there are errors)."
    )
    errors: list[UserError] = strawberry.field(description="Why nothing was written, if so.")


@strawberry.type(description="The result of a lead assignment rule mutation.")
class LeadAssignmentRulePayload:
    lead_assignment_rule: LeadAssignmentRuleType | None = strawberry.field(
        description="The rule as it now is (null when there are errors)."
    )
    errors: list[UserError] = strawberry.field(description="Why nothing was written, if so.")


@strawberry.type(description="The result of assigning leads.")
class AssignLeadsPayload:
    customers: list[CustomerType] | None = strawberry.field(
        description="The leads that got an owner, in ID order (null when there are errors)."
    )
    errors: list[UserError] = strawberry.field(description="Why nothing was written, if so.")


def _pipeline(pipeline: Pipeline | None, errors: list[UserError]) -> PipelinePayload:
    return PipelinePayload(
        pipeline=PipelineType.from_model(pipeline) if pipeline else None, errors=errors
    )


def _stage(stage: Stage | None, errors: list[UserError]) -> PipelineStagePayload:
    return PipelineStagePayload(stage=StageType.from_model(stage) if stage else None, errors=errors)


def _deal(deal: Deal | None, errors: list[UserError]) -> DealPayload:
    return DealPayload(deal=DealType.from_model(deal) if deal else None, errors=errors)


def _rule(rule: LeadAssignmentRule | None, errors: list[UserError]) -> LeadAssignmentRulePayload:
    return LeadAssignmentRulePayload(
        lead_assignment_rule=LeadAssignmentRuleType.from_model(rule) if rule else None,
        errors=errors,
    )


def _amount(money: MoneyInput) -> service.Amount:
    return service.Amount(amount=money.amount, currency=money.currency)


def _user_ids(ids: list[strawberry.ID]) -> list[int]:
    return [expect_id(pk, "User", ("userIds", str(i))) for i, pk in enumerate(ids)]


# --- pipelines and stages -----------------------------------------------------------------------


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


# --- deals --------------------------------------------------------------------------------------


@strawberry.type
class DealMutation:
    @strawberry.mutation(
        description="Creates a deal at the end of its stage's column. A customer in LEAD "
        "becomes a PROSPECT (and, if it had no owner, gets the deal's owner)."
    )
    async def create_deal(
        self, info: GraphInfo, input: Annotated[CreateDealInput, INPUT]
    ) -> DealPayload:
        async def action(session: AsyncSession) -> Deal:
            return await service.create_deal(
                session=session,
                title=input.title,
                amount=_amount(input.amount),
                pipeline_id=optional_id(input.pipeline_id, "Pipeline", ("pipelineId",)),
                stage_id=optional_id(input.stage_id, "Stage", ("stageId",)),
                owner_id=optional_id(input.owner_id, "User", ("ownerId",)),
                customer_id=optional_id(input.customer_id, "Customer", ("customerId",)),
                company_id=optional_id(input.company_id, "Company", ("companyId",)),
                expected_close_date=input.expected_close_date,
                source=input.source,
            )

        return _deal(*await mutate(info, action))

    @strawberry.mutation(description="Changes a deal, if `expectedVersion` is current.")
    async def update_deal(
        self, info: GraphInfo, input: Annotated[UpdateDealInput, INPUT]
    ) -> DealPayload:
        async def action(session: AsyncSession) -> Deal:
            fields = provided(input)
            if "amount" in fields and fields["amount"] is not None:
                fields["amount"] = _amount(fields["amount"])
            for key, type_name in (
                ("owner_id", "User"),
                ("customer_id", "Customer"),
                ("company_id", "Company"),
            ):
                if key in fields:
                    field = (key.replace("_id", "Id"),)
                    fields[key] = optional_id(fields[key], type_name, field)
            return await service.update_deal(
                session=session,
                deal_id=expect_id(input.id, "Deal", ("id",)),
                expected_version=input.expected_version,
                fields=fields,
            )

        return _deal(*await mutate(info, action))

    @strawberry.mutation(
        description="Moves a deal to a stage and a place in its column. A WON stage wins the "
        "deal, a LOST one loses it (give `lostReason`), an OPEN one reopens a closed deal. "
        "A stage of another pipeline moves the deal there if both pipelines use the same "
        "currency; otherwise the move is refused."
    )
    async def move_deal(
        self, info: GraphInfo, input: Annotated[MoveDealInput, INPUT]
    ) -> DealPayload:
        async def action(session: AsyncSession) -> Deal:
            return await service.move_deal(
                session=session,
                deal_id=expect_id(input.id, "Deal", ("id",)),
                expected_version=input.expected_version,
                stage_id=expect_id(input.stage_id, "Stage", ("stageId",)),
                position=input.position,
                lost_reason=input.lost_reason,
            )

        return _deal(*await mutate(info, action))

    @strawberry.mutation(
        description="Wins a deal: it moves to its pipeline's first WON stage and gets `closedAt`; "
        "its customer becomes a CUSTOMER (unless CHURNED)."
    )
    async def win_deal(self, info: GraphInfo, input: Annotated[WinDealInput, INPUT]) -> DealPayload:
        async def action(session: AsyncSession) -> Deal:
            return await service.win_deal(
                session=session,
                deal_id=expect_id(input.id, "Deal", ("id",)),
                expected_version=input.expected_version,
            )

        return _deal(*await mutate(info, action))

    @strawberry.mutation(
        description="Loses a deal: it moves to its pipeline's first LOST stage with the reason "
        "and gets `closedAt`."
    )
    async def lose_deal(
        self, info: GraphInfo, input: Annotated[LoseDealInput, INPUT]
    ) -> DealPayload:
        async def action(session: AsyncSession) -> Deal:
            return await service.lose_deal(
                session=session,
                deal_id=expect_id(input.id, "Deal", ("id",)),
                expected_version=input.expected_version,
                reason=input.reason,
            )

        return _deal(*await mutate(info, action))

    @strawberry.mutation(
        description="Reopens a won or lost deal in the given OPEN stage (default: the last "
        "OPEN stage it was in); clears `closedAt` and `lostReason`."
    )
    async def reopen_deal(
        self, info: GraphInfo, input: Annotated[ReopenDealInput, INPUT]
    ) -> DealPayload:
        async def action(session: AsyncSession) -> Deal:
            return await service.reopen_deal(
                session=session,
                deal_id=expect_id(input.id, "Deal", ("id",)),
                expected_version=input.expected_version,
                stage_id=optional_id(input.stage_id, "Stage", ("stageId",)),
            )

        return _deal(*await mutate(info, action))

    @strawberry.mutation(description="Deletes a deal softly; `restoreDeal` undoes it.")
    async def delete_deal(
        self, info: GraphInfo, input: Annotated[DeleteInput, INPUT]
    ) -> DealPayload:
        async def action(session: AsyncSession) -> Deal:
            pk = expect_id(input.id, "Deal", ("id",))
            return await soft_delete(session, Deal, pk, input.expected_version)

        return _deal(*await mutate(info, action))

    @strawberry.mutation(description="Restores a deleted deal.")
    async def restore_deal(
        self, info: GraphInfo, input: Annotated[RestoreInput, INPUT]
    ) -> DealPayload:
        async def action(session: AsyncSession) -> Deal:
            return await restore(session, Deal, expect_id(input.id, "Deal", ("id",)))

        return _deal(*await mutate(info, action))


# --- lead assignment ----------------------------------------------------------------------------


@strawberry.type
class LeadAssignmentMutation:
    @strawberry.mutation(description="Creates a lead assignment rule.")
    async def create_lead_assignment_rule(
        self, info: GraphInfo, input: Annotated[CreateLeadAssignmentRuleInput, INPUT]
    ) -> LeadAssignmentRulePayload:
        async def action(session: AsyncSession) -> LeadAssignmentRule:
            return await assignment.create_rule(
                session=session,
                name=input.name,
                strategy=input.strategy,
                user_ids=_user_ids(input.user_ids),
                country=input.country,
                tag_id=optional_id(input.tag_id, "Tag", ("tagId",)),
                position=input.position,
                active=input.active,
            )

        return _rule(*await mutate(info, action))

    @strawberry.mutation(description="Changes a lead assignment rule.")
    async def update_lead_assignment_rule(
        self, info: GraphInfo, input: Annotated[UpdateLeadAssignmentRuleInput, INPUT]
    ) -> LeadAssignmentRulePayload:
        async def action(session: AsyncSession) -> LeadAssignmentRule:
            fields = provided(input)
            if "tag_id" in fields:
                fields["tag_id"] = optional_id(fields["tag_id"], "Tag", ("tagId",))
            if fields.get("user_ids") is not None:
                fields["user_ids"] = _user_ids(fields["user_ids"])
            return await assignment.update_rule(
                session=session,
                rule_id=expect_id(input.id, "LeadAssignmentRule", ("id",)),
                expected_version=input.expected_version,
                fields=fields,
            )

        return _rule(*await mutate(info, action))

    @strawberry.mutation(description="Deletes a lead assignment rule permanently.")
    async def delete_lead_assignment_rule(
        self, info: GraphInfo, input: Annotated[DeleteLeadAssignmentRuleInput, INPUT]
    ) -> LeadAssignmentRulePayload:
        async def action(session: AsyncSession) -> LeadAssignmentRule:
            return await assignment.delete_rule(
                session=session,
                rule_id=expect_id(input.id, "LeadAssignmentRule", ("id",)),
                expected_version=input.expected_version,
            )

        return _rule(*await mutate(info, action))

    @strawberry.mutation(
        description="Runs the assignment rules over every unowned LEAD you can see, in ID "
        f"order (at most {assignment.MAX_ASSIGNED} per call): for leads whose addresses or "
        "tags were added after they were created."
    )
    async def assign_leads(self, info: GraphInfo) -> AssignLeadsPayload:
        async def action(session: AsyncSession) -> list[Customer]:
            return await assignment.assign_leads(session=session)

        customers, errors = await mutate(info, action)
        return AssignLeadsPayload(
            customers=None
            if customers is None
            else [CustomerType.from_model(c) for c in customers],
            errors=errors,
        )
