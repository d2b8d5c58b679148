"""One generic loader for every relation, built per request.

Relations are declared once, as SQLAlchemy relationships; these loaders read a relationship's
join columns and batch every parent's request of one shape into one statement. Per-parent
pages use row_number() over a partition by the parent key, so `customers(first: 100) {
orders(first: 5) }` costs the same two statements as `customers(first: 10) { ... }`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy import ColumnElement, FromClause, Select, any_, bindparam, func, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import InstrumentedAttribute, RelationshipDirection, RelationshipProperty
from strawberry.dataloader import DataLoader

from crm_graphql.db import Base
from crm_graphql.pagination import Ordering, Page, PageArgs, make_page
from crm_graphql.projection import selected
from crm_graphql.reader import AnyRow, Reader


class Scope(Protocol):
    def __call__(
        self, model: type[Base], include_deleted: bool = False, via: str | None = None
    ) -> list[ColumnElement[bool]]: ...


PARENT = "crm_parent"
POSITION = "crm_position"


@dataclass(frozen=True, slots=True)
class Link:
    """How the rows of a to-many relationship join back to their parent's key."""

    target: type[Base]
    source: FromClause
    parent_key: ColumnElement[Any]
    local_attr: str
    through: tuple[ColumnElement[bool], ...] = ()
    via: str | None = None  # the target's foreign key to the parent, for a direct relation


def link(relation: InstrumentedAttribute[Any]) -> Link:
    prop = relation.property
    assert isinstance(prop, RelationshipProperty)
    target = prop.mapper.class_
    parent_table = prop.parent.local_table
    local, remote = next((lc, rc) for lc, rc in prop.local_remote_pairs if lc.table is parent_table)
    through: tuple[ColumnElement[bool], ...] = ()
    if prop.direction is RelationshipDirection.MANYTOMANY:
        assert prop.secondary is not None
        assert prop.secondaryjoin is not None
        source = target.__table__.join(prop.secondary, prop.secondaryjoin)
        # a link through soft-deletable rows (a company's orders through its people) skips
        # the deleted ones
        if "deleted_at" in prop.secondary.c:
            through = (prop.secondary.c.deleted_at.is_(None),)
    elif prop.direction is RelationshipDirection.ONETOMANY:
        source = target.__table__
    else:
        raise TypeError(f"{relation} is not a to-many relationship")
    via = remote.name if source is target.__table__ else None
    return Link(target, source, remote, prop.parent.get_property_by_column(local).key, through, via)


def foreign_key_attr(relation: InstrumentedAttribute[Any]) -> tuple[type[Base], str]:
    """For a many-to-one relationship: the target model and the parent attribute holding its key."""
    prop = relation.property
    assert isinstance(prop, RelationshipProperty)
    assert prop.direction is RelationshipDirection.MANYTOONE
    local, _ = prop.local_remote_pairs[0]
    return prop.mapper.class_, prop.parent.get_property_by_column(local).key


def one_of(column: ColumnElement[Any], keys: Sequence[Any], dialect: str) -> ColumnElement[bool]:
    """`column IN keys`; on PostgreSQL as `= ANY(array)`: one parameter instead of one per key
    (nothing to render per key, one prepared statement for any number of keys)."""
    if dialect == "postgresql":
        return column == any_(bindparam(None, list(keys), type_=ARRAY(column.type)))
    return column.in_(keys)


class BatchLoader(DataLoader[Any, Any]):
    """A DataLoader whose `load_many` of several keys sends those it lacks as one batch at
    once, without a future and a task per key: the batched executor loads thousands of keys
    in one call. Single keys still wait for the tick's batch, shared with their siblings."""

    async def load_many(self, keys: Iterable[Any]) -> list[Any]:  # type: ignore[override]
        keys = list(keys)
        if len(keys) <= 1:
            return await super().load_many(keys)
        cache = self.cache_map
        missing = [key for key in dict.fromkeys(keys) if cache.get(key) is None]
        if missing:
            values = await self.load_fn(missing)
            loop = self.loop
            for key, value in zip(missing, values, strict=True):
                if isinstance(value, BaseException):
                    raise value
                loaded = loop.create_future()
                loaded.set_result(value)
                cache.set(key, loaded)
        results = []
        for key in keys:
            cached = cache.get(key)
            assert cached is not None
            results.append(cached.result() if cached.done() else await cached)
        return results


