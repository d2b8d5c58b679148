"""GraphQL type of the dashboard KPIs."""

from __future__ import annotations

from datetime import datetime

import strawberry

from crm_graphql.dashboard.service import Amount, Metrics
from crm_graphql.graphql.scalars import Money


def _money(amounts: tuple[Amount, ...] | None) -> list[Money] | None:
    return None if amounts is None else [Money.of(a.minor, a.currency) for a in amounts]


@strawberry.type(
    description="Key figures for a dashboard, over the records you may see. Periods are UTC "
    "calendar days, months and quarters. Money figures list one amount per currency; a "
    "figure is null when your role may not read its area."
)
class DashboardMetrics:
    open_pipeline_value: list[Money] | None = strawberry.field(
        description="Sum of the amounts of open deals."
    )
    weighted_forecast_this_quarter: list[Money] | None = strawberry.field(
        description="Open deals expected to close this quarter, each amount times its "
        "stage's win probability."
    )
    won_this_month: list[Money] | None = strawberry.field(
        description="Sum of the amounts of deals won this month."
    )
    new_leads_today: int | None = strawberry.field(
        description="Customers created today that are still leads."
    )
    orders_today: int | None = strawberry.field(description="Orders created today.")
    as_of: datetime = strawberry.field(description="When the figures were read.")
    cursor: str | None = strawberry.field(
        description="The event-log position the figures include (pass as `after` when "
        "resubscribing; null from the query)."
    )

    @classmethod
    def of(cls, metrics: Metrics, *, as_of: datetime, cursor: str | None) -> DashboardMetrics:
        return cls(
            open_pipeline_value=_money(metrics.open_pipeline),
            weighted_forecast_this_quarter=_money(metrics.weighted_this_quarter),
            won_this_month=_money(metrics.won_this_month),
            new_leads_today=metrics.new_leads_today,
            orders_today=metrics.orders_today,
            as_of=as_of,
            cursor=cursor,
        )
