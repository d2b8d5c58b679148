"""Deals on the default pipeline, with the stage history that led each one where it is."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from crm_graphql.app.models import LifecycleStage, StageKind, UserRole
from crm_graphql.core.db import Base
from crm_graphql.core.money import exponent
from crm_graphql.customers.lifecycle import Standing, after_deal
from crm_graphql.devtools.seed.catalogue import PRODUCT_COUNT, USD_RATES, Catalogue
from crm_graphql.devtools.seed.companies import Company
from crm_graphql.devtools.seed.draws import BASE_TIME, DAY, YEAR, Pick, at, between, later, phrases
from crm_graphql.devtools.seed.errors import SeedError
from crm_graphql.devtools.seed.people import Timeline
from crm_graphql.devtools.seed.rows import Row, Rows
from crm_graphql.devtools.seed.staff import USER_IDS

DEAL_RANK_STEP: Final = 1024.0  # as the pipeline service spaces a column's ranks

# Open deals sit in the earlier stages more often; a churned customer's deal was lost.
_PICK_DEAL_OUTCOME: Final = Pick(((StageKind.OPEN, 63), (StageKind.WON, 22), (StageKind.LOST, 15)))
_DEAL_QUANTITIES: Final = (5, 10, 20, 50, 100, 250)
_DEAL_SOURCES: Final = ("Inbound", "Referral", "Outbound", "Event", "Partner", None)
_LOST_REASONS: Final = phrases(
    "Chose a competitor|No budget this year|Price too high|Went quiet after the proposal|"
    "Project cancelled|Stayed with their current supplier|Timing: revisit next year"
)


@dataclass(frozen=True, slots=True)
class Board:
    """The default pipeline that seeded deals go on: its stage ids by kind, in board order."""

    pipeline_id: int
    currency: str
    open_stages: tuple[int, ...]
    won_stage: int
    lost_stage: int


async def default_board(conn: AsyncConnection) -> Board | None:
    """The default pipeline with an OPEN, a WON and a LOST stage (migration 0006 makes one)."""
    p = Base.metadata.tables["pipelines"].c
    s = Base.metadata.tables["pipeline_stages"].c
    pipeline = (
        await conn.execute(
            select(p.id, p.currency)
            .where(p.is_default.is_(True), p.deleted_at.is_(None))
            .order_by(p.id)
            .limit(1)
        )
    ).first()
    if pipeline is None:
        return None
    stages = (
        await conn.execute(
            select(s.id, s.kind)
            .where(s.pipeline_id == pipeline.id, s.deleted_at.is_(None))
            .order_by(s.position, s.id)
        )
    ).all()
    by_kind = {kind: [row.id for row in stages if row.kind == kind] for kind in StageKind}
    if not all(by_kind.values()):
        return None
    if pipeline.currency not in USD_RATES:
        raise SeedError(f"the default pipeline's currency {pipeline.currency} has no demo rate")
    return Board(
        pipeline_id=pipeline.id,
        currency=pipeline.currency,
        open_stages=tuple(by_kind[StageKind.OPEN]),
        won_stage=by_kind[StageKind.WON][0],
        lost_stage=by_kind[StageKind.LOST][0],
    )


class DealGenerator:
    """Deals draw from a stream of their own, so that adding them left every other row as it
    was; the customer's lifecycle moves as the pipeline service would move it."""

    def __init__(
        self, rng: random.Random, rows: Rows, catalogue: Catalogue, board: Board | None
    ) -> None:
        self.rng = rng
        self.rows = rows
        self.catalogue = catalogue
        self.board = board
        self._column_sizes: dict[int, int] = {}

    def add_for(self, customer: Row, company: Company | None, who: Timeline) -> None:
        """One deal of the customer on the default board, with the stage history that led it
        there."""
        board = self.board
        if board is None:
            raise SeedError("deals need a default pipeline with OPEN, WON and LOST stages")
        rng = self.rng
        kind = StageKind.LOST if who.stage is LifecycleStage.CHURNED else _PICK_DEAL_OUTCOME(rng)
        opened = board.open_stages
        if kind is StageKind.OPEN:
            # earlier columns hold more deals: weights 6, 5, 4, 3 for the default four
            reached = Pick((i, len(opened) + 2 - i) for i in range(len(opened)))(rng)
            path = [*opened[: reached + 1]]
        elif kind is StageKind.WON:
            reached = len(opened) - (2 if rng.random() < 0.2 and len(opened) > 1 else 1)
            path = [*opened[: reached + 1], board.won_stage]
        else:
            reached = rng.randrange(len(opened))
            path = [*opened[: reached + 1], board.lost_stage]
        recent = 180 * DAY if kind is StageKind.OPEN else 2 * YEAR
        created = between(rng, max(who.created_at, at(recent)), at(len(path) * 7 * DAY))
        owner = who.owner_id if who.owner_id in USER_IDS[UserRole.SALES] else None
        if owner is None and rng.random() < 0.5:
            owner = rng.choice(USER_IDS[UserRole.SALES])
        deal_id = self.rows.next_id("deals")
        moment = created
        for step, stage_id in enumerate(path):
            if step:
                moment = later(rng, moment, 30 * DAY)
            self.rows.add(
                "deal_stage_changes",
                {
                    "id": self.rows.next_id("deal_stage_changes"),
                    "deal_id": deal_id,
                    "from_stage_id": path[step - 1] if step else None,
                    "to_stage_id": stage_id,
                    "changed_at": moment,
                    "user_id": owner,
                },
            )
        if kind is StageKind.OPEN:
            days_left = rng.randint(7, 180 - 30 * min(reached, 3))
            expected = (BASE_TIME + timedelta(days=days_left)).date()
        else:
            expected = (created + timedelta(days=rng.randint(30, 120))).date()
        product = rng.randrange(PRODUCT_COUNT)
        quantity = rng.choice(_DEAL_QUANTITIES)
        unit = 10 ** exponent(board.currency)
        price = self.catalogue.prices[board.currency][product]
        amount = quantity * price * rng.randint(80, 100) // 100 // unit * unit
        stage_id = path[-1]
        rank = self._column_sizes.get(stage_id, 0) + 1
        self._column_sizes[stage_id] = rank
        self.rows.add(
            "deals",
            {
                "id": deal_id,
                "title": f"{company.name if company else customer['name']}: "
                f"{quantity} x {self.catalogue.names[product]}",
                "amount_minor": amount,
                "currency": board.currency,
                "pipeline_id": board.pipeline_id,
                "stage_id": stage_id,
                "status": kind.value,
                "rank": rank * DEAL_RANK_STEP,
                "owner_id": owner,
                "customer_id": who.id,
                "company_id": company.id if company else None,
                "expected_close_date": expected,
                "closed_at": None if kind is StageKind.OPEN else moment,
                "lost_reason": rng.choice(_LOST_REASONS) if kind is StageKind.LOST else None,
                "source": rng.choice(_DEAL_SOURCES),
                "stage_entered_at": moment,
                "deleted_at": None,
                "version": len(path),
                "created_at": created,
                "updated_at": moment,
            },
        )
        self._advance(customer, kind, owner, created if kind is StageKind.OPEN else moment)

    @staticmethod
    def _advance(customer: Row, kind: StageKind, owner: int | None, moment: datetime) -> None:
        """The deal's final state applied to its customer by the lifecycle rule; a lost deal
        leaves the customer as it was."""
        if kind is StageKind.LOST:
            return
        before = Standing(stage=customer["lifecycle_stage"], owner_id=customer["owner_id"])
        after = after_deal(before, won=kind is StageKind.WON, deal_owner_id=owner)
        if after == before:
            return
        customer["lifecycle_stage"] = after.stage
        customer["owner_id"] = after.owner_id
        customer["version"] += 1
        customer["updated_at"] = max(customer["updated_at"], moment)
