"""Deal domain logic: deals on the board and their stage history.

A deal's status always equals its stage's kind; every change of stage writes a DealStageChange.
Deals are written through the ORM (the audit log and the event log read the flushes).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from crm_graphql.companies.service import require_company
from crm_graphql.core.db import utcnow
from crm_graphql.core.errors import DomainError, ErrorCode, Problems
from crm_graphql.core.money import normalize_currency, to_minor
from crm_graphql.core.validators import optional_text, required_text
from crm_graphql.customers.lifecycle import Standing, after_deal
from crm_graphql.customers.models import Customer
from crm_graphql.customers.service import require_customer
from crm_graphql.data.records import (
    check_assignable,
    check_version,
    default_owner,
    find,
    policy,
    visible,
)
from crm_graphql.deals.models import Deal, DealStageChange, DealStatus
from crm_graphql.deals.placement import (
    closing_stage,
    column_rank,
    default_pipeline,
    first_stage,
    live_pipeline,
)
from crm_graphql.pipelines.models import Pipeline, Stage, StageKind
from crm_graphql.platform.users.service import require_active_user


@dataclass(frozen=True, slots=True)
class Amount:
    amount: Decimal
    currency: str


def _viewer_id(session: AsyncSession) -> int | None:
    active = policy(session)
    return active.viewer.user_id if active else None


def _clean_amount(
    amount: Amount, currency: str, field: tuple[str, ...], problems: Problems
) -> int | None:
    code = problems.check(normalize_currency, amount.currency, (*field, "currency"))
    if code is None:
        return None
    if code != currency:
        problems.add((*field, "currency"), f"Amounts of this pipeline are in {currency}.")
        return None
    minor = problems.check(to_minor, amount.amount, code, (*field, "amount"))
    if minor is not None and minor < 0:
        problems.add((*field, "amount"), "Must not be negative.")
        return None
    return minor


async def _clean_owner(session: AsyncSession, owner_id: int | None, problems: Problems) -> None:
    if owner_id is not None:
        await require_active_user(session, owner_id, ("ownerId",), problems)
    check_assignable(session, owner_id, ("ownerId",), problems)


async def create_deal(
    *,
    session: AsyncSession,
    title: str,
    amount: Amount,
    pipeline_id: int | None,
    stage_id: int | None,
    owner_id: int | None,
    customer_id: int | None,
    company_id: int | None,
    expected_close_date: date | None,
    source: str | None,
) -> Deal:
    problems = Problems()
    clean_title = problems.check(required_text, title, ("title",), 200)
    clean_source = problems.check(optional_text, source, ("source",), 80)
    stage = None
    if stage_id is not None:
        stage = await visible(session, Stage, stage_id)
        if stage is None:
            problems.add(("stageId",), "No Stage with this ID exists.", ErrorCode.NOT_FOUND)
    pipeline: Pipeline | None = None
    if pipeline_id is not None:
        pipeline = await visible(session, Pipeline, pipeline_id)
        if pipeline is None:
            problems.add(("pipelineId",), "No Pipeline with this ID exists.", ErrorCode.NOT_FOUND)
    elif stage is not None:
        pipeline = await visible(session, Pipeline, stage.pipeline_id)
        if pipeline is None:
            problems.add(("stageId",), "The stage's pipeline is deleted.", ErrorCode.NOT_FOUND)
    elif stage_id is None:
        pipeline = await default_pipeline(session, problems)
    if stage is not None and pipeline is not None:
        if stage.pipeline_id != pipeline.id:
            problems.add(("stageId",), f"This stage is not a stage of {pipeline.name}.")
        elif stage.kind is not StageKind.OPEN:
            problems.add(
                ("stageId",),
                "New deals start in an OPEN stage; create the deal, then win or lose it.",
            )
    minor = None
    if pipeline is not None:
        minor = _clean_amount(amount, pipeline.currency, ("amount",), problems)
    if customer_id is None and company_id is None:
        problems.add(("customerId",), "Give a customer, a company or both.")
    if customer_id is not None:
        await require_customer(session, customer_id, ("customerId",), problems)
    if company_id is not None:
        await require_company(session, company_id, ("companyId",), problems)
    owner_id = default_owner(session) if owner_id is None else owner_id
    await _clean_owner(session, owner_id, problems)
    problems.raise_if_any()
    assert pipeline is not None
    assert clean_title is not None
    assert minor is not None
    if stage is None:
        stage = await first_stage(session, pipeline.id, StageKind.OPEN)
    else:
        stage = await find(session, Stage, stage.id, ("stageId",))  # locks the column
    now = utcnow()
    deal = Deal(
        title=clean_title,
        amount_minor=minor,
        currency=pipeline.currency,
        pipeline_id=pipeline.id,
        stage_id=stage.id,
        status=DealStatus.OPEN,
        rank=await column_rank(session, stage.id, None, None),
        owner_id=owner_id,
        customer_id=customer_id,
        company_id=company_id,
        expected_close_date=expected_close_date,
        source=clean_source,
        stage_entered_at=now,
    )
    session.add(deal)
    await session.flush()
    session.add(
        DealStageChange(
            deal_id=deal.id,
            from_stage_id=None,
            to_stage_id=stage.id,
            changed_at=now,
            user_id=_viewer_id(session),
        )
    )
    if customer_id is not None:
        await _advance_customer(session, customer_id, won=False, owner_id=owner_id)
    await session.flush()
    return deal


async def update_deal(
    *, session: AsyncSession, deal_id: int, expected_version: int, fields: Mapping[str, Any]
) -> Deal:
    deal = await find(session, Deal, deal_id, ("id",))
    check_version(deal, expected_version, ("expectedVersion",))
    problems = Problems()
    values: dict[str, Any] = {}
    for key, value in fields.items():
        if key == "title":
            values[key] = problems.check(required_text, value or "", ("title",), 200)
        elif key == "source":
            values[key] = problems.check(optional_text, value, ("source",), 80)
        elif key == "amount":
            if value is None:
                problems.add(("amount",), "Must not be null.")
            else:
                values["amount_minor"] = _clean_amount(value, deal.currency, ("amount",), problems)
        elif key == "owner_id":
            await _clean_owner(session, value, problems)
            values[key] = value
        elif key == "customer_id":
            if value is not None:
                await require_customer(session, value, ("customerId",), problems)
            values[key] = value
        elif key == "company_id":
            if value is not None:
                await require_company(session, value, ("companyId",), problems)
            values[key] = value
        elif key == "expected_close_date":
            values[key] = value
        else:  # pragma: no cover - the GraphQL input only carries the keys above
            raise KeyError(key)
    customer_id = values.get("customer_id", deal.customer_id)
    if customer_id is None and values.get("company_id", deal.company_id) is None:
        problems.add(("customerId",), "A deal needs a customer, a company or both.")
    problems.raise_if_any()
    new_customer = customer_id is not None and customer_id != deal.customer_id
    for key, value in values.items():
        setattr(deal, key, value)
    if new_customer and customer_id is not None and deal.status is not DealStatus.LOST:
        won = deal.status is DealStatus.WON
        await _advance_customer(session, customer_id, won=won, owner_id=deal.owner_id)
    await session.flush()
    return deal


async def _advance_customer(
    session: AsyncSession, customer_id: int, *, won: bool, owner_id: int | None
) -> None:
    """Moves the deal's customer forward by the lifecycle rule (`customers.lifecycle`), on
    the locked row, and assigns only what changes so that an untouched customer keeps its
    version."""
    stmt = select(Customer).where(Customer.id == customer_id).with_for_update()
    customer = (await session.execute(stmt)).scalar_one_or_none()
    if customer is None or customer.deleted_at is not None:
        return
    before = Standing(stage=customer.lifecycle_stage, owner_id=customer.owner_id)
    after = after_deal(before, won=won, deal_owner_id=owner_id)
    if after.stage is not before.stage:
        customer.lifecycle_stage = after.stage
    if after.owner_id != before.owner_id:
        customer.owner_id = after.owner_id


async def _enter(
    session: AsyncSession,
    deal: Deal,
    stage: Stage,
    *,
    position: int | None,
    lost_reason: str | None,
) -> Deal:
    """Puts the deal into `stage` (locked by the caller) at `position`, keeping status,
    closedAt, lostReason, the stage history and the customer's lifecycle in step."""
    now = utcnow()
    status = DealStatus(stage.kind.value)
    deal.rank = await column_rank(session, stage.id, position, deal.id)
    if stage.id != deal.stage_id:
        session.add(
            DealStageChange(
                deal_id=deal.id,
                from_stage_id=deal.stage_id,
                to_stage_id=stage.id,
                changed_at=now,
                user_id=_viewer_id(session),
            )
        )
        deal.stage_id = stage.id
        deal.pipeline_id = stage.pipeline_id
        deal.stage_entered_at = now
    if status is not deal.status:
        won = status is DealStatus.WON
        deal.status = status
        deal.closed_at = None if status is DealStatus.OPEN else now
        if won and deal.customer_id is not None:
            await _advance_customer(session, deal.customer_id, won=True, owner_id=None)
    deal.lost_reason = (lost_reason or deal.lost_reason) if status is DealStatus.LOST else None
    await session.flush()
    return deal


