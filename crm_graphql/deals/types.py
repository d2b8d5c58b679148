"""GraphQL types of deals, their stage history, and a pipeline's board of them."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import date, datetime
from typing import Self

import strawberry

import crm_graphql.deals.enums  # noqa: F401  (registers the GraphQL enums)
from crm_graphql.companies.refs import CompanyRef
from crm_graphql.customers.refs import CustomerRef
from crm_graphql.data.projection import WANTED
from crm_graphql.deals.board import ColumnTotals, board_totals
from crm_graphql.deals.inputs import DealFilter
from crm_graphql.deals.models import Deal, DealStageChange, DealStatus
from crm_graphql.graphql.context import Context
from crm_graphql.graphql.fields import PAGE_ARGUMENTS, batch_field, to_list, to_one, to_one_by_key
from crm_graphql.graphql.filters import compile_filter, ordering, shape_key
from crm_graphql.graphql.relations import page_request
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
from crm_graphql.pipelines.refs import PipelineRef, StageRef
from crm_graphql.pipelines.types import BY_RANK, PipelineType
from crm_graphql.platform.users.refs import UserRef

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

    def _amount(self) -> Money:
        return Money.of(self.amount_minor, self.currency)

    amount: Money = strawberry.field(
        resolver=_amount, description="Expected value, in the pipeline's currency."
    )
    pipeline: PipelineRef = to_one(
        Deal.pipeline, include_deleted=True, description="The pipeline it is in."
    )
    stage: StageRef = to_one(Deal.stage, description="The stage it is in.")
    owner: UserRef | None = to_one(Deal.owner, description="The user who owns it.")
    customer: CustomerRef | None = to_one(
        Deal.customer, description="The customer it is with, if any (and visible to you)."
    )
    company: CompanyRef | None = to_one(
        Deal.company, description="The company it is with, if any (and visible to you)."
    )
    stage_history: list[DealStageChangeType] = to_list(
        Deal.stage_changes,
        description="Every stage it has been in, oldest first (creation first).",
    )


@register(DealStageChange)
@strawberry.type(name="DealStageChange", description="One step of a deal from a stage to another.")
class DealStageChangeType(NodeType, Node):
    changed_at: datetime = strawberry.field(description="When the deal entered `toStage`.")
    deal_id: strawberry.Private[int]
    from_stage_id: strawberry.Private[int | None]
    to_stage_id: strawberry.Private[int]
    user_id: strawberry.Private[int | None]

    deal: DealType | None = to_one(DealStageChange.deal, description="The deal that moved.")
    from_stage: StageRef | None = to_one(
        DealStageChange.from_stage,
        include_deleted=True,
        description="The stage it left (null when the deal was created); also a removed one.",
    )
    to_stage: StageRef = to_one(
        DealStageChange.to_stage,
        include_deleted=True,
        description="The stage it entered; also a removed one.",
    )
    user: UserRef | None = to_one(
        DealStageChange.user, description="Who moved it (null for system changes)."
    )


# --- board ---------------------------------------------------------------------------------


async def column_deals(
    ctx: Context,
    columns: Sequence[BoardColumn],
    *,
    first: int | None = None,
    after: str | None = None,
    last: int | None = None,
    before: str | None = None,
) -> list[Connection[DealType]]:
    """A page of each column's deals, from the loader `PipelineStage.deals` uses: the pages of
    every column of a board come from one statement."""
    args = page_request(ctx, BY_RANK_ORDER, first=first, after=after, last=last, before=before)

    async def deals_of(column: BoardColumn) -> Connection[DealType]:
        page = await ctx.loaders.page(
            Stage.deals,
            ordering=BY_RANK_ORDER,
            args=args,
            where=[compile_filter(Deal, column.filter, ctx.scope)],
            shape=shape_key(column.filter),
            columns=WANTED.get(),
        ).load(column.stage_id)
        count = column.count

        async def total() -> int:
            return count

        return build_connection(DealType, page, BY_RANK_ORDER, total)

    return list(await asyncio.gather(*(deals_of(column) for column in columns)))


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

    stage: StageRef = to_one_by_key(
        Stage, key="stage_id", description="The stage this column shows."
    )
    deals: Connection[DealType] = batch_field(
        column_deals,
        uses=None,
        arguments=PAGE_ARGUMENTS,
        description="The column's deals in board order (rank, then ID), keyset-paginated with "
        "first/after or last/before (at most CRM_MAX_PAGE_SIZE); `totalCount` is `count`. "
        "Cursors are those of `PipelineStage.deals` in its default order.",
    )

    @classmethod
    def of(cls, totals: ColumnTotals, filter: DealFilter | None) -> Self:
        return cls(
            count=totals.count,
            total=Money.of(totals.total_minor, totals.currency),
            weighted=Money.of(totals.weighted_minor, totals.currency),
            stage_id=totals.stage_id,
            filter=filter,
        )


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
