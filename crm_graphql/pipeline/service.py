"""Pipeline domain logic: pipelines and their stages, deals on the board and their stage history.

A deal's status always equals its stage's kind; every change of stage writes a DealStageChange.
Deals are written through the ORM (the audit log and the event log read the flushes); only the
renumbering of a column's ranks is a Core update, as it changes nothing a client sees.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, cast

from sqlalchemy import Table, bindparam, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from crm_graphql.companies.service import require_company
from crm_graphql.core.db import utcnow
from crm_graphql.core.errors import DomainError, ErrorCode, Problems, not_found
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
from crm_graphql.pipeline.models import (
    Deal,
    DealStageChange,
    DealStatus,
    Pipeline,
    Stage,
    StageKind,
)
from crm_graphql.platform.users.service import require_active_user

MAX_STAGES = 30
RANK_STEP = 1024.0
MIN_RANK_GAP = 1e-6  # closer neighbours: the column is renumbered before inserting between


@dataclass(frozen=True, slots=True)
class NewStage:
    name: str
    probability: int
    kind: StageKind = StageKind.OPEN


@dataclass(frozen=True, slots=True)
class Amount:
    amount: Decimal
    currency: str


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


# --- pipelines and stages -------------------------------------------------------------------


def _clean_stage(new: NewStage, field: tuple[str, ...], problems: Problems) -> Stage | None:
    name = problems.check(required_text, new.name, (*field, "name"), 80)
    if not 0 <= new.probability <= 100:
        problems.add((*field, "probability"), "Must be between 0 and 100 (percent).")
        return None
    return None if name is None else Stage(name=name, probability=new.probability, kind=new.kind)


def _check_kinds(kinds: Sequence[StageKind], field: Sequence[str], problems: Problems) -> None:
    """A pipeline keeps at least one stage of each kind (deals are won into its first WON
    stage and lost into its first LOST stage)."""
    for kind in StageKind:
        if kind not in kinds:
            problems.add(field, f"A pipeline needs at least one {kind.value} stage.")


def _check_names(stages: Sequence[Stage], field: Sequence[str], problems: Problems) -> None:
    seen: set[str] = set()
    for stage in stages:
        key = stage.name.casefold()
        if key in seen:
            problems.add(field, f"Two stages are named {stage.name!r}.", ErrorCode.DUPLICATE)
        seen.add(key)


async def _stages(session: AsyncSession, pipeline_id: int) -> list[Stage]:
    """The pipeline's live stages in board order."""
    stmt = (
        select(Stage)
        .where(Stage.pipeline_id == pipeline_id, Stage.deleted_at.is_(None))
        .order_by(Stage.position, Stage.id)
    )
    return list((await session.execute(stmt)).scalars())


async def _make_default(session: AsyncSession, pipeline: Pipeline) -> None:
    current = await session.execute(
        select(Pipeline).where(Pipeline.is_default.is_(True), Pipeline.id != pipeline.id)
    )
    for other in current.scalars():
        other.is_default = False
    pipeline.is_default = True


async def _deal_count(session: AsyncSession, *conditions: Any) -> int:
    """Deals matching `conditions`, whoever owns them and deleted or not."""
    total = await session.scalar(select(func.count()).select_from(Deal).where(*conditions))
    return int(total or 0)


async def create_pipeline(
    *,
    session: AsyncSession,
    name: str,
    currency: str,
    stages: Sequence[NewStage],
    is_default: bool,
) -> Pipeline:
    problems = Problems()
    clean_name = problems.check(required_text, name, ("name",), 120)
    code = problems.check(normalize_currency, currency, ("currency",))
    if len(stages) > MAX_STAGES:
        problems.add(("stages",), f"At most {MAX_STAGES} stages.")
    built = [_clean_stage(s, ("stages", str(i)), problems) for i, s in enumerate(stages)]
    _check_kinds([s.kind for s in stages], ("stages",), problems)
    _check_names([s for s in built if s is not None], ("stages",), problems)
    problems.raise_if_any()
    assert clean_name is not None
    assert code is not None
    for position, stage in enumerate(built):
        assert stage is not None
        stage.position = position
    pipeline = Pipeline(name=clean_name, currency=code, is_default=False)
    pipeline.stages = [s for s in built if s is not None]
    session.add(pipeline)
    if is_default:
        await _make_default(session, pipeline)
    await session.flush()
    return pipeline


