"""GraphQL types of deals, their stage history, and a pipeline's board of them."""

from __future__ import annotations

from datetime import date, datetime
from typing import Self

import strawberry

import crm_graphql.deals.enums  # noqa: F401  (registers the GraphQL enums)
from crm_graphql.companies.types import CompanyType
from crm_graphql.customers.types import CustomerType
from crm_graphql.deals.board import ColumnTotals, board_totals
from crm_graphql.deals.inputs import DealFilter
from crm_graphql.deals.models import Deal, DealStageChange, DealStatus
from crm_graphql.graphql.arguments import After, Before, First, Last
from crm_graphql.graphql.fields import related_list, related_one, requested_page, to_list, to_one
from crm_graphql.graphql.filters import compile_filter, ordering, shape_key
from crm_graphql.graphql.relay import (
    Connection,
    GraphInfo,
    Node,
    NodeType,
    build_connection,
    register,
)
from crm_graphql.graphql.scalars import Money
from crm_graphql.pipelines.models import Stage
from crm_graphql.pipelines.types import BY_RANK, PipelineType, StageType, stage_by_id
from crm_graphql.platform.users.types import UserType

BY_RANK_ORDER = ordering(Deal, BY_RANK)


@register(Deal)
@strawberry.type(name="Deal", description="A sales opportunity moving through a pipeline's stages.")
class DealType(NodeType, Node):
    title: str = strawberry.field(description="Title.")
    status: DealStatus = strawberry.field(description="OPEN, WON or LOST: its stage's kind.")
    expected_close_date: date | None = strawberry.field(description="When it should close.")
    closed_at: datetime | None = strawberry.field(description="When it was won or lost.")
    lost_reason: str | None = strawberry.field(description="Why it was lost, if it was.")
    source: str | None = strawberry.field(description="Where it came from.")
    stage_entered_at: datetime = strawberry.field(description="When it entered its current stage.")
    version: int = strawberry.field(
        description="Increases on every change; send it back as `expectedVersion` to update."
    )
    created_at: datetime = strawberry.field(description="When the deal was created.")
    updated_at: datetime = strawberry.field(description="When the deal last changed.")
    deleted_at: datetime | None = strawberry.field(description="When it was deleted, if so.")
    amount_minor: strawberry.Private[int]
    currency: strawberry.Private[str]
    rank: strawberry.Private[float]
    pipeline_id: strawberry.Private[int]
    stage_id: strawberry.Private[int]
    owner_id: strawberry.Private[int | None]
    customer_id: strawberry.Private[int | None]
    company_id: strawberry.Private[int | None]

    @strawberry.field(description="Expected value, in the pipeline's currency.")
    def amount(self) -> Money:
        return Money.of(self.amount_minor, self.currency)

    @strawberry.field(description="The pipeline it is in.")
    @to_one(Deal.pipeline, include_deleted=True)
    async def pipeline(self, info: GraphInfo) -> PipelineType:
        return await related_one(info, self, Deal.pipeline, include_deleted=True)  # type: ignore[no-any-return]

    @strawberry.field(description="The stage it is in.")
    @to_one(Deal.stage)
    async def stage(self, info: GraphInfo) -> StageType:
        return await related_one(info, self, Deal.stage)  # type: ignore[no-any-return]

    @strawberry.field(description="The user who owns it.")
    @to_one(Deal.owner)
    async def owner(self, info: GraphInfo) -> UserType | None:
        return await related_one(info, self, Deal.owner)  # type: ignore[no-any-return]

    @strawberry.field(description="The customer it is with, if any (and visible to you).")
    @to_one(Deal.customer)
    async def customer(self, info: GraphInfo) -> CustomerType | None:
        return await related_one(info, self, Deal.customer)  # type: ignore[no-any-return]

    @strawberry.field(description="The company it is with, if any (and visible to you).")
    @to_one(Deal.company)
    async def company(self, info: GraphInfo) -> CompanyType | None:
        return await related_one(info, self, Deal.company)  # type: ignore[no-any-return]

    @strawberry.field(description="Every stage it has been in, oldest first (creation first).")
    @to_list(Deal.stage_changes)
    async def stage_history(self, info: GraphInfo) -> list[DealStageChangeType]:
        return await related_list(info, self, Deal.stage_changes)


