"""Who is asking, and which rows they may reach: SQL predicates applied inside every statement
(lists, nested fields, node lookups, counts, filters and writes), never Python post-filters.

The rules are the domains': each domain's models module says which of its models have owners
(`owned_rows`, `also_visible`) and what belongs to what (ownership.part_of); a part is visible
exactly when its whole is. The platform builds viewers from its permission matrix."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass

from sqlalchemy import ColumnElement, exists, false, or_, select, true
from sqlalchemy.orm import InstrumentedAttribute

from crm_graphql.core.db import Base
from crm_graphql.data.ownership import PartOf, links_of, model_of, wholes_of


@dataclass(frozen=True, slots=True)
class Viewer:
    """The signed-in user of a request, through one token."""

    user_id: int
    role: str
    token_id: int
    permissions: frozenset[str]  # what its role and token allow (see platform/auth/permissions)
    team: frozenset[int]  # owners whose records are this viewer's: itself and its reports
    owns_only_its_records: bool  # reads and writes owned records of its team only
    unreadable: frozenset[str] = frozenset()  # models whose area it may not read, by name

    def can(self, need: str) -> bool:
        return need in self.permissions


def scope_key(viewer: Viewer | None) -> Hashable:
    """Viewers with equal keys see the same rows: row rules depend on nothing else."""
    if viewer is None:
        return None
    return (viewer.role, viewer.team if viewer.owns_only_its_records else None, viewer.permissions)


Alternative = Callable[[Viewer], ColumnElement[bool]]


@dataclass(frozen=True, slots=True)
class _Owned:
    owner: str
    alternatives: list[Alternative]


_OWNED: dict[type[Base], _Owned] = {}
_CUSTOM: dict[type[Base], Alternative] = {}


def owned_rows(
    model: type[Base], owner: InstrumentedAttribute[int | None], *also: Alternative
) -> None:
    """Viewers limited to their own records reach rows of `model` their team owns through
    `owner`, and those any of `also` lets in."""
    _OWNED[model] = _Owned(owner.key, list(also))


def also_visible(whole: type[Base], *, through: InstrumentedAttribute[int | None]) -> None:
    """Rows of the owned model `whole` are also visible where a live row the viewer reaches
    links to them through `through` (a company through its people)."""
    member = model_of(through)
    table = member.__table__
    column = table.c[through.key]

    def linked(viewer: Viewer) -> ColumnElement[bool]:
        # correlate_except: the subquery reads its own rows even when the outer statement
        # joins the members' table too
        return exists(
            select(table.c.id)
            .where(column == whole.__table__.c.id, _live(member), _own_rule(viewer, member))
            .correlate_except(table)
        )

    _OWNED[whole].alternatives.append(linked)


def custom_rule(model: type[Base], rule: Alternative) -> None:
    """A rule of its own for `model` (the audit log's), applied after the read right."""
    _CUSTOM[model] = rule


def unowned(owner: InstrumentedAttribute[int | None]) -> Alternative:
    """Rows nobody owns."""
    column = model_of(owner).__table__.c[owner.key]
    return lambda viewer: column.is_(None)


def _live(model: type[Base]) -> ColumnElement[bool]:
    return model.__table__.c.deleted_at.is_(None)


def _reachable(viewer: Viewer, part: PartOf) -> ColumnElement[bool]:
    """A live whole this viewer may see: what makes the part (contacts, orders...) visible."""
    whole = part.whole.__table__
    # correlate_except: the subquery reads its own wholes even when the outer statement
    # joins their table too (a company's orders go through its people)
    return exists(
        select(whole.c.id)
        .where(
            whole.c.id == part.part.__table__.c[part.link],
            _live(part.whole),
            _own_rule(viewer, part.whole),
        )
        .correlate_except(whole)
    )


def _own_rule(viewer: Viewer, model: type[Base]) -> ColumnElement[bool]:
    """The rows of `model` this viewer reaches, its read right aside."""
    owned = _OWNED.get(model)
    if owned is not None:
        if not viewer.owns_only_its_records:
            return true()
        owner = model.__table__.c[owned.owner]
        return or_(owner.in_(viewer.team), *(rule(viewer) for rule in owned.alternatives))
    wholes = wholes_of(model)
    if wholes:
        reachable = [_reachable(viewer, part) for part in wholes]
        return reachable[0] if len(reachable) == 1 else or_(*reachable)
    custom = _CUSTOM.get(model)
    if custom is not None:
        return custom(viewer)
    return true()


def row_rule(
    viewer: Viewer | None, model: type[Base], via: str | None = None
) -> ColumnElement[bool]:
    """The rows of `model` this viewer may reach; none at all without the area's read right.
    `via`: the foreign key the rows are read through, from parent rows the viewer reached (a
    relation's loader); for parts of those parents nothing more needs checking, and leaving
    the check out spares PostgreSQL a join over every parent row."""
    if viewer is None:
        return false()
    if model.__name__ in viewer.unreadable:
        return false()
    if via is not None and via in links_of(model):
        return true()
    return _own_rule(viewer, model)