async def update_pipeline(
    *,
    session: AsyncSession,
    pipeline_id: int,
    expected_version: int,
    fields: Mapping[str, Any],
) -> Pipeline:
    pipeline = await find(session, Pipeline, pipeline_id, ("id",))
    check_version(pipeline, expected_version, ("expectedVersion",))
    problems = Problems()
    name = fields.get("name", pipeline.name)
    clean_name = problems.check(required_text, name or "", ("name",), 120)
    code = pipeline.currency
    if "currency" in fields:
        code = problems.check(normalize_currency, fields["currency"] or "", ("currency",)) or code
        if code != pipeline.currency:
            count = await _deal_count(session, Deal.pipeline_id == pipeline.id)
            if count:
                problems.add(
                    ("currency",),
                    f"The pipeline holds {_plural(count, 'deal')} in {pipeline.currency} "
                    "(counting deleted ones); its currency cannot change.",
                    ErrorCode.CONFLICT,
                )
    make_default = fields.get("is_default")
    if make_default is False and pipeline.is_default:
        problems.add(
            ("isDefault",), "Make another pipeline the default instead of unsetting this one."
        )
    problems.raise_if_any()
    assert clean_name is not None
    pipeline.name = clean_name
    pipeline.currency = code
    if make_default and not pipeline.is_default:
        await _make_default(session, pipeline)
    await session.flush()
    return pipeline


async def delete_pipeline(
    *, session: AsyncSession, pipeline_id: int, expected_version: int | None
) -> Pipeline:
    pipeline = await find(session, Pipeline, pipeline_id, ("id",))
    check_version(pipeline, expected_version, ("expectedVersion",))
    if pipeline.is_default:
        raise DomainError.single(
            ("id",),
            "The default pipeline cannot be deleted; make another pipeline the default first.",
            ErrorCode.CONFLICT,
        )
    open_deals = await _deal_count(
        session,
        Deal.pipeline_id == pipeline.id,
        Deal.status == DealStatus.OPEN,
        Deal.deleted_at.is_(None),
    )
    if open_deals:
        raise DomainError.single(
            ("id",),
            f"The pipeline has {_plural(open_deals, 'open deal')}; win, lose or move them first.",
            ErrorCode.CONFLICT,
        )
    pipeline.deleted_at = utcnow()
    await session.flush()
    return pipeline


async def _stage_for_change(session: AsyncSession, stage_id: int) -> tuple[Pipeline, Stage]:
    """The stage and its pipeline, both locked (the pipeline first, as every stage edit does)."""
    seen = await visible(session, Stage, stage_id)
    if seen is None:
        raise not_found(("id",), "Stage")
    pipeline = await find(session, Pipeline, seen.pipeline_id, ("id",))
    return pipeline, await find(session, Stage, stage_id, ("id",))


async def create_pipeline_stage(
    *, session: AsyncSession, pipeline_id: int, new: NewStage, position: int | None
) -> Stage:
    pipeline = await find(session, Pipeline, pipeline_id, ("pipelineId",))
    stages = await _stages(session, pipeline.id)
    problems = Problems()
    stage = _clean_stage(new, (), problems)
    if len(stages) >= MAX_STAGES:
        problems.add(("pipelineId",), f"A pipeline has at most {MAX_STAGES} stages.")
    at = len(stages) if position is None else position
    if not 0 <= at <= len(stages):
        problems.add(("position",), f"Must be between 0 and {len(stages)}.")
    _check_kinds([*(s.kind for s in stages), new.kind], ("kind",), problems)
    if stage is not None:
        _check_names([*stages, stage], ("name",), problems)
    problems.raise_if_any()
    assert stage is not None
    for later in stages[at:]:
        later.position += 1
    stage.pipeline_id = pipeline.id
    stage.position = at
    session.add(stage)
    pipeline.updated_at = utcnow()  # the board changed: the pipeline's version moves
    await session.flush()
    return stage


async def update_pipeline_stage(
    *, session: AsyncSession, stage_id: int, expected_version: int, fields: Mapping[str, Any]
) -> Stage:
    pipeline, stage = await _stage_for_change(session, stage_id)
    check_version(stage, expected_version, ("expectedVersion",))
    problems = Problems()
    merged = NewStage(
        name=fields["name"] or "" if "name" in fields else stage.name,
        probability=stage.probability
        if fields.get("probability") is None
        else fields["probability"],
        kind=fields.get("kind") or stage.kind,
    )
    if "probability" in fields and fields["probability"] is None:
        problems.add(("probability",), "Must not be null.")
    if "kind" in fields and fields["kind"] is None:
        problems.add(("kind",), "Must not be null.")
    cleaned = _clean_stage(merged, (), problems)
    others = [s for s in await _stages(session, pipeline.id) if s.id != stage.id]
    if cleaned is not None:
        _check_names([*others, cleaned], ("name",), problems)
    if merged.kind is not stage.kind:
        count = await _deal_count(session, Deal.stage_id == stage.id)
        if count:
            problems.add(
                ("kind",),
                f"{stage.name} holds {_plural(count, 'deal')} (counting deleted ones); move "
                "them to another stage before changing its kind.",
                ErrorCode.CONFLICT,
            )
        _check_kinds([*(s.kind for s in others), merged.kind], ("kind",), problems)
    problems.raise_if_any()
    assert cleaned is not None
    stage.name, stage.probability, stage.kind = cleaned.name, cleaned.probability, cleaned.kind
    await session.flush()
    return stage


