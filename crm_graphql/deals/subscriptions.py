"""Live deals: a pipeline's deal events and board totals, over the event hub (events/live.py)."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import Annotated

import strawberry

from crm_graphql.data.reader import Reader
from crm_graphql.deals.board import ColumnTotals, board_totals
from crm_graphql.deals.inputs import DealFilter
from crm_graphql.deals.models import Deal
from crm_graphql.deals.types import DealType
from crm_graphql.graphql.fields import to_one_by_key
from crm_graphql.graphql.filters import compile_filter
from crm_graphql.graphql.relay import GraphInfo
from crm_graphql.graphql.scalars import Money
from crm_graphql.pipelines.models import Pipeline, Stage
from crm_graphql.pipelines.queries import pipeline_key
from crm_graphql.pipelines.refs import PipelineRef, StageRef
from crm_graphql.platform.events.hub import Topic
from crm_graphql.platform.events.live import (
    encode_cursor,
    event_stream,
    record_row,
    snapshot_stream,
)
from crm_graphql.platform.events.models import EventEntity
from crm_graphql.platform.events.subscriptions import AFTER
from crm_graphql.platform.events.types import ChangeEvent

PIPELINE_ID = strawberry.argument(description="The pipeline to follow.")


@strawberry.type(description="A change to a deal of a pipeline, with the deal as it now is.")
class DealEvent(ChangeEvent):
    @strawberry.field(description="The deal as it is now (null if you may no longer see it).")
    async def deal(self, info: GraphInfo) -> DealType | None:
        row = await record_row(info.context, self.event)
        return None if row is None else DealType.from_row(row)


@strawberry.type(description="The totals of one column (stage) of a pipeline's board.")
class LiveBoardColumn:
    count: int = strawberry.field(description="Live deals in the stage that you may see.")
    total: Money = strawberry.field(description="Sum of their amounts.")
    weighted: Money = strawberry.field(
        description="The total times the stage's win probability (rounded half-even)."
    )
    stage_id: strawberry.Private[int]

    stage: StageRef | None = to_one_by_key(Stage, key="stage_id", description="The stage.")

    @classmethod
    def of(cls, column: ColumnTotals) -> LiveBoardColumn:
        return cls(
            count=column.count,
            total=Money.of(column.total_minor, column.currency),
            weighted=Money.of(column.weighted_minor, column.currency),
            stage_id=column.stage_id,
        )


@strawberry.type(description="A pipeline board's per-stage totals at a point of the event log.")
class LiveBoard:
    cursor: str = strawberry.field(
        description="The event-log position the totals include (pass as `after` to "
        "resubscribe without receiving unchanged totals again)."
    )
    columns: list[LiveBoardColumn] = strawberry.field(description="One per stage, in order.")
    pipeline_id: strawberry.Private[int]

    pipeline: PipelineRef | None = to_one_by_key(
        Pipeline, key="pipeline_id", description="The pipeline."
    )


@strawberry.type
class DealSubscription:
    @strawberry.subscription(
        description="Changes to the deals of a pipeline as they are committed: created, "
        "updated, moved, won, lost, reopened, deleted, restored. In commit order, each once; "
        "only deals you may see that match `filter` (as they are when the event is sent)."
    )
    async def deal_events(
        self,
        info: GraphInfo,
        pipeline_id: Annotated[strawberry.ID, PIPELINE_ID],
        filter: Annotated[
            DealFilter | None, strawberry.argument(description="Only deals that match.")
        ] = None,
        after: Annotated[str | None, AFTER] = None,
    ) -> AsyncGenerator[DealEvent, None]:
        topic = Topic(
            entity_types=frozenset({EventEntity.DEAL}), pipeline_id=pipeline_key(pipeline_id)
        )
        condition = compile_filter(Deal, filter, info.context.scope) if filter is not None else None
        extra = (lambda: condition) if condition is not None else None
        async for event in event_stream(info, topic, after, extra):
            yield DealEvent(**ChangeEvent.fields_of(event))

    @strawberry.subscription(
        description="A pipeline board's per-stage count, total and weighted amount: now, "
        "then whenever a change alters them (at most a few times a second)."
    )
    async def pipeline_board(
        self,
        info: GraphInfo,
        pipeline_id: Annotated[strawberry.ID, PIPELINE_ID],
        after: Annotated[str | None, AFTER] = None,
    ) -> AsyncGenerator[LiveBoard, None]:
        ctx = info.context
        pk = pipeline_key(pipeline_id)
        topic = Topic(entity_types=frozenset({EventEntity.DEAL}), pipeline_id=pk)

        async def compute() -> list[ColumnTotals]:
            reader = Reader(ctx.resources.engine)
            return await board_totals(db=reader, pipeline_id=pk, scope=ctx.scope)

        key = ("board", pk, ctx.scope_key())
        async for position, columns in snapshot_stream(info, topic, after, compute, key):
            yield LiveBoard(
                cursor=encode_cursor(position),
                columns=[LiveBoardColumn.of(c) for c in columns],
                pipeline_id=pk,
            )
