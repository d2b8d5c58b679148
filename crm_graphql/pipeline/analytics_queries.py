"""Root fields of pipeline analytics: pipelineBoard, forecast and pipelineStats."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

import strawberry

from crm_graphql.core.errors import BadRequestError, DomainError
from crm_graphql.core.ids import expect_id
from crm_graphql.graphql.arguments import FILTER
from crm_graphql.graphql.relay import GraphInfo
from crm_graphql.pipeline import analytics
from crm_graphql.pipeline.analytics import ForecastGroupBy, ForecastPeriod
from crm_graphql.pipeline.analytics_types import (
    Forecast,
    ForecastBucketType,
    PipelineBoard,
    PipelineStats,
    StageStatsType,
)
from crm_graphql.pipeline.inputs import DealFilter
from crm_graphql.pipeline.models import Pipeline
from crm_graphql.pipeline.types import PipelineType


def _pipeline_key(value: str) -> int:
    try:
        return expect_id(value, "Pipeline", ("pipelineId",))
    except DomainError as exc:
        raise BadRequestError(f"`pipelineId`: {exc}") from exc


async def _visible_pipeline(info: GraphInfo, value: str) -> PipelineType | None:
    row = await info.context.loaders.by_id(Pipeline).load(_pipeline_key(value))
    return None if row is None else PipelineType.from_row(row)


@strawberry.type
class PipelineAnalyticsQuery:
    @strawberry.field(
        description="A pipeline's board: per stage, the number, sum and weighted sum of the "
        "live deals you may see, and a page of them in board order. Null if the pipeline does "
        "not exist or is deleted."
    )
    async def pipeline_board(
        self,
        info: GraphInfo,
        pipeline_id: Annotated[strawberry.ID, strawberry.argument(description="The pipeline.")],
        filter: Annotated[DealFilter | None, FILTER] = None,
    ) -> PipelineBoard | None:
        pipeline = await _visible_pipeline(info, pipeline_id)
        return None if pipeline is None else PipelineBoard(pipeline=pipeline, filter=filter)

    @strawberry.field(
        description="Committed, weighted and best-case revenue per calendar month or quarter "
        "(UTC) from `from` to `to`, split by owner, stage or pipeline and by currency. Won "
        "deals count in the period of their `closedAt`, open deals in that of their "
        "`expectedCloseDate`; open deals without an expected close date and lost deals are "
        f"left out. The range may span at most {analytics.MAX_FORECAST_YEARS} years."
    )
    async def forecast(
        self,
        info: GraphInfo,
        *,
        pipeline_id: Annotated[
            strawberry.ID | None,
            strawberry.argument(description="Only this pipeline's deals (default: all)."),
        ] = None,
        period: Annotated[ForecastPeriod, strawberry.argument(description="Months or quarters.")],
        from_: Annotated[
            date,
            strawberry.argument(
                name="from", description="First day; widened to the start of its period."
            ),
        ],
        to: Annotated[
            date,
            strawberry.argument(
                description="Last day (inclusive, not before `from`); widened to the end of its "
                "period."
            ),
        ],
        group_by: Annotated[
            ForecastGroupBy, strawberry.argument(description="How each period is split.")
        ],
    ) -> Forecast:
        ctx = info.context
        periods, buckets = await analytics.forecast(
            db=ctx.reader,
            scope=ctx.scope,
            pipeline_id=None if pipeline_id is None else _pipeline_key(pipeline_id),
            period=period,
            start=from_,
            end=to,
            group_by=group_by,
        )
        return Forecast(
            period=period,
            from_=periods[0].first_day,
            to=periods[-1].last_day,
            group_by=group_by,
            buckets=[ForecastBucketType.of(bucket, group_by) for bucket in buckets],
        )

    @strawberry.field(
        description="How deals moved through each stage of a pipeline in the time range "
        "[from, to), from their stage history: entries, advances, conversion rate and average "
        "days in the stage. Null if the pipeline does not exist or is deleted."
    )
    async def pipeline_stats(
        self,
        info: GraphInfo,
        pipeline_id: Annotated[strawberry.ID, strawberry.argument(description="The pipeline.")],
        from_: Annotated[
            datetime, strawberry.argument(name="from", description="Start of the range.")
        ],
        to: Annotated[
            datetime,
            strawberry.argument(description="End of the range, excluded (not before `from`)."),
        ],
    ) -> PipelineStats | None:
        ctx = info.context
        analytics.check_stats_range(from_, to)
        pipeline = await _visible_pipeline(info, pipeline_id)
        if pipeline is None:
            return None
        stats = await analytics.stage_stats(
            db=ctx.reader, scope=ctx.scope, pipeline_id=pipeline.pk, start=from_, end=to
        )
        return PipelineStats(stages=[StageStatsType.of(s) for s in stats])
