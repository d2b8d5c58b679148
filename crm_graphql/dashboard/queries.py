"""The dashboard's query: the key figures for the first paint."""

from __future__ import annotations

from datetime import datetime

import strawberry

from crm_graphql.core.db import utcnow
from crm_graphql.dashboard.service import Metrics, Rows, dashboard_metrics
from crm_graphql.dashboard.types import DashboardMetrics
from crm_graphql.graphql.context import Context
from crm_graphql.graphql.relay import GraphInfo
from crm_graphql.platform.auth.permissions import MODEL_READ


async def metrics_for(ctx: Context, rows: Rows, now: datetime) -> Metrics:
    """The figures as the request's viewer may see them (the subscription reads them too)."""
    viewer = ctx.viewer
    assert viewer is not None
    return await dashboard_metrics(
        rows=rows,
        scope=ctx.scope,
        can_read=lambda model: viewer.can(MODEL_READ[model]),
        now=now,
    )


@strawberry.type
class DashboardQuery:
    @strawberry.field(description="Key figures now (subscribe to `dashboardMetrics` for more).")
    async def dashboard_metrics(self, info: GraphInfo) -> DashboardMetrics:
        now = utcnow()
        metrics = await metrics_for(info.context, info.context.reader.rows, now)
        return DashboardMetrics.of(metrics, as_of=now, cursor=None)