async def reorder_pipeline_stages(
    *,
    session: AsyncSession,
    pipeline_id: int,
    stage_ids: Sequence[int],
    expected_version: int | None,
) -> Pipeline:
    pipeline = await find(session, Pipeline, pipeline_id, ("pipelineId",))
    check_version(pipeline, expected_version, ("expectedVersion",))
    stages = {s.id: s for s in await _stages(session, pipeline.id)}
    given = list(stage_ids)
    repeated = len(set(given)) != len(given)
    unknown = [i for i, pk in enumerate(given) if pk not in stages]
    missing = len(set(stages) - set(given))
    if repeated or unknown or missing:
        details = []
        if unknown:
            details.append(f"not stages of this pipeline: positions {unknown}")
        if missing:
            details.append(f"{_plural(missing, 'stage')} missing")
        if repeated:
            details.append("a stage is named twice")
        raise DomainError.single(
            ("stageIds",),
            f"Give every stage of the pipeline exactly once ({'; '.join(details)}).",
        )
    for position, pk in enumerate(given):
        stages[pk].position = position
    pipeline.updated_at = utcnow()
    await session.flush()
    return pipeline


async def remove_pipeline_stage(*, session: AsyncSession, stage_id: int) -> Stage:
    pipeline, stage = await _stage_for_change(session, stage_id)
    count = await _deal_count(session, Deal.stage_id == stage.id)
    if count:
        raise DomainError.single(
            ("id",),
            f"{stage.name} holds {_plural(count, 'deal')} (counting deleted ones); move them "
            "to another stage first.",
            ErrorCode.CONFLICT,
        )
    others = [s for s in await _stages(session, pipeline.id) if s.id != stage.id]
    problems = Problems()
    _check_kinds([s.kind for s in others], ("id",), problems)
    problems.raise_if_any()
    stage.deleted_at = utcnow()
    for position, other in enumerate(others):
        other.position = position
    pipeline.updated_at = utcnow()
    await session.flush()
    return stage


# --- deals ----------------------------------------------------------------------------------


async def _default_pipeline(session: AsyncSession, problems: Problems) -> Pipeline | None:
    stmt = select(Pipeline).where(Pipeline.is_default.is_(True), Pipeline.deleted_at.is_(None))
    pipeline = (await session.execute(stmt)).scalars().first()
    if pipeline is None:
        problems.add(("pipelineId",), "There is no default pipeline; give a pipelineId.")
    return pipeline


async def _first_stage(session: AsyncSession, pipeline_id: int, kind: StageKind) -> Stage:
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
        pipeline = await _default_pipeline(session, problems)
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
        stage = await _first_stage(session, pipeline.id, StageKind.OPEN)
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
        rank=await _rank(session, stage.id, None, None),
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


async def _rank(
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


async def _live_pipeline(session: AsyncSession, pipeline_id: int) -> Pipeline:
    pipeline = await visible(session, Pipeline, pipeline_id)
    if pipeline is None:
        raise DomainError.single(
            ("stageId",), "The stage's pipeline is deleted.", ErrorCode.NOT_FOUND
        )
    return pipeline


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
    deal.rank = await _rank(session, stage.id, position, deal.id)
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
        target = await _live_pipeline(session, stage.pipeline_id)
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


async def _closing_stage(session: AsyncSession, deal: Deal, kind: StageKind) -> Stage:
    await _live_pipeline(session, deal.pipeline_id)
    return await _first_stage(session, deal.pipeline_id, kind)


async def win_deal(*, session: AsyncSession, deal_id: int, expected_version: int) -> Deal:
    deal = await find(session, Deal, deal_id, ("id",))
    check_version(deal, expected_version, ("expectedVersion",))
    if deal.status is DealStatus.WON:
        raise DomainError.single(("id",), "The deal is already won.", ErrorCode.INVALID_TRANSITION)
    stage = await _closing_stage(session, deal, StageKind.WON)
    return await _enter(session, deal, stage, position=None, lost_reason=None)


async def lose_deal(
    *, session: AsyncSession, deal_id: int, expected_version: int, reason: str
) -> Deal:
    deal = await find(session, Deal, deal_id, ("id",))
    check_version(deal, expected_version, ("expectedVersion",))
    if deal.status is DealStatus.LOST:
        raise DomainError.single(("id",), "The deal is already lost.", ErrorCode.INVALID_TRANSITION)
    clean = _clean_reason(reason, ("reason",))
    stage = await _closing_stage(session, deal, StageKind.LOST)
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
    await _live_pipeline(session, deal.pipeline_id)
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
            stage = await _first_stage(session, deal.pipeline_id, StageKind.OPEN)
    return await _enter(session, deal, stage, position=None, lost_reason=None)