def _clean_reason(reason: str | None, field: Sequence[str]) -> str:
    return required_text(reason or "", field, 500)


async def move_deal(
    *,
    session: AsyncSession,
    deal_id: int,
    expected_version: int,
    stage_id: int,
    position: int | None,
    lost_reason: str | None,
) -> Deal:
    deal = await find(session, Deal, deal_id, ("id",))
    check_version(deal, expected_version, ("expectedVersion",))
    stage = await find(session, Stage, stage_id, ("stageId",))
    problems = Problems()
    if stage.pipeline_id != deal.pipeline_id:
        target = await live_pipeline(session, stage.pipeline_id)
        if target.currency != deal.currency:
            problems.add(
                ("stageId",),
                f"The stage is in {target.name}, whose deals are in {target.currency}; this "
                f"deal is in {deal.currency}. Deals move only between pipelines of the same "
                "currency.",
            )
    if position is not None and position < 0:
        problems.add(("position",), "Must not be negative.")
    reason = None
    if stage.kind is StageKind.LOST:
        if lost_reason is not None or deal.status is not DealStatus.LOST:
            reason = problems.check(_clean_reason, lost_reason, ("lostReason",))
    elif lost_reason is not None:
        problems.add(("lostReason",), "Give a reason only when moving to a LOST stage.")
    problems.raise_if_any()
    return await _enter(session, deal, stage, position=position, lost_reason=reason)


