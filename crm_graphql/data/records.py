"""Record lifecycle shared by every domain's service: find, version check, soft delete, restore."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar

from sqlalchemy import ColumnElement, select
from sqlalchemy.ext.asyncio import AsyncSession

from crm_graphql.core.db import Base, SoftDeletable, Versioned, utcnow
from crm_graphql.core.errors import DomainError, ErrorCode, Problems, not_found, stale_version
from crm_graphql.data.access import Viewer
from crm_graphql.data.loaders import Scope

M = TypeVar("M", bound=Base)
POLICY = "crm_policy"


@dataclass(frozen=True, slots=True)
class Policy:
    """Who writes, and which rows they may reach: put on `session.info[POLICY]` by the GraphQL
    layer, so every lookup a service makes stays inside the viewer's rows."""

    viewer: Viewer
    scope: Scope


def policy(session: AsyncSession) -> Policy | None:
    found = session.info.get(POLICY)
    return found if isinstance(found, Policy) else None


def _scoped(session: AsyncSession, model: type[Base]) -> list[ColumnElement[bool]]:
    active = policy(session)
    if active is None:
        return []
    # soft deletion is judged by the callers; only the access rule is applied here
    return active.scope(model, include_deleted=True)


async def find(
    session: AsyncSession,
    model: type[M],
    pk: int,
    field: Sequence[str],
    *,
    deleted: bool | None = False,
) -> M:
    """The record for a write, locked against concurrent writers on PostgreSQL.

    `deleted`: False (default) wants a live record, True a deleted one, None either.
    """
    stmt = (
        select(model).where(model.__table__.c.id == pk, *_scoped(session, model)).with_for_update()
    )
    instance = (await session.execute(stmt)).scalar_one_or_none()
    if instance is None:
        raise not_found(field, model.__name__)
    if isinstance(instance, SoftDeletable) and deleted is not None:
        is_deleted = instance.deleted_at is not None
        if is_deleted and not deleted:
            raise not_found(field, model.__name__)
        if deleted and not is_deleted:
            raise DomainError.single(
                field, f"This {model.__name__} is not deleted.", ErrorCode.VALIDATION
            )
    return instance


def default_owner(session: AsyncSession) -> int | None:
    """Records created by SALES or MANAGER users belong to their creator unless said otherwise."""
    active = policy(session)
    return active.viewer.user_id if active and active.viewer.owns_only_its_records else None


def check_assignable(
    session: AsyncSession, owner_id: int | None, field: Sequence[str], problems: Problems
) -> None:
    """SALES may give records only to itself, a MANAGER only within its team."""
    active = policy(session)
    if active is None or not active.viewer.owns_only_its_records:
        return
    if owner_id is None or owner_id not in active.viewer.team:
        problems.add(
            field, "You can assign records only to yourself or your team.", ErrorCode.FORBIDDEN
        )


async def visible(session: AsyncSession, model: type[M], pk: int) -> M | None:
    """The live record with this key, if the writer may reach it (for references)."""
    stmt = select(model).where(model.__table__.c.id == pk, *_scoped(session, model))
    if issubclass(model, SoftDeletable):
        stmt = stmt.where(model.__table__.c.deleted_at.is_(None))
    return (await session.execute(stmt)).scalar_one_or_none()


async def find_all(
    session: AsyncSession, model: type[M], pks: Sequence[int], field: Sequence[str]
) -> list[M]:
    """Live records for every key, in order (repeats included); NOT_FOUND names the position
    of the first missing key in `pks` as sent."""
    stmt = select(model).where(model.__table__.c.id.in_(set(pks)), *_scoped(session, model))
    if issubclass(model, SoftDeletable):
        stmt = stmt.where(model.__table__.c.deleted_at.is_(None))
    found = {m.id: m for m in (await session.execute(stmt)).scalars()}  # type: ignore[attr-defined]
    for i, pk in enumerate(pks):
        if pk not in found:
            raise not_found((*field, str(i)), model.__name__)
    return [found[pk] for pk in pks]


async def require_all(
    session: AsyncSession,
    model: type[M],
    pks: Sequence[int],
    field: Sequence[str],
    problems: Problems,
) -> list[M]:
    """Like find_all, but missing keys become NOT_FOUND problems (and no records) so that the
    caller can report them with its other problems."""
    try:
        return await find_all(session, model, pks, field)
    except DomainError as exc:
        problems.extend(exc)
        return []


def check_version(instance: Versioned, expected: int | None, field: Sequence[str]) -> None:
    if expected is not None and instance.version != expected:
        raise stale_version(field, type(instance).__name__, instance.version, expected)


async def soft_delete(
    session: AsyncSession, model: type[M], pk: int, expected_version: int | None
) -> M:
    instance = await find(session, model, pk, ("id",))
    assert isinstance(instance, SoftDeletable)
    assert isinstance(instance, Versioned)
    check_version(instance, expected_version, ("expectedVersion",))
    instance.deleted_at = utcnow()
    await session.flush()
    return instance


async def restore(session: AsyncSession, model: type[M], pk: int) -> M:
    instance = await find(session, model, pk, ("id",), deleted=True)
    assert isinstance(instance, SoftDeletable)
    if getattr(instance, "erased_at", None) is not None:
        raise DomainError.single(
            ("id",), f"This {model.__name__} was erased; it cannot be restored."
        )
    instance.deleted_at = None
    await session.flush()
    return instance
