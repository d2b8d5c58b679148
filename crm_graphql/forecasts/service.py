"""Pipeline analytics in SQL: a forecast by period, and conversion through the stages.

Every function reads with a fixed number of statements whatever the number of stages, deals or
periods, and applies the viewer's row rules (`scope`) inside each statement.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Date,
    Float,
    FromClause,
    Integer,
    Select,
    and_,
    case,
    exists,
    func,
    literal,
    or_,
    select,
    union_all,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

from crm_graphql.core.db import UTCDateTime
from crm_graphql.core.errors import BadRequestError
from crm_graphql.core.money import divide_half_even
from crm_graphql.data.loaders import Scope
from crm_graphql.data.reader import Reader, read_rows
from crm_graphql.deals.models import Deal, DealStageChange, DealStatus
from crm_graphql.pipelines.models import Pipeline, Stage, StageKind

MAX_FORECAST_YEARS = 5
LAST_FORECAST_DAY = date(9998, 12, 31)  # periods after it would end beyond date.max


# --- forecast -----------------------------------------------------------------------------


class ForecastPeriod(enum.StrEnum):
    MONTH = "MONTH"
    QUARTER = "QUARTER"


class ForecastGroupBy(enum.StrEnum):
    OWNER = "OWNER"
    STAGE = "STAGE"
    PIPELINE = "PIPELINE"


@dataclass(frozen=True, slots=True)
class Period:
    """A calendar month or quarter: [first_day, next_first_day)."""

    first_day: date
    next_first_day: date

    @property
    def last_day(self) -> date:
        return self.next_first_day - timedelta(days=1)

    @property
    def opens_at(self) -> datetime:
        return datetime.combine(self.first_day, time(), UTC)

    @property
    def closes_at(self) -> datetime:
        return datetime.combine(self.next_first_day, time(), UTC)


def _months(period: ForecastPeriod) -> int:
    return 1 if period is ForecastPeriod.MONTH else 3


def _add_months(day: date, months: int) -> date:
    index = day.month - 1 + months
    return date(day.year + index // 12, index % 12 + 1, 1)


def periods_covering(period: ForecastPeriod, start: date, end: date) -> list[Period]:
    """The calendar months or quarters from the one holding `start` to the one holding `end`."""
    step = _months(period)
    first = date(start.year, (start.month - 1) // step * step + 1, 1)
    found = []
    while first <= end:
        following = _add_months(first, step)
        found.append(Period(first, following))
        first = following
    return found


def check_forecast_range(start: date, end: date) -> None:
    if end < start:
        raise BadRequestError(f"`to` ({end}) is before `from` ({start}).")
    if end > LAST_FORECAST_DAY:
        raise BadRequestError(f"`to` must not be after {LAST_FORECAST_DAY}.")
    if start.year + MAX_FORECAST_YEARS > date.max.year:
        return  # `to` is then less than five years on
    try:
        limit = start.replace(year=start.year + MAX_FORECAST_YEARS)
    except ValueError:  # 29 February
        limit = date(start.year + MAX_FORECAST_YEARS, 3, 1)
    if end >= limit:
        raise BadRequestError(
            f"A forecast covers at most {MAX_FORECAST_YEARS} years: "
            f"from {start}, `to` must be before {limit}."
        )


@dataclass(frozen=True, slots=True)
class ForecastBucket:
    """The deals of one period, one group (owner, stage or pipeline) and one currency."""

    period: Period
    group_id: int | None  # a user, stage or pipeline key; None for deals without an owner
    currency: str
    committed_minor: int
    weighted_minor: int
    best_case_minor: int
    deal_count: int


def _periods_table(periods: Sequence[Period]) -> FromClause:
    """The periods as rows (idx, opens_at, closes_at, first_day, next_first_day), bound as
    parameters: deals join the period they fall in, whatever the database's time zone."""
    rows = [
        select(
            literal(i, Integer).label("idx"),
            literal(p.opens_at, UTCDateTime()).label("opens_at"),
            literal(p.closes_at, UTCDateTime()).label("closes_at"),
            literal(p.first_day, Date).label("first_day"),
            literal(p.next_first_day, Date).label("next_first_day"),
        )
        for i, p in enumerate(periods)
    ]
    if len(rows) == 1:
        return rows[0].subquery("periods")
    return union_all(*rows).subquery("periods")