class Loaders:
    """The request's loaders, created on first use and keyed by what they load."""

    def __init__(self, reader: Reader, scope: Scope) -> None:
        self.reader = reader
        self.scope = scope
        self.dialect = reader.dialect
        self._loaders: dict[Hashable, DataLoader[Any, Any]] = {}

    def custom(self, key: Hashable, load: Callable[[list[Any]], Any]) -> DataLoader[Any, Any]:
        """A domain's own batch function, created once per request under `key`."""
        return self._get(key, load)

    def _get(self, key: Hashable, load: Callable[[list[Any]], Any]) -> DataLoader[Any, Any]:
        loader = self._loaders.get(key)
        if loader is None:
            loader = self._loaders[key] = BatchLoader(load_fn=load)
        return loader

    def by_id(
        self,
        model: type[Base],
        *,
        include_deleted: bool = False,
        columns: frozenset[str] | None = None,
    ) -> DataLoader[int, AnyRow | None]:
        """Visible rows of `model` by primary key (None for missing or hidden ones); with
        `columns`, only those and the key (projection.py)."""

        async def load(ids: list[int]) -> list[AnyRow | None]:
            table = model.__table__
            rows = await self.reader.rows(
                select(*selected(table, columns)).where(
                    one_of(table.c.id, ids, self.dialect), *self.scope(model, include_deleted)
                )
            )
            found = {row.id: row for row in rows}
            return [found.get(i) for i in ids]

        return self._get(("by_id", model, include_deleted, columns), load)

    def page(
        self,
        relation: InstrumentedAttribute[Any],
        *,
        ordering: Ordering,
        args: PageArgs,
        where: Sequence[ColumnElement[bool]],
        shape: Hashable,
        columns: frozenset[str] | None = None,
    ) -> DataLoader[Any, Page]:
        """One page of a to-many relation per parent key, for all parents in one statement
        (with `columns`: only those, the key and the sort columns)."""
        rel = link(relation)
        table = rel.target.__table__
        if columns is not None:
            columns = columns | {t.key for t in ordering.terms}

        async def load(keys: list[Any]) -> list[Page]:
            read = args.read_order(ordering)
            conditions = [
                *rel.through,
                *self.scope(rel.target, via=rel.via),
                *where,
                *args.where(ordering),
            ]
            stmt: Select[Any]
            if len(keys) == 1:  # one parent (a lookup's relation): a plain ordered LIMIT
                stmt = (
                    select(*selected(table, columns), rel.parent_key.label(PARENT))
                    .select_from(rel.source)
                    .where(rel.parent_key == keys[0], *conditions)
                    .order_by(*read.clauses())
                    .limit(args.limit + 1)
                )
            else:
                position = func.row_number().over(
                    partition_by=rel.parent_key, order_by=read.clauses()
                )
                inner = (
                    select(
                        *selected(table, columns),
                        rel.parent_key.label(PARENT),
                        position.label(POSITION),
                    )
                    .select_from(rel.source)
                    .where(one_of(rel.parent_key, keys, self.dialect), *conditions)
                    .subquery()
                )
                # the same columns as the one-parent statement: rows of both kinds can
                # meet in one from_rows call (pages of one loader from different batches)
                stmt = (
                    select(*(inner.c[c.key] for c in selected(table, columns)), inner.c[PARENT])
                    .where(inner.c[POSITION] <= args.limit + 1)
                    .order_by(inner.c[PARENT], inner.c[POSITION])
                )
            grouped: dict[Any, list[AnyRow]] = defaultdict(list)
            for row in await self.reader.rows(stmt):
                grouped[getattr(row, PARENT)].append(row)
            return [make_page(grouped.get(key, []), args) for key in keys]

        return self._get(("page", relation, ordering.fingerprint, args, shape, columns), load)

    def children(
        self, relation: InstrumentedAttribute[Any], columns: frozenset[str] | None = None
    ) -> DataLoader[Any, list[AnyRow]]:
        """Every visible related row per parent key, in primary key order: for bounded parts of
        an aggregate, such as an order's items (with `columns`: only those and the key)."""
        rel = link(relation)

        async def load(keys: list[Any]) -> list[list[AnyRow]]:
            stmt = (
                select(*selected(rel.target.__table__, columns), rel.parent_key.label(PARENT))
                .select_from(rel.source)
                .where(
                    one_of(rel.parent_key, keys, self.dialect),
                    *rel.through,
                    *self.scope(rel.target, via=rel.via),
                )
                .order_by(rel.target.__table__.c.id)
            )
            grouped: dict[Any, list[AnyRow]] = defaultdict(list)
            for row in await self.reader.rows(stmt):
                grouped[getattr(row, PARENT)].append(row)
            return [grouped.get(key, []) for key in keys]

        return self._get(("children", relation, columns), load)

    def count(
        self,
        relation: InstrumentedAttribute[Any],
        *,
        where: Sequence[ColumnElement[bool]],
        shape: Hashable,
    ) -> DataLoader[Any, int]:
        """How many visible related rows match, per parent key."""
        rel = link(relation)

        async def load(keys: list[Any]) -> list[int]:
            stmt = (
                select(rel.parent_key, func.count())
                .select_from(rel.source)
                .where(
                    one_of(rel.parent_key, keys, self.dialect),
                    *rel.through,
                    *self.scope(rel.target, via=rel.via),
                    *where,
                )
                .group_by(rel.parent_key)
            )
            counts = {row[0]: row[1] for row in await self.reader.rows(stmt)}
            return [counts.get(key, 0) for key in keys]

        return self._get(("count", relation, shape), load)