async def win_deal(*, session: AsyncSession, deal_id: int, expected_version: int) -> Deal:
    deal = await find(session, Deal, deal_id, ("id",))
    check_version(deal, expected_version, ("expectedVersion",))
    if deal.status is DealStatus.WON:
        raise DomainError.single(("id",), "The deal is already won.", ErrorCode.INVALID_TRANSITION)
    stage = await closing_stage(session, deal, StageKind.WON)
    return await _enter(session, deal, stage, position=None, lost_reason=None)


async def lose_deal(
    *, session: AsyncSession, deal_id: int, expected_version: int, reason: str
) -> Deal:
    deal = await find(session, Deal, deal_id, ("id",))
    check_version(deal, expected_version, ("expectedVersion",))
    if deal.status is DealStatus.LOST:
        raise DomainError.single(("id",), "The deal is already lost.", ErrorCode.INVALID_TRANSITION)
    clean = _clean_reason(reason, ("reason",))
    stage = await closing_stage(session, deal, StageKind.LOST)
    return await _enter(session, deal, stage, position=None, lost_reason=clean)


async def reopen_deal(
    *, session: AsyncSession, deal_id: int, expected_version: int, stage_id: int | None
) -> Deal:
    deal = await find(session, Deal, deal_id, ("id",))
    check_version(deal, expected_version, ("expectedVersion",))
    if deal.status is DealStatus.OPEN:
        raise DomainError.single(
            ("id",),
            "The deal is open; only won or lost deals reopen.",
            ErrorCode.INVALID_TRANSITION,
        )
    await live_pipeline(session, deal.pipeline_id)
    if stage_id is not None:
        stage = await find(session, Stage, stage_id, ("stageId",))
        if stage.pipeline_id != deal.pipeline_id or stage.kind is not StageKind.OPEN:
            raise DomainError.single(("stageId",), "Give an OPEN stage of the deal's pipeline.")
    else:
        last_open = await session.scalar(
            select(DealStageChange.to_stage_id)
            .join(Stage, Stage.id == DealStageChange.to_stage_id)
            .where(
                DealStageChange.deal_id == deal.id,
                Stage.pipeline_id == deal.pipeline_id,
                Stage.kind == StageKind.OPEN,
                Stage.deleted_at.is_(None),
            )
            .order_by(DealStageChange.id.desc())
            .limit(1)
        )
        if last_open is not None:
            stage = await find(session, Stage, last_open, ("stageId",))
        else:
            stage = await first_stage(session, deal.pipeline_id, StageKind.OPEN)
    return await _enter(session, deal, stage, position=None, lost_reason=None)