def forecast_statement(
    *,
    pipeline_id: int | None,
    periods: Sequence[Period],
    group_by: ForecastGroupBy,
    scope: Scope,
) -> Select[Any]:
    deals = Deal.__table__
    stages = Stage.__table__
    pipelines = Pipeline.__table__
    table = _periods_table(periods)
    won = deals.c.status == DealStatus.WON
    open_ = deals.c.status == DealStatus.OPEN
    won_in_period = and_(
        won, deals.c.closed_at >= table.c.opens_at, deals.c.closed_at < table.c.closes_at
    )
    open_in_period = and_(
        open_,
        deals.c.expected_close_date >= table.c.first_day,
        deals.c.expected_close_date < table.c.next_first_day,
    )
    # the same conditions over the whole range, so the indexes narrow the deals first
    in_range = or_(
        and_(
            won,
            deals.c.closed_at >= periods[0].opens_at,
            deals.c.closed_at < periods[-1].closes_at,
        ),
        and_(
            open_,
            deals.c.expected_close_date >= periods[0].first_day,
            deals.c.expected_close_date < periods[-1].next_first_day,
        ),
    )
    group: ColumnElement[Any]
    order: list[Any]
    if group_by is ForecastGroupBy.OWNER:
        group = deals.c.owner_id
        keys = [deals.c.owner_id]
        order = [deals.c.owner_id.asc().nulls_last()]
    elif group_by is ForecastGroupBy.STAGE:
        group = deals.c.stage_id
        keys = [deals.c.stage_id, stages.c.pipeline_id, stages.c.position]
        order = [stages.c.pipeline_id, stages.c.position, deals.c.stage_id]
    else:
        group = deals.c.pipeline_id
        keys = [deals.c.pipeline_id]
        order = [deals.c.pipeline_id]
    return (
        select(
            table.c.idx,
            group.label("group_id"),
            deals.c.currency,
            func.sum(case((won, deals.c.amount_minor), else_=0)).label("committed"),
            func.sum(case((open_, deals.c.amount_minor * stages.c.probability), else_=0)).label(
                "weighted_x100"
            ),
            func.sum(case((open_, deals.c.amount_minor), else_=0)).label("open_total"),
            func.count().label("deal_count"),
        )
        .select_from(
            deals.join(stages, stages.c.id == deals.c.stage_id)
            .join(pipelines, pipelines.c.id == deals.c.pipeline_id)
            .join(table, or_(won_in_period, open_in_period))
        )
        .where(
            in_range,
            *([deals.c.pipeline_id == pipeline_id] if pipeline_id is not None else []),
            *scope(Deal),
            *scope(Stage),
            *scope(Pipeline),
        )
        .group_by(table.c.idx, *keys, deals.c.currency)
        .order_by(table.c.idx, *order, deals.c.currency)
    )


async def forecast(
    *,
    db: Reader | AsyncSession,
    scope: Scope,
    pipeline_id: int | None,
    period: ForecastPeriod,
    start: date,
    end: date,
    group_by: ForecastGroupBy,
) -> tuple[list[Period], list[ForecastBucket]]:
    """The periods covering [start, end] and the non-empty buckets, by period then group,
    from one statement. Raises BadRequestError for a reversed or too long range."""
    check_forecast_range(start, end)
    periods = periods_covering(period, start, end)
    stmt = forecast_statement(
        pipeline_id=pipeline_id, periods=periods, group_by=group_by, scope=scope
    )
    buckets = []
    for row in await read_rows(db, stmt):
        committed = int(row.committed or 0)
        buckets.append(
            ForecastBucket(
                period=periods[row.idx],
                group_id=row.group_id,
                currency=row.currency,
                committed_minor=committed,
                weighted_minor=divide_half_even(int(row.weighted_x100 or 0), 100),
                best_case_minor=committed + int(row.open_total or 0),
                deal_count=int(row.deal_count),
            )
        )
    return periods, buckets


# --- stage conversion ---------------------------------------------------------------------


class day_number(FunctionElement[float]):
    """A point in time as a (fractional) day count: differences are durations in days."""

    type = Float()
    inherit_cache = True
    name = "day_number"


@compiles(day_number, "sqlite")
def _day_number_sqlite(element: day_number, compiler: SQLCompiler, **kw: Any) -> str:
    return f"julianday({compiler.process(element.clauses, **kw)})"


