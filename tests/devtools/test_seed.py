"""`seed`: deterministic demo data, deals on the default pipeline included, on both backends."""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from crm_graphql.core.db import create_engine
from crm_graphql.core.migrations import upgrade
from crm_graphql.core.settings import Settings
from crm_graphql.customers.models import Customer, LifecycleStage
from crm_graphql.deals.models import Deal, DealStageChange, DealStatus
from crm_graphql.devtools.seed import CUSTOMERS_PER_DEAL, DEMO_USERS, SeedError, SeedReport, seed
from crm_graphql.pipelines.models import Pipeline, Stage
from crm_graphql.platform.users.models import UserRole
from tests.support.databases import fresh_database

CUSTOMERS = 120
SALES_USERS = {pk for pk, user in enumerate(DEMO_USERS, 1) if user[2] is UserRole.SALES}


async def _seeded_engine(backend: str, tmp_dir: Path) -> AsyncIterator[AsyncEngine]:
    async with fresh_database(backend, tmp_dir) as url:
        engine = create_engine(Settings(database_url=url, env="test"))
        try:
            await upgrade(engine)
            yield engine
        finally:
            await engine.dispose()


@pytest.fixture(scope="module")
async def seeded(
    backend: str, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[tuple[AsyncEngine, SeedReport]]:
    async for engine in _seeded_engine(backend, tmp_path_factory.mktemp("seed")):
        report = await seed(engine, customers=CUSTOMERS)
        yield engine, report


async def _rows(engine: AsyncEngine, statement: Any) -> list[Any]:
    async with engine.connect() as conn:
        return list((await conn.execute(statement)).all())


async def _deals(engine: AsyncEngine) -> list[Any]:
    return await _rows(engine, select(Deal.__table__).order_by(Deal.id))


async def test_one_deal_per_five_customers_with_their_stage_history(
    seeded: tuple[AsyncEngine, SeedReport],
) -> None:
    engine, report = seeded

    deals = await _deals(engine)
    changes = await _rows(engine, select(DealStageChange.__table__))

    assert report.customers == CUSTOMERS
    assert report.deals == len(deals) == CUSTOMERS // CUSTOMERS_PER_DEAL
    assert report.deal_stage_changes == len(changes) > len(deals)


async def test_every_deal_is_on_the_default_board_with_the_status_of_its_stage(
    seeded: tuple[AsyncEngine, SeedReport],
) -> None:
    engine, _ = seeded
    (default_pipeline,) = await _rows(
        engine, select(Pipeline.id, Pipeline.currency).where(Pipeline.is_default.is_(True))
    )
    stages = {
        row.id: row
        for row in await _rows(
            engine, select(Stage.id, Stage.kind, Stage.position).order_by(Stage.position)
        )
    }
    first_open = min((s for s in stages.values() if s.kind == "OPEN"), key=lambda s: s.position).id

    deals = await _deals(engine)
    history: dict[int, list[Any]] = defaultdict(list)
    for change in await _rows(
        engine, select(DealStageChange.__table__).order_by(DealStageChange.id)
    ):
        history[change.deal_id].append(change)

    assert {d.status for d in deals} == set(DealStatus)  # open, won and lost deals
    ranks: dict[int, list[float]] = defaultdict(list)
    for deal in deals:
        assert deal.status == stages[deal.stage_id].kind
        assert (deal.pipeline_id, deal.currency) == tuple(default_pipeline)
        assert deal.owner_id in {None, *SALES_USERS}
        assert deal.customer_id is not None
        assert deal.amount_minor > 0
        assert (deal.closed_at is None) == (deal.status == DealStatus.OPEN)
        assert (deal.lost_reason is not None) == (deal.status == DealStatus.LOST)
        steps = history[deal.id]
        assert (steps[0].from_stage_id, steps[0].to_stage_id) == (None, first_open)
        assert all(a.to_stage_id == b.from_stage_id for a, b in itertools.pairwise(steps))
        assert all(a.changed_at <= b.changed_at for a, b in itertools.pairwise(steps))
        assert steps[-1].to_stage_id == deal.stage_id
        assert steps[-1].changed_at == deal.stage_entered_at
        assert deal.version == len(steps)
        ranks[deal.stage_id].append(deal.rank)
    assert all(column == sorted(set(column)) for column in ranks.values())


async def test_customers_with_deals_are_in_step_with_them(
    seeded: tuple[AsyncEngine, SeedReport],
) -> None:
    engine, _ = seeded

    rows = await _rows(
        engine,
        select(Deal.status, Customer.lifecycle_stage).join(
            Customer, Customer.id == Deal.customer_id
        ),
    )

    # as the pipeline service leaves them (it never moves a customer backwards)
    for status, lifecycle in rows:
        if status == DealStatus.OPEN:
            assert lifecycle != LifecycleStage.LEAD
        if status == DealStatus.WON:
            assert lifecycle == LifecycleStage.CUSTOMER


async def test_the_same_arguments_give_the_same_deals(tmp_path: Path) -> None:
    seen = []
    for run in ("a", "b"):
        async for engine in _seeded_engine("sqlite", tmp_path / run):
            await seed(engine, customers=40, seed=7)
            seen.append(await _deals(engine))

    assert len(seen[0]) == 40 // CUSTOMERS_PER_DEAL
    assert seen[0] == seen[1]


async def test_a_database_with_data_is_refused(seeded: tuple[AsyncEngine, SeedReport]) -> None:
    engine, _ = seeded
    with pytest.raises(SeedError, match="already has customers"):
        await seed(engine, customers=5)
