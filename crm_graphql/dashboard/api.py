"""The dashboard's root fields: a query for the first paint, a subscription to stay live."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from datetime import datetime
from typing import Annotated

import strawberry

from crm_graphql.core.db import utcnow
from crm_graphql.dashboard.service import Metrics, Rows, dashboard_metrics
from crm_graphql.dashboard.types import DashboardMetrics
from crm_graphql.data.access import scope_key
from crm_graphql.graphql.context import Context
from crm_graphql.graphql.relay import GraphInfo
from crm_graphql.platform.auth.permissions import MODEL_READ
from crm_graphql.platform.events.hub import Topic
from crm_graphql.platform.events.live import encode_cursor, snapshot_stream
from crm_graphql.platform.events.models import EventEntity
from crm_graphql.platform.events.subscriptions import AFTER

TOPIC = Topic(entity_types=frozenset({EventEntity.DEAL, EventEntity.CUSTOMER, EventEntity.ORDER}))


async def _metrics(ctx: Context, rows: Rows, now: datetime) -> Metrics:
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
        metrics = await _metrics(info.context, info.context.reader.rows, now)
        return DashboardMetrics.of(metrics, as_of=now, cursor=None)


@strawberry.type
class DashboardSubscription:
    @strawberry.subscription(
        description="Key figures now, then again whenever a change alters them (at most a "
        "few times a second)."
    )
    async def dashboard_metrics(
        self, info: GraphInfo, after: Annotated[str | None, AFTER] = None
    ) -> AsyncGenerator[DashboardMetrics, None]:
        ctx = info.context
        hub = ctx.resources.events

        async def compute() -> tuple[datetime, Metrics]:
            now = utcnow()
            return now, await _metrics(ctx, hub.rows, now)

        viewer = ctx.viewer
        # "today" and "this month" are part of what the figures depend on
        key = ("dashboard", scope_key(viewer), utcnow().date())
        async for position, (now, metrics) in snapshot_stream(
            info, TOPIC, after, compute, key, compare=lambda state: state[1]
        ):
            yield DashboardMetrics.of(metrics, as_of=now, cursor=encode_cursor(position))
