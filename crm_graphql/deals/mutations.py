"""Deal mutations: create, change, move through the stages, win, lose, reopen, delete."""

from __future__ import annotations

from typing import Annotated

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from crm_graphql.core.ids import expect_id
from crm_graphql.data.records import restore, soft_delete
from crm_graphql.deals import service
from crm_graphql.deals.inputs import (
    CreateDealInput,
    LoseDealInput,
    MoveDealInput,
    ReopenDealInput,
    UpdateDealInput,
    WinDealInput,
)
from crm_graphql.deals.models import Deal
from crm_graphql.deals.types import DealType
from crm_graphql.graphql.arguments import INPUT
from crm_graphql.graphql.payloads import (
    DeleteInput,
    RestoreInput,
    UserError,
    mutate,
    optional_id,
    provided,
)
from crm_graphql.graphql.relay import GraphInfo
from crm_graphql.graphql.scalars import MoneyInput


@strawberry.type(description="The result of a deal mutation.")
class DealPayload:
    deal: DealType | None = strawberry.field(
        description="The deal as it now is (null when there are errors)."
    )
    errors: list[UserError] = strawberry.field(description="Why nothing was written, if so.")


def _deal(deal: Deal | None, errors: list[UserError]) -> DealPayload:
    return DealPayload(deal=DealType.from_model(deal) if deal else None, errors=errors)


def _amount(money: MoneyInput) -> service.Amount:
    return service.Amount(amount=money.amount, currency=money.currency)


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
