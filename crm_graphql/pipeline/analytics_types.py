"""GraphQL types of pipeline analytics: the board, the forecast and stage conversion."""

from __future__ import annotations

from datetime import date
from typing import Self

import strawberry

from crm_graphql.graphql.arguments import After, Before, First, Last
from crm_graphql.graphql.fields import requested_page
from crm_graphql.graphql.filters import compile_filter, ordering, shape_key
from crm_graphql.graphql.relay import Connection, GraphInfo, build_connection
from crm_graphql.graphql.scalars import Money
from crm_graphql.pipeline import analytics
from crm_graphql.pipeline.analytics import ColumnTotals, ForecastGroupBy, ForecastPeriod
from crm_graphql.pipeline.inputs import DealFilter
from crm_graphql.pipeline.models import Deal, Pipeline, Stage
from crm_graphql.pipeline.types import BY_RANK, DealType, PipelineType, StageType
from crm_graphql.platform.users.models import User
from crm_graphql.platform.users.types import UserType

strawberry.enum(ForecastPeriod, description="The length of a forecast's periods (UTC calendar).")
strawberry.enum(
    ForecastGroupBy,
    description="What a forecast's buckets are split by within each period: the deals' OWNER, "
    "STAGE or PIPELINE.",
)

BY_RANK_ORDER = ordering(Deal, BY_RANK)


async def _stage(info: GraphInfo, stage_id: int) -> StageType | None:
    row = await info.context.loaders.by_id(Stage).load(stage_id)
    return None if row is None else StageType.from_row(row)


# --- board --------------------------------------------------------------------------------


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
        stage = await _stage(info, self.stage_id)
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
        totals = await analytics.board_totals(
            db=ctx.reader,
            pipeline_id=self.pipeline.pk,
            scope=ctx.scope,
            where=[compile_filter(Deal, self.filter, ctx.scope)],
        )
        return [BoardColumn.of(column, self.filter) for column in totals]


# --- forecast -----------------------------------------------------------------------------


@strawberry.type(
    name="ForecastBucket",
    description="The deals of one period and one group (owner, stage or pipeline) in one "
    "currency. A won deal counts in the period of its `closedAt`; an open deal in the period of "
    "its `expectedCloseDate` (open deals without one are left out); lost deals never count.",
)
class ForecastBucketType:
    period_start: date = strawberry.field(description="First day of the period (UTC).")
    period_end: date = strawberry.field(description="Last day of the period, inclusive (UTC).")
    currency: str = strawberry.field(
        description="ISO 4217 currency of every amount in the bucket: currencies never mix."
    )
    committed: Money = strawberry.field(
        description="Sum of the amounts of WON deals whose `closedAt` falls in the period."
    )
    weighted: Money = strawberry.field(
        description="Sum of the amounts of OPEN deals expected to close in the period, each "
        "times its stage's win probability / 100; rounded half-even to the minor unit once "
        "per bucket."
    )
    best_case: Money = strawberry.field(
        description="`committed` plus the full amounts of the OPEN deals expected to close in "
        "the period."
    )
    deal_count: int = strawberry.field(
        description="How many deals the bucket counts: won in the period plus open and "
        "expected in the period."
    )
    group_by: strawberry.Private[ForecastGroupBy]
    group_id: strawberry.Private[int | None]

    @classmethod
    def of(cls, bucket: analytics.ForecastBucket, group_by: ForecastGroupBy) -> Self:
        return cls(
            period_start=bucket.period.first_day,
            period_end=bucket.period.last_day,
            currency=bucket.currency,
            committed=Money.of(bucket.committed_minor, bucket.currency),
            weighted=Money.of(bucket.weighted_minor, bucket.currency),
            best_case=Money.of(bucket.best_case_minor, bucket.currency),
            deal_count=bucket.deal_count,
            group_by=group_by,
            group_id=bucket.group_id,
        )

    def _key(self, group_by: ForecastGroupBy) -> int | None:
        return self.group_id if self.group_by is group_by else None

    @strawberry.field(
        description="groupBy OWNER: the deals' owner (null for the bucket of unowned deals, "
        "and with other groupings)."
    )
    async def owner(self, info: GraphInfo) -> UserType | None:
        key = self._key(ForecastGroupBy.OWNER)
        if key is None:
            return None
        row = await info.context.loaders.by_id(User).load(key)
        return None if row is None else UserType.from_row(row)

    @strawberry.field(
        description="groupBy STAGE: the stage the deals are in now (null with other groupings)."
    )
    async def stage(self, info: GraphInfo) -> StageType | None:
        key = self._key(ForecastGroupBy.STAGE)
        return None if key is None else await _stage(info, key)

    @strawberry.field(description="groupBy PIPELINE: the deals' pipeline (null otherwise).")
    async def pipeline(self, info: GraphInfo) -> PipelineType | None:
        key = self._key(ForecastGroupBy.PIPELINE)
        if key is None:
            return None
        row = await info.context.loaders.by_id(Pipeline).load(key)
        return None if row is None else PipelineType.from_row(row)


@strawberry.type(
    description="Expected revenue per calendar period: committed (won), weighted and best case, "
    "from the live deals you may see."
)
class Forecast:
    period: ForecastPeriod = strawberry.field(description="The length of each period.")
    from_: date = strawberry.field(
        name="from",
        description="First day covered: the requested `from` moved back to its period's start.",
    )
    to: date = strawberry.field(
        description="Last day covered: the requested `to` moved on to its period's end."
    )
    group_by: ForecastGroupBy = strawberry.field(description="How each period is split.")
    buckets: list[ForecastBucketType] = strawberry.field(
        description="Ordered by period, then group (owner by ID with unowned deals last; stage "
        "by pipeline and position; pipeline by ID), then currency. Only periods and groups "
        "with at least one counted deal have a bucket."
    )


# --- stage conversion ---------------------------------------------------------------------


@strawberry.type(
    name="StageStats",
    description="How deals moved through one stage within the range [from, to) of "
    "`pipelineStats`, from the deals' stage history (live deals you may see).",
)
class StageStatsType:
    entered: int = strawberry.field(
        description="How many distinct deals entered the stage at a time in [from, to): moved "
        "into it, or created in it."
    )
    advanced: int = strawberry.field(
        description="How many of the `entered` deals, at any time after entering (also after "
        "`to`), reached a stage of the pipeline with a higher position that is not a LOST stage."
    )
    conversion_rate: float | None = strawberry.field(
        description="advanced / entered, between 0 and 1: the share that moved on to a later "
        "stage; null when entered is 0."
    )
    average_days_in_stage: float | None = strawberry.field(
        description="Mean length in days (fractional) of the completed stays in the stage that "
        "ended in [from, to): a stay runs from a deal's change into the stage to its next stage "
        "change. Stays still going on are left out; null when there are none."
    )
    stage_id: strawberry.Private[int]

    @classmethod
    def of(cls, stats: analytics.StageStats) -> Self:
        return cls(
            entered=stats.entered,
            advanced=stats.advanced,
            conversion_rate=stats.conversion_rate,
            average_days_in_stage=stats.average_days,
            stage_id=stats.stage_id,
        )

    @strawberry.field(description="The stage.")
    async def stage(self, info: GraphInfo) -> StageType:
        stage = await _stage(info, self.stage_id)
        assert stage is not None  # read by the same statement's rules
        return stage


@strawberry.type(description="Conversion through a pipeline's stages over a time range.")
class PipelineStats:
    stages: list[StageStatsType] = strawberry.field(
        description="One entry per stage of the pipeline, in position order."
    )
