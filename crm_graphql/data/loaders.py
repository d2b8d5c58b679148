"""One generic loader for every relation, built per request.

Relations are declared once, as SQLAlchemy relationships; these loaders read a relationship's
join columns and batch every parent's request of one shape into one statement. Per-parent
pages use row_number() over a partition by the parent key, so `customers(first: 100) {
orders(first: 5) }` costs the same two statements as `customers(first: 10) { ... }`.
"""

from __future__ import annotations

from collections import OrderedDict, defaultdict
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy import ColumnElement, FromClause, Select, any_, bindparam, func, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import InstrumentedAttribute, RelationshipDirection, RelationshipProperty
from sqlalchemy.sql.elements import True_
from strawberry.dataloader import DataLoader

from crm_graphql.core.db import Base
from crm_graphql.data.pagination import Ordering, Page, PageArgs, make_page
from crm_graphql.data.projection import selected
from crm_graphql.data.reader import AnyRow, Reader


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


KEYS = "crm_keys"  # the bound parameter of a reusable statement's parent or primary keys
KEY = "crm_key"  # ... of its one parent key


def _is_true(clause: ColumnElement[bool]) -> bool:
    return isinstance(clause, True_)


def keys_parameter(column: ColumnElement[Any], dialect: str) -> ColumnElement[bool]:
    """`column IN (:crm_keys)`, the keys bound at execution (`{KEYS: [...]}`); on PostgreSQL
    as `= ANY(:crm_keys)`: one array parameter instead of one per key, so one prepared
    statement serves any number of keys."""
    if dialect == "postgresql":
        return column == any_(bindparam(KEYS, type_=ARRAY(column.type)))
    return column.in_(bindparam(KEYS, expanding=True))


class Statements:
    """Statements built once and run again with other keys, by what makes them differ: the
    relation or model, the columns, the dialect and the viewer's scope key (viewers with equal
    keys are under the same row rules, see access.scope_key). Building a statement and its
    cache key costs SQLAlchemy more than running it through asyncpg; a lookup repeats the
    same few shapes. At most SIZE, the least recently used going first."""

    SIZE = 2000

    def __init__(self) -> None:
        self._statements: OrderedDict[Hashable, Select[Any]] = OrderedDict()

    def get(self, key: Hashable, build: Callable[[], Select[Any]]) -> Select[Any]:
        found = self._statements.get(key)
        if found is None:
            found = self._statements[key] = build()
            if len(self._statements) > self.SIZE:
                self._statements.popitem(last=False)
        else:
            self._statements.move_to_end(key)
        return found


STATEMENTS = Statements()


class Loaders:
    """The request's loaders, created on first use and keyed by what they load."""

    def __init__(self, reader: Reader, scope: Scope, scope_key: Callable[[], Hashable]) -> None:
        self.reader = reader
        self.scope = scope
        self.scope_key = scope_key  # the viewer's, when the loaders run (see Statements)
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

        table = model.__table__

        def build() -> Select[Any]:
            return select(*selected(table, columns)).where(
                keys_parameter(table.c.id, self.dialect), *self.scope(model, include_deleted)
            )

        async def load(ids: list[int]) -> list[AnyRow | None]:
            key = ("by_id", model, include_deleted, columns, self.dialect, self.scope_key())
            rows = await self.reader.rows(STATEMENTS.get(key, build), {KEYS: list(ids)})
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

        def build(single: bool) -> Select[Any]:
            read = args.read_order(ordering)
            conditions = [
                *rel.through,
                *self.scope(rel.target, via=rel.via),
                *where,
                *args.where(ordering),
            ]
            if single:  # one parent (a lookup's relation): a plain ordered LIMIT
                return (
                    select(*selected(table, columns), rel.parent_key.label(PARENT))
                    .select_from(rel.source)
                    .where(rel.parent_key == bindparam(KEY), *conditions)
                    .order_by(*read.clauses())
                    .limit(args.limit + 1)
                )
            position = func.row_number().over(partition_by=rel.parent_key, order_by=read.clauses())
            inner = (
                select(
                    *selected(table, columns),
                    rel.parent_key.label(PARENT),
                    position.label(POSITION),
                )
                .select_from(rel.source)
                .where(keys_parameter(rel.parent_key, self.dialect), *conditions)
                .subquery()
            )
            # the same columns as the one-parent statement: rows of both kinds can meet in
            # one from_rows call (pages of one loader from different batches)
            return (
                select(*(inner.c[c.key] for c in selected(table, columns)), inner.c[PARENT])
                .where(inner.c[POSITION] <= args.limit + 1)
                .order_by(inner.c[PARENT], inner.c[POSITION])
            )

        # without a filter or a cursor, only the parent keys change between requests
        reusable = args.after is None and args.before is None and all(map(_is_true, where))

        async def load(keys: list[Any]) -> list[Page]:
            single = len(keys) == 1
            if reusable:
                form = (ordering.fingerprint, args.limit, args.backward, single, columns)
                key = ("page", relation, form, self.dialect, self.scope_key())
                stmt = STATEMENTS.get(key, lambda: build(single))
            else:
                stmt = build(single)
            parameters = {KEY: keys[0]} if single else {KEYS: list(keys)}
            grouped: dict[Any, list[AnyRow]] = defaultdict(list)
            for row in await self.reader.rows(stmt, parameters):
                grouped[getattr(row, PARENT)].append(row)
            return [make_page(grouped.get(key, []), args) for key in keys]

        return self._get(("page", relation, ordering.fingerprint, args, shape, columns), load)

    def children(
        self, relation: InstrumentedAttribute[Any], columns: frozenset[str] | None = None
    ) -> DataLoader[Any, list[AnyRow]]:
        """Every visible related row per parent key, in primary key order: for bounded parts of
        an aggregate, such as an order's items (with `columns`: only those and the key)."""
        rel = link(relation)

        def build() -> Select[Any]:
            return (
                select(*selected(rel.target.__table__, columns), rel.parent_key.label(PARENT))
                .select_from(rel.source)
                .where(
                    keys_parameter(rel.parent_key, self.dialect),
                    *rel.through,
                    *self.scope(rel.target, via=rel.via),
                )
                .order_by(rel.target.__table__.c.id)
            )

        async def load(keys: list[Any]) -> list[list[AnyRow]]:
            key = ("children", relation, columns, self.dialect, self.scope_key())
            grouped: dict[Any, list[AnyRow]] = defaultdict(list)
            for row in await self.reader.rows(STATEMENTS.get(key, build), {KEYS: list(keys)}):
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

        def build() -> Select[Any]:
            return (
                select(rel.parent_key, func.count())
                .select_from(rel.source)
                .where(
                    keys_parameter(rel.parent_key, self.dialect),
                    *rel.through,
                    *self.scope(rel.target, via=rel.via),
                    *where,
                )
                .group_by(rel.parent_key)
            )

        reusable = all(map(_is_true, where))  # without a filter only the keys change

        async def load(keys: list[Any]) -> list[int]:
            key = ("count", relation, self.dialect, self.scope_key())
            stmt = STATEMENTS.get(key, build) if reusable else build()
            rows = await self.reader.rows(stmt, {KEYS: list(keys)})
            counts = {row[0]: row[1] for row in rows}
            return [counts.get(key, 0) for key in keys]

        return self._get(("count", relation, shape), load)