@compiles(day_number)
def _day_number_default(element: day_number, compiler: SQLCompiler, **kw: Any) -> str:
    return f"(EXTRACT(EPOCH FROM {compiler.process(element.clauses, **kw)}) / 86400.0)"


@dataclass(frozen=True, slots=True)
class StageStats:
    stage_id: int
    entered: int
    advanced: int
    average_days: float | None

    @property
    def conversion_rate(self) -> float | None:
        return self.advanced / self.entered if self.entered else None


def check_stats_range(start: datetime, end: datetime) -> None:
    if end < start:
        raise BadRequestError(f"`to` ({end.isoformat()}) is before `from` ({start.isoformat()}).")


def stats_statement(
    *, pipeline_id: int, start: datetime, end: datetime, scope: Scope
) -> Select[Any]:
    changes = DealStageChange.__table__
    stages = Stage.__table__
    pipelines = Pipeline.__table__
    into_pipeline = (
        select(changes.c.deal_id)
        .join(stages, stages.c.id == changes.c.to_stage_id)
        .where(stages.c.pipeline_id == pipeline_id)
    )
    # a stay: a deal's time in a stage, from its change into it to the deal's next change
    stays = (
        select(
            changes.c.id,
            changes.c.deal_id,
            changes.c.to_stage_id.label("stage_id"),
            changes.c.changed_at.label("entered_at"),
            func.lead(changes.c.changed_at, type_=UTCDateTime())
            .over(partition_by=changes.c.deal_id, order_by=(changes.c.changed_at, changes.c.id))
            .label("left_at"),
        )
        .where(changes.c.deal_id.in_(into_pipeline), *scope(DealStageChange))
        .subquery("stays")
    )
    stay_stage = stages.alias("stay_stage")
    later = changes.alias("later")
    later_stage = stages.alias("later_stage")
    advanced = exists(
        select(later.c.id)
        .select_from(later.join(later_stage, later_stage.c.id == later.c.to_stage_id))
        .where(
            later.c.deal_id == stays.c.deal_id,
            or_(
                later.c.changed_at > stays.c.entered_at,
                and_(later.c.changed_at == stays.c.entered_at, later.c.id > stays.c.id),
            ),
            later_stage.c.pipeline_id == stay_stage.c.pipeline_id,
            later_stage.c.position > stay_stage.c.position,
            later_stage.c.kind != StageKind.LOST,
        )
    )
    entered_in_range = and_(stays.c.entered_at >= start, stays.c.entered_at < end)
    left_in_range = and_(stays.c.left_at >= start, stays.c.left_at < end)
    per_stage = (
        select(
            stays.c.stage_id,
            func.count(case((entered_in_range, stays.c.deal_id)).distinct()).label("entered"),
            func.count(case((and_(entered_in_range, advanced), stays.c.deal_id)).distinct()).label(
                "advanced"
            ),
            func.avg(
                case((left_in_range, day_number(stays.c.left_at) - day_number(stays.c.entered_at)))
            ).label("average_days"),
        )
        .select_from(stays.join(stay_stage, stay_stage.c.id == stays.c.stage_id))
        .where(stay_stage.c.pipeline_id == pipeline_id, or_(entered_in_range, left_in_range))
        .group_by(stays.c.stage_id)
        .subquery("per_stage")
    )
    return (
        select(stages.c.id, per_stage.c.entered, per_stage.c.advanced, per_stage.c.average_days)
        .select_from(
            stages.join(pipelines, pipelines.c.id == stages.c.pipeline_id).outerjoin(
                per_stage, per_stage.c.stage_id == stages.c.id
            )
        )
        .where(stages.c.pipeline_id == pipeline_id, *scope(Stage), *scope(Pipeline))
        .order_by(stages.c.position, stages.c.id)
    )


async def stage_stats(
    *, db: Reader | AsyncSession, scope: Scope, pipeline_id: int, start: datetime, end: datetime
) -> list[StageStats]:
    """Per stage of the pipeline, in order, for changes in [start, end): one statement."""
    check_stats_range(start, end)
    rows = await read_rows(
        db, stats_statement(pipeline_id=pipeline_id, start=start, end=end, scope=scope)
    )
    return [
        StageStats(
            stage_id=row.id,
            entered=int(row.entered or 0),
            advanced=int(row.advanced or 0),
            average_days=None if row.average_days is None else float(row.average_days),
        )
        for row in rows
    ]
