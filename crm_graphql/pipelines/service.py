"""Pipeline domain logic: pipelines and their stages (the columns of a board).

A stage that holds deals, deleted ones included, keeps its kind and stays in its pipeline; the
deals' status and stage history (crm_graphql/deals) depend on it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Table, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from crm_graphql.core.db import utcnow
from crm_graphql.core.errors import DomainError, ErrorCode, Problems, not_found
from crm_graphql.core.money import normalize_currency
from crm_graphql.core.validators import required_text
from crm_graphql.data.records import check_version, find, visible
from crm_graphql.pipelines.models import Pipeline, Stage, StageKind

MAX_STAGES = 30
OPEN_STATUS = StageKind.OPEN.value  # a deal's status is always its stage's kind


@dataclass(frozen=True, slots=True)
class NewStage:
    name: str
    probability: int
    kind: StageKind = StageKind.OPEN


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


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


def _deals() -> Table:
    """The deals table, reached through the stages' relationship: deals rank above pipelines
    (their package imports this one), so the Deal model is not imported here."""
    return cast(Table, Stage.deals.property.target)


async def _deal_count(session: AsyncSession, *conditions: Any) -> int:
    """Deals matching `conditions`, whoever owns them and deleted or not."""
    total = await session.scalar(select(func.count()).select_from(_deals()).where(*conditions))
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
            count = await _deal_count(session, _deals().c.pipeline_id == pipeline.id)
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
    deals = _deals()
    open_deals = await _deal_count(
        session,
        deals.c.pipeline_id == pipeline.id,
        deals.c.status == OPEN_STATUS,
        deals.c.deleted_at.is_(None),
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
        count = await _deal_count(session, _deals().c.stage_id == stage.id)
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
    count = await _deal_count(session, _deals().c.stage_id == stage.id)
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
