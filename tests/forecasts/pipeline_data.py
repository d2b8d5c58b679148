"""Fixed pipeline data for the forecast, stats and board tests: rows written straight through
the ORM, so that closing times and stage histories are exact."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from crm_graphql.companies.models import Company
from crm_graphql.core.ids import encode_id
from crm_graphql.core.money import exponent
from crm_graphql.deals.models import Deal, DealStageChange, DealStatus
from crm_graphql.pipelines.models import Pipeline, Stage, StageKind
from crm_graphql.platform.users.models import UserRole
from tests.support.graphql_client import SignIn

DEFAULT_STAGES = (
    ("Lead in", 10, StageKind.OPEN),
    ("Qualified", 25, StageKind.OPEN),
    ("Proposal", 50, StageKind.OPEN),
    ("Negotiation", 75, StageKind.OPEN),
    ("Won", 100, StageKind.WON),
    ("Lost", 0, StageKind.LOST),
)


def at(text: str) -> datetime:
    """A UTC time from 'YYYY-MM-DD HH:MM'."""
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


@dataclass
class PipelineData:
    """A pipeline made for one test module, and a way to add deals to it."""

    session: AsyncSession
    pipeline: Pipeline
    stages: dict[str, Stage]
    company_id: int
    deals: dict[str, Deal] = field(default_factory=dict)

    @property
    def id(self) -> str:
        return encode_id("Pipeline", self.pipeline.id)

    def stage_id(self, name: str) -> str:
        return encode_id("Stage", self.stages[name].id)

    def deal_id(self, title: str) -> str:
        return encode_id("Deal", self.deals[title].id)

    async def deal(
        self,
        title: str,
        stage: str,
        amount: str,
        *,
        owner: int | None = None,
        expected: date | None = None,
        closed_at: datetime | None = None,
        rank: float = 0.0,
        deleted: bool = False,
        history: Sequence[tuple[str, datetime]] = (),
    ) -> Deal:
        """A deal now in `stage`; `history`: (stage, when) of each change, oldest first (the
        first one is its creation)."""
        kind = self.stages[stage].kind
        entered = history[-1][1] if history else at("2030-01-01 00:00")
        deal = Deal(
            title=title,
            amount_minor=int(Decimal(amount).scaleb(exponent(self.pipeline.currency))),
            currency=self.pipeline.currency,
            pipeline_id=self.pipeline.id,
            stage_id=self.stages[stage].id,
            status=DealStatus(kind.value),
            rank=rank,
            owner_id=owner,
            company_id=self.company_id,
            expected_close_date=expected,
            closed_at=closed_at,
            stage_entered_at=entered,
            deleted_at=at("2031-01-01 00:00") if deleted else None,
        )
        self.session.add(deal)
        await self.session.flush()
        previous: int | None = None
        for name, when in history:
            to_stage = self.stages[name].id
            self.session.add(
                DealStageChange(
                    deal_id=deal.id, from_stage_id=previous, to_stage_id=to_stage, changed_at=when
                )
            )
            previous = to_stage
        await self.session.flush()
        self.deals[title] = deal
        return deal


async def new_pipeline(
    session: AsyncSession,
    *,
    currency: str = "USD",
    stages: Sequence[tuple[str, int, StageKind]] = DEFAULT_STAGES,
) -> PipelineData:
    tag = uuid.uuid4().hex[:8]
    pipeline = Pipeline(name=f"Analytics {tag}", currency=currency, is_default=False)
    company = Company(name=f"Buyer {tag}")
    session.add_all([pipeline, company])
    await session.flush()
    made = {}
    for position, (name, probability, kind) in enumerate(stages):
        made[name] = Stage(
            pipeline_id=pipeline.id,
            name=name,
            position=position,
            probability=probability,
            kind=kind,
        )
    session.add_all(made.values())
    await session.flush()
    return PipelineData(session, pipeline, made, company.id)


async def new_user(sign_in: SignIn, name: str, role: UserRole = UserRole.SALES) -> tuple[str, int]:
    email = f"{name}-{uuid.uuid4().hex[:8]}@tests.example"
    return email, await sign_in.user(email, role)


def money(amount: str, currency: str = "USD") -> dict[str, str]:
    return {"amount": amount, "currency": currency}
