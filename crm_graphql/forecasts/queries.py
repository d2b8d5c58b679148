"""Root fields of pipeline analytics: forecast and pipelineStats."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

import strawberry

from crm_graphql.forecasts import service
from crm_graphql.forecasts.service import ForecastGroupBy, ForecastPeriod
from crm_graphql.forecasts.types import (
    Forecast,
    ForecastBucketType,
    PipelineStats,
    StageStatsType,
)
from crm_graphql.graphql.relay import GraphInfo
from crm_graphql.pipelines.queries import pipeline_key, visible_pipeline


@strawberry.type
class ForecastQuery:
    @strawberry.field(
        description="Committed, weighted and best-case revenue per calendar month or quarter "
        "(UTC) from `from` to `to`, split by owner, stage or pipeline and by currency. Won "
        "deals count in the period of their `closedAt`, open deals in that of their "
        "`expectedCloseDate`; open deals without an expected close date and lost deals are "
        f"left out. The range may span at most {service.MAX_FORECAST_YEARS} years."
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
        periods, buckets = await service.forecast(
            db=ctx.reader,
            scope=ctx.scope,
            pipeline_id=None if pipeline_id is None else pipeline_key(pipeline_id),
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
        service.check_stats_range(from_, to)
        pipeline = await visible_pipeline(info, pipeline_id)
        if pipeline is None:
            return None
        stats = await service.stage_stats(
            db=ctx.reader, scope=ctx.scope, pipeline_id=pipeline.pk, start=from_, end=to
        )
        return PipelineStats(stages=[StageStatsType.of(s) for s in stats])
