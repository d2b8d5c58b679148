"""The dashboard's subscription: the key figures, again whenever a change alters them."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from datetime import datetime
from typing import Annotated

import strawberry

from crm_graphql.core.db import utcnow
from crm_graphql.dashboard.queries import metrics_for
from crm_graphql.dashboard.service import Metrics
from crm_graphql.dashboard.types import DashboardMetrics
from crm_graphql.data.access import scope_key
from crm_graphql.graphql.relay import GraphInfo
from crm_graphql.platform.events.hub import Topic
from crm_graphql.platform.events.live import encode_cursor, snapshot_stream
from crm_graphql.platform.events.models import EventEntity
from crm_graphql.platform.events.subscriptions import AFTER

TOPIC = Topic(entity_types=frozenset({EventEntity.DEAL, EventEntity.CUSTOMER, EventEntity.ORDER}))


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
            return now, await metrics_for(ctx, hub.rows, now)

        viewer = ctx.viewer
        # "today" and "this month" are part of what the figures depend on
        key = ("dashboard", scope_key(viewer), utcnow().date())
        async for position, (now, metrics) in snapshot_stream(
            info, TOPIC, after, compute, key, compare=lambda state: state[1]
        ):
            yield DashboardMetrics.of(metrics, as_of=now, cursor=encode_cursor(position))
