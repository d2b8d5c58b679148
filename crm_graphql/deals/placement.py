"""Where a deal goes on a board: its pipeline, the stage it enters, its rank in the column.

Ranks order a stage's column (lower shows first); a move puts a deal between two neighbours'
ranks. Only the renumbering of a column is a Core update, as it changes nothing a client sees.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from sqlalchemy import Table, bindparam, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from crm_graphql.core.errors import DomainError, ErrorCode, Problems
from crm_graphql.data.records import policy, visible
from crm_graphql.deals.models import Deal
from crm_graphql.pipelines.models import Pipeline, Stage, StageKind

RANK_STEP = 1024.0
MIN_RANK_GAP = 1e-6  # closer neighbours: the column is renumbered before inserting between


async def default_pipeline(session: AsyncSession, problems: Problems) -> Pipeline | None:
    stmt = select(Pipeline).where(Pipeline.is_default.is_(True), Pipeline.deleted_at.is_(None))
    pipeline = (await session.execute(stmt)).scalars().first()
    if pipeline is None:
        problems.add(("pipelineId",), "There is no default pipeline; give a pipelineId.")
    return pipeline


async def first_stage(session: AsyncSession, pipeline_id: int, kind: StageKind) -> Stage:
    stmt = (
        select(Stage)
        .where(Stage.pipeline_id == pipeline_id, Stage.kind == kind, Stage.deleted_at.is_(None))
        .order_by(Stage.position, Stage.id)
        .limit(1)
        .with_for_update()
    )
    stage = (await session.execute(stmt)).scalar_one_or_none()
    if stage is None:  # pragma: no cover - every pipeline keeps one stage of each kind
        raise DomainError.single(("stageId",), f"The pipeline has no {kind.value} stage.")
    return stage


async def live_pipeline(session: AsyncSession, pipeline_id: int) -> Pipeline:
    pipeline = await visible(session, Pipeline, pipeline_id)
    if pipeline is None:
        raise DomainError.single(
            ("stageId",), "The stage's pipeline is deleted.", ErrorCode.NOT_FOUND
        )
    return pipeline


async def closing_stage(session: AsyncSession, deal: Deal, kind: StageKind) -> Stage:
    await live_pipeline(session, deal.pipeline_id)
    return await first_stage(session, deal.pipeline_id, kind)


async def column_rank(
    session: AsyncSession, stage_id: int, position: int | None, moving: int | None
) -> float:
    """The rank that puts a deal at `position` (0-based, among the column's deals the writer
    sees; None: the end) of a stage's column, renumbering the column when neighbours are too
    close to fit another rank between them."""
    others = [Deal.stage_id == stage_id]
    if moving is not None:
        others.append(Deal.id != moving)
    for _ in range(2):
        if position is not None:
            active = policy(session)
            seen = [*others, Deal.deleted_at.is_(None)]
            if active is not None:
                seen.extend(active.scope(Deal))
            stmt = (
                select(Deal.rank)
                .where(*seen)
                .order_by(Deal.rank, Deal.id)
                .offset(max(position - 1, 0))
                .limit(2)
            )
            ranks = list((await session.execute(stmt)).scalars())
            if position == 0 and ranks:
                return ranks[0] - RANK_STEP
            if len(ranks) == 2:
                low, high = ranks
                middle = (low + high) / 2
                if high - low >= MIN_RANK_GAP and low < middle < high:
                    return middle
                await _renumber(session, others)
                continue
        last = await session.scalar(select(func.max(Deal.rank)).where(*others))
        return RANK_STEP if last is None else float(last) + RANK_STEP
    raise AssertionError("a renumbered column always has room")  # pragma: no cover


async def _renumber(session: AsyncSession, column: Sequence[Any]) -> None:
    """Spreads a column's ranks evenly again, keeping its order (Core: ranks are no change a
    client sees, so no versions move and no events are derived)."""
    stmt = select(Deal.id).where(*column).order_by(Deal.rank, Deal.id)
    ids = list((await session.execute(stmt)).scalars())
    table = cast(Table, Deal.__table__)
    if not ids:  # pragma: no cover - only columns with neighbours are renumbered
        return
    await session.execute(
        update(table).where(table.c.id == bindparam("pk")).values(rank=bindparam("new_rank")),
        [{"pk": pk, "new_rank": (i + 1) * RANK_STEP} for i, pk in enumerate(ids)],
    )
