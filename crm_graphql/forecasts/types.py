"""GraphQL types of pipeline analytics: the forecast and conversion through the stages."""

from __future__ import annotations

from datetime import date
from typing import Self

import strawberry

from crm_graphql.forecasts.service import (
    ForecastBucket,
    ForecastGroupBy,
    ForecastPeriod,
    StageStats,
)
from crm_graphql.graphql.relay import GraphInfo
from crm_graphql.graphql.scalars import Money
from crm_graphql.pipelines.types import PipelineType, StageType, pipeline_by_id, stage_by_id
from crm_graphql.platform.users.models import User
from crm_graphql.platform.users.types import UserType

strawberry.enum(ForecastPeriod, description="The length of a forecast's periods (UTC calendar).")
strawberry.enum(
    ForecastGroupBy,
    description="What a forecast's buckets are split by within each period: the deals' OWNER, "
    "STAGE or PIPELINE.",
)


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
    def of(cls, bucket: ForecastBucket, group_by: ForecastGroupBy) -> Self:
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
        return None if key is None else await stage_by_id(info, key)

    @strawberry.field(description="groupBy PIPELINE: the deals' pipeline (null otherwise).")
    async def pipeline(self, info: GraphInfo) -> PipelineType | None:
        key = self._key(ForecastGroupBy.PIPELINE)
        if key is None:
            return None
        return await pipeline_by_id(info, key)


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
    def of(cls, stats: StageStats) -> Self:
        return cls(
            entered=stats.entered,
            advanced=stats.advanced,
            conversion_rate=stats.conversion_rate,
            average_days_in_stage=stats.average_days,
            stage_id=stats.stage_id,
        )

    @strawberry.field(description="The stage.")
    async def stage(self, info: GraphInfo) -> StageType:
        stage = await stage_by_id(info, self.stage_id)
        assert stage is not None  # read by the same statement's rules
        return stage


@strawberry.type(description="Conversion through a pipeline's stages over a time range.")
class PipelineStats:
    stages: list[StageStatsType] = strawberry.field(
        description="One entry per stage of the pipeline, in position order."
    )
