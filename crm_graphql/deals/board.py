"""A pipeline's board in SQL: per stage, the count and sums of the deals the viewer sees.

Read with one statement whatever the number of stages or deals, with the viewer's row rules
(`scope`) inside it; the board query, its subscription and other callers share it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from crm_graphql.core.money import divide_half_even
from crm_graphql.data.loaders import Scope
from crm_graphql.data.reader import Reader, read_rows
from crm_graphql.deals.models import Deal
from crm_graphql.pipelines.models import Pipeline, Stage


@dataclass(frozen=True, slots=True)
class ColumnTotals:
    """One column of a board: the live deals visible to the viewer in one stage."""

    stage_id: int
    position: int
    probability: int  # percent
    currency: str
    count: int
    total_minor: int
    weighted_minor: int  # total x probability / 100, rounded half-even once per column


def board_statement(
    *, pipeline_id: int, scope: Scope, where: Sequence[ColumnElement[bool]] = ()
) -> Select[Any]:
    """Every stage of the pipeline with its deals' count and sum: one GROUP BY stage_id."""
    deals = Deal.__table__
    stages = Stage.__table__
    pipelines = Pipeline.__table__
    sums = (
        select(
            deals.c.stage_id,
            func.count().label("deal_count"),
            func.sum(deals.c.amount_minor).label("total_minor"),
        )
        .where(deals.c.pipeline_id == pipeline_id, *scope(Deal), *where)
        .group_by(deals.c.stage_id)
        .subquery("sums")
    )
    return (
        select(
            stages.c.id,
            stages.c.position,
            stages.c.probability,
            pipelines.c.currency,
            sums.c.deal_count,
            sums.c.total_minor,
        )
        .select_from(
            stages.join(pipelines, pipelines.c.id == stages.c.pipeline_id).outerjoin(
                sums, sums.c.stage_id == stages.c.id
            )
        )
        .where(stages.c.pipeline_id == pipeline_id, *scope(Stage), *scope(Pipeline))
        .order_by(stages.c.position, stages.c.id)
    )


async def board_totals(
    *,
    db: Reader | AsyncSession,
    pipeline_id: int,
    scope: Scope,
    where: Sequence[ColumnElement[bool]] = (),
) -> list[ColumnTotals]:
    """The columns of a pipeline's board in stage order (empty stages too), from one statement.
    Empty when the pipeline does not exist or is hidden. `where`: extra conditions on deals."""
    rows = await read_rows(db, board_statement(pipeline_id=pipeline_id, scope=scope, where=where))
    columns = []
    for row in rows:
        total = int(row.total_minor or 0)
        columns.append(
            ColumnTotals(
                stage_id=row.id,
                position=row.position,
                probability=row.probability,
                currency=row.currency,
                count=int(row.deal_count or 0),
                total_minor=total,
                weighted_minor=divide_half_even(total * row.probability, 100),
            )
        )
    return columns
