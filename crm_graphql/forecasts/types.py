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
from crm_graphql.graphql.fields import to_one_by_key
from crm_graphql.graphql.scalars import Money
from crm_graphql.pipelines.models import Pipeline, Stage
from crm_graphql.pipelines.refs import PipelineRef, StageRef
from crm_graphql.platform.users.models import User
from crm_graphql.platform.users.refs import UserRef

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
    owner_id: strawberry.Private[int | None]
    stage_id: strawberry.Private[int | None]
    pipeline_id: strawberry.Private[int | None]

    owner: UserRef | None = to_one_by_key(
        User,
        key="owner_id",
        description="groupBy OWNER: the deals' owner (null for the bucket of unowned deals, "
        "and with other groupings).",
    )
    stage: StageRef | None = to_one_by_key(
        Stage,
        key="stage_id",
        description="groupBy STAGE: the stage the deals are in now (null with other groupings).",
    )
    pipeline: PipelineRef | None = to_one_by_key(
        Pipeline,
        key="pipeline_id",
        description="groupBy PIPELINE: the deals' pipeline (null otherwise).",
    )

    @classmethod
    def of(cls, bucket: ForecastBucket, group_by: ForecastGroupBy) -> Self:
        key = bucket.group_id  # of the grouping's entity
        return cls(
            period_start=bucket.period.first_day,
            period_end=bucket.period.last_day,
            currency=bucket.currency,
            committed=Money.of(bucket.committed_minor, bucket.currency),
            weighted=Money.of(bucket.weighted_minor, bucket.currency),
            best_case=Money.of(bucket.best_case_minor, bucket.currency),
            deal_count=bucket.deal_count,
            owner_id=key if group_by is ForecastGroupBy.OWNER else None,
            stage_id=key if group_by is ForecastGroupBy.STAGE else None,
            pipeline_id=key if group_by is ForecastGroupBy.PIPELINE else None,
        )


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

    stage: StageRef = to_one_by_key(Stage, key="stage_id", description="The stage.")

    @classmethod
    def of(cls, stats: StageStats) -> Self:
        return cls(
            entered=stats.entered,
            advanced=stats.advanced,
            conversion_rate=stats.conversion_rate,
            average_days_in_stage=stats.average_days,
            stage_id=stats.stage_id,
        )


@strawberry.type(description="Conversion through a pipeline's stages over a time range.")
class PipelineStats:
    stages: list[StageStatsType] = strawberry.field(
        description="One entry per stage of the pipeline, in position order."
    )
