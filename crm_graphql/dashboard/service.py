"""Live KPIs for dashboards, computed in SQL inside the viewer's row scope."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import Executable, and_, case, func, literal, select

from crm_graphql.core.db import UTCDateTime
from crm_graphql.core.money import divide_half_even
from crm_graphql.customers.models import Customer, LifecycleStage
from crm_graphql.data.loaders import Scope
from crm_graphql.data.reader import AnyRow
from crm_graphql.deals.models import Deal, DealStatus
from crm_graphql.orders.models import Order
from crm_graphql.pipelines.models import Stage

Rows = Callable[[Executable], Awaitable[Sequence[AnyRow]]]


@dataclass(frozen=True, slots=True)
class Amount:
    minor: int
    currency: str


@dataclass(frozen=True, slots=True)
class Metrics:
    """One reading of the KPIs; None where the viewer may not read the area."""

    open_pipeline: tuple[Amount, ...] | None
    weighted_this_quarter: tuple[Amount, ...] | None
    won_this_month: tuple[Amount, ...] | None
    new_leads_today: int | None
    orders_today: int | None


@dataclass(frozen=True, slots=True)
class Periods:
    """UTC calendar periods the KPIs refer to, for a given moment."""

    day: datetime
    month: datetime
    quarter_start: date
    quarter_end: date  # exclusive

    @classmethod
    def at(cls, now: datetime) -> Periods:
        today = now.date()
        first_month = 3 * ((today.month - 1) // 3) + 1
        quarter_start = date(today.year, first_month, 1)
        next_month = first_month + 3
        quarter_end = (
            date(today.year + 1, 1, 1) if next_month > 12 else date(today.year, next_month, 1)
        )
        midnight = datetime.combine(today, time(), tzinfo=now.tzinfo)
        return cls(midnight, midnight.replace(day=1), quarter_start, quarter_end)


async def dashboard_metrics(
    *, rows: Rows, scope: Scope, can_read: Callable[[str], bool], now: datetime
) -> Metrics:
    """The KPIs at `now`: two statements, whatever the data's size."""
    periods = Periods.at(now)
    deals: dict[str, tuple[Amount, ...]] | None = None
    if can_read("Deal"):
        deals = await _deal_sums(rows, scope, periods)
    counts: tuple[int | None, int | None] = (None, None)
    if can_read("Customer") or can_read("Order"):
        counts = await _counts(rows, scope, periods, can_read)
    return Metrics(
        open_pipeline=deals["open"] if deals is not None else None,
        weighted_this_quarter=deals["weighted"] if deals is not None else None,
        won_this_month=deals["won"] if deals is not None else None,
        new_leads_today=counts[0],
        orders_today=counts[1],
    )


async def _deal_sums(rows: Rows, scope: Scope, periods: Periods) -> dict[str, tuple[Amount, ...]]:
    d = Deal.__table__.c
    is_open = d.status == DealStatus.OPEN.value
    in_quarter = and_(
        d.expected_close_date >= periods.quarter_start,
        d.expected_close_date < periods.quarter_end,
    )
    month = literal(periods.month, UTCDateTime())
    zero = literal(0)
    stmt = (
        select(
            d.currency,
            func.sum(case((is_open, d.amount_minor), else_=zero)),
            func.sum(
                case(
                    (and_(is_open, in_quarter), d.amount_minor * Stage.__table__.c.probability),
                    else_=zero,
                )
            ),
            func.sum(
                case(
                    (and_(d.status == DealStatus.WON.value, d.closed_at >= month), d.amount_minor),
                    else_=zero,
                )
            ),
        )
        .join(Stage.__table__, Stage.__table__.c.id == d.stage_id)
        .where(*scope(Deal))
        .group_by(d.currency)
        .order_by(d.currency)
    )
    result: dict[str, list[Amount]] = {"open": [], "weighted": [], "won": []}
    for currency, open_sum, weighted_sum, won_sum in await rows(stmt):
        result["open"].append(Amount(int(open_sum or 0), currency))
        result["weighted"].append(Amount(divide_half_even(int(weighted_sum or 0), 100), currency))
        result["won"].append(Amount(int(won_sum or 0), currency))
    return {key: tuple(value) for key, value in result.items()}


async def _counts(
    rows: Rows, scope: Scope, periods: Periods, can_read: Callable[[str], bool]
) -> tuple[int | None, int | None]:
    day = literal(periods.day, UTCDateTime())
    c = Customer.__table__.c
    o = Order.__table__.c
    leads: Any = (
        select(func.count())
        .where(
            c.lifecycle_stage == LifecycleStage.LEAD.value, c.created_at >= day, *scope(Customer)
        )
        .scalar_subquery()
    )
    orders: Any = select(func.count()).where(o.created_at >= day, *scope(Order)).scalar_subquery()
    row = (await rows(select(leads, orders)))[0]
    return (
        int(row[0]) if can_read("Customer") else None,
        int(row[1]) if can_read("Order") else None,
    )