@register(DealStageChange)
@strawberry.type(name="DealStageChange", description="One step of a deal from a stage to another.")
class DealStageChangeType(NodeType, Node):
    changed_at: datetime = strawberry.field(description="When the deal entered `toStage`.")
    deal_id: strawberry.Private[int]
    from_stage_id: strawberry.Private[int | None]
    to_stage_id: strawberry.Private[int]
    user_id: strawberry.Private[int | None]

    @strawberry.field(description="The deal that moved.")
    @to_one(DealStageChange.deal)
    async def deal(self, info: GraphInfo) -> DealType | None:
        return await related_one(info, self, DealStageChange.deal)  # type: ignore[no-any-return]

    @strawberry.field(
        description="The stage it left (null when the deal was created); also a removed one."
    )
    @to_one(DealStageChange.from_stage, include_deleted=True)
    async def from_stage(self, info: GraphInfo) -> StageType | None:
        return await related_one(info, self, DealStageChange.from_stage, include_deleted=True)  # type: ignore[no-any-return]

    @strawberry.field(description="The stage it entered; also a removed one.")
    @to_one(DealStageChange.to_stage, include_deleted=True)
    async def to_stage(self, info: GraphInfo) -> StageType:
        return await related_one(info, self, DealStageChange.to_stage, include_deleted=True)  # type: ignore[no-any-return]

    @strawberry.field(description="Who moved it (null for system changes).")
    @to_one(DealStageChange.user)
    async def user(self, info: GraphInfo) -> UserType | None:
        return await related_one(info, self, DealStageChange.user)  # type: ignore[no-any-return]


# --- board ---------------------------------------------------------------------------------


@strawberry.type(
    description="One column of a pipeline's board: a stage and the live deals in it that you "
    "may see (and that match the board's filter)."
)
class BoardColumn:
    count: int = strawberry.field(description="How many deals are in the column.")
    total: Money = strawberry.field(description="Sum of the deals' amounts.")
    weighted: Money = strawberry.field(
        description="Sum of the amounts times the stage's win probability / 100, rounded "
        "half-even to the currency's minor unit (once per column)."
    )
    stage_id: strawberry.Private[int]
    filter: strawberry.Private[DealFilter | None]

    @classmethod
    def of(cls, totals: ColumnTotals, filter: DealFilter | None) -> Self:
        return cls(
            count=totals.count,
            total=Money.of(totals.total_minor, totals.currency),
            weighted=Money.of(totals.weighted_minor, totals.currency),
            stage_id=totals.stage_id,
            filter=filter,
        )

    @strawberry.field(description="The stage this column shows.")
    async def stage(self, info: GraphInfo) -> StageType:
        stage = await stage_by_id(info, self.stage_id)
        assert stage is not None  # the board's statement read it with the same rules
        return stage

    @strawberry.field(
        description="The column's deals in board order (rank, then ID), keyset-paginated with "
        "first/after or last/before (at most CRM_MAX_PAGE_SIZE); `totalCount` is `count`. "
        "Cursors are those of `PipelineStage.deals` in its default order."
    )
    async def deals(
        self,
        info: GraphInfo,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[DealType]:
        ctx = info.context
        args = requested_page(
            info, BY_RANK_ORDER, first=first, after=after, last=last, before=before
        )
        # the loader `PipelineStage.deals` uses: every column's page comes from one statement
        page = await ctx.loaders.page(
            Stage.deals,
            ordering=BY_RANK_ORDER,
            args=args,
            where=[compile_filter(Deal, self.filter, ctx.scope)],
            shape=shape_key(self.filter),
        ).load(self.stage_id)
        count = self.count

        async def total() -> int:
            return count

        return build_connection(DealType, page, BY_RANK_ORDER, total)


@strawberry.type(
    description="A pipeline's board: one column per stage, in stage order, with counts and "
    "sums of the live deals you may see."
)
class PipelineBoard:
    pipeline: PipelineType = strawberry.field(description="The pipeline shown.")
    filter: strawberry.Private[DealFilter | None]

    @strawberry.field(
        description="One column per stage in position order, empty stages included. The "
        "counts and sums of all columns come from one grouped statement."
    )
    async def columns(self, info: GraphInfo) -> list[BoardColumn]:
        ctx = info.context
        totals = await board_totals(
            db=ctx.reader,
            pipeline_id=self.pipeline.pk,
            scope=ctx.scope,
            where=[compile_filter(Deal, self.filter, ctx.scope)],
        )
        return [BoardColumn.of(column, self.filter) for column in totals]
