"""Resolvers shared by every domain: root lists, nested relations and `node` lookups."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Sequence
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import InstrumentedAttribute

from crm_graphql.core.ids import decode_id
from crm_graphql.data.loaders import foreign_key_attr, link
from crm_graphql.data.pagination import Ordering, PageArgs, make_page, page_args
from crm_graphql.data.projection import WANTED, declare_uses
from crm_graphql.graphql.context import Context
from crm_graphql.graphql.executor.batched import BATCH_ATTRIBUTE, Batch
from crm_graphql.graphql.filters import Sort, compile_filter, ordering, shape_key
from crm_graphql.graphql.relay import (
    NODE_TYPES,
    Connection,
    GraphInfo,
    N,
    NodeType,
    build_connection,
)


def parent_key(parent: NodeType, attr: str) -> Any:
    """The value a relation joins on; `id` means the primary key, not the global ID."""
    return parent.pk if attr == "id" else getattr(parent, attr)


def requested_page(
    info: GraphInfo,
    order: Ordering,
    *,
    first: int | None,
    after: str | None,
    last: int | None,
    before: str | None,
) -> PageArgs:
    """A list field's first/after/last/before, checked against the configured page sizes."""
    settings = info.context.settings
    return page_args(
        order,
        first=first,
        after=after,
        last=last,
        before=before,
        default_size=settings.default_page_size,
        max_size=settings.max_page_size,
    )


async def root_connection(
    info: GraphInfo,
    node_type: type[N],
    *,
    filter: Any,
    order_by: Sequence[Sort[Any]] | None,
    first: int | None,
    after: str | None,
    last: int | None,
    before: str | None,
    include_deleted: bool = False,
    where: Sequence[ColumnElement[bool]] = (),
) -> Connection[N]:
    """A top-level list: filtered, ordered and keyset-paginated in one statement; the total is
    counted by a second statement only when `totalCount` is asked for."""
    ctx = info.context
    model = node_type.__model__
    order = ordering(model, order_by)
    args = requested_page(info, order, first=first, after=after, last=last, before=before)
    conditions = [
        *ctx.scope(model, include_deleted=include_deleted),
        compile_filter(model, filter, ctx.scope),
        *where,
    ]
    stmt = (
        select(model.__table__)
        .where(*conditions, *args.where(order))
        .order_by(*args.read_order(order).clauses())
        .limit(args.limit + 1)
    )
    page = make_page(await ctx.reader.rows(stmt), args)

    async def count() -> int:
        total = await ctx.reader.scalar(
            select(func.count()).select_from(model.__table__).where(*conditions)
        )
        return int(total or 0)

    return build_connection(node_type, page, order, count)


async def connections_of(
    ctx: Context,
    parents: Sequence[NodeType],
    relation: InstrumentedAttribute[Any],
    *,
    filter: Any = None,
    order_by: Sequence[Sort[Any]] | None = None,
    first: int | None = None,
    after: str | None = None,
    last: int | None = None,
    before: str | None = None,
) -> list[Connection[Any]]:
    """A page of a to-many relation for each parent: one statement for all of them (and for
    every sibling parent of the same request asking with the same arguments)."""
    rel = link(relation)
    node_type = NODE_TYPES[rel.target.__name__]
    order = ordering(rel.target, order_by)
    args = page_args(
        order,
        first=first,
        after=after,
        last=last,
        before=before,
        default_size=ctx.settings.default_page_size,
        max_size=ctx.settings.max_page_size,
    )
    where = [compile_filter(rel.target, filter, ctx.scope)]
    shape = shape_key(filter)
    keys = [parent_key(parent, rel.local_attr) for parent in parents]
    pages = await ctx.loaders.page(
        relation, ordering=order, args=args, where=where, shape=shape, columns=WANTED.get()
    ).load_many(keys)
    counter = ctx.loaders.count(relation, where=where, shape=shape)

    def count_of(key: Any) -> Callable[[], Awaitable[int]]:
        async def count() -> int:
            return await counter.load(key)

        return count

    nodes = iter(node_type.from_rows([row for page in pages for row in page.rows]))
    return [
        build_connection(node_type, page, order, count_of(key), [next(nodes) for _ in page.rows])
        for key, page in zip(keys, pages, strict=True)
    ]


async def lists_of(
    ctx: Context, parents: Sequence[NodeType], relation: InstrumentedAttribute[Any]
) -> list[list[Any]]:
    """Every item of a bounded to-many relation (an order's items) for each parent."""
    rel = link(relation)
    node_type = NODE_TYPES[rel.target.__name__]
    keys = [parent_key(parent, rel.local_attr) for parent in parents]
    groups = await ctx.loaders.children(relation, WANTED.get()).load_many(keys)
    nodes = iter(node_type.from_rows([row for rows in groups for row in rows]))
    return [[next(nodes) for _ in rows] for rows in groups]


async def ones_of(
    ctx: Context,
    parents: Sequence[NodeType],
    relation: InstrumentedAttribute[Any],
    *,
    include_deleted: bool = False,
) -> list[Any]:
    """A to-one relation (company of a customer, product of an item) for each parent."""
    target, attr = foreign_key_attr(relation)
    node_type = NODE_TYPES[target.__name__]
    keys = [getattr(parent, attr) for parent in parents]
    wanted = list({key for key in keys if key is not None})
    loader = ctx.loaders.by_id(target, include_deleted=include_deleted, columns=WANTED.get())
    rows = await loader.load_many(wanted)
    present = [(key, row) for key, row in zip(wanted, rows, strict=True) if row is not None]
    nodes = node_type.from_rows([row for _, row in present])
    found = {key: node for (key, _), node in zip(present, nodes, strict=True)}
    return [None if key is None else found.get(key) for key in keys]


async def related_connection(
    info: GraphInfo,
    parent: NodeType,
    relation: InstrumentedAttribute[Any],
    **arguments: Any,
) -> Connection[Any]:
    """A to-many relation of one parent (see connections_of): filter, order_by, first, after,
    last, before."""
    (connection,) = await connections_of(info.context, [parent], relation, **arguments)
    return connection


async def related_list(
    info: GraphInfo, parent: NodeType, relation: InstrumentedAttribute[Any]
) -> list[Any]:
    """Every item of a bounded to-many relation of one parent (see lists_of)."""
    (items,) = await lists_of(info.context, [parent], relation)
    return items


async def related_one(
    info: GraphInfo,
    parent: NodeType,
    relation: InstrumentedAttribute[Any],
    *,
    include_deleted: bool = False,
) -> Any:
    """A to-one relation of one parent (see ones_of). `include_deleted` for references that
    outlive a soft delete (an order item's product)."""
    (one,) = await ones_of(info.context, [parent], relation, include_deleted=include_deleted)
    return one


F = TypeVar("F", bound=Callable[..., Any])


def batched(many: Batch, *, uses: Callable[[], Iterable[str]] | None = None) -> Callable[[F], F]:
    """Gives a resolver its form for many parents at once, which the batched executor
    (batched.py) calls instead of the resolver once per parent. Both must agree. `uses`: the
    parent attributes `many` reads (projection.py); without it, parents are read whole."""

    def decorate(resolver: F) -> F:
        setattr(resolver, BATCH_ATTRIBUTE, many)
        declare_uses(resolver, uses)
        return resolver

    return decorate


def to_one(
    relation: InstrumentedAttribute[Any], *, include_deleted: bool = False
) -> Callable[[F], F]:
    """For a resolver `return await related_one(info, self, relation, ...)`."""

    async def many(ctx: Context, parents: Sequence[NodeType]) -> list[Any]:
        return await ones_of(ctx, parents, relation, include_deleted=include_deleted)

    return batched(many, uses=lambda: (foreign_key_attr(relation)[1],))


def to_many(relation: InstrumentedAttribute[Any]) -> Callable[[F], F]:
    """For a resolver passing its page arguments on to `related_connection`."""

    async def many(ctx: Context, parents: Sequence[NodeType], **arguments: Any) -> list[Any]:
        return await connections_of(ctx, parents, relation, **arguments)

    return batched(many, uses=lambda: (link(relation).local_attr,))


def to_list(relation: InstrumentedAttribute[Any]) -> Callable[[F], F]:
    """For a resolver `return await related_list(info, self, relation)`."""

    async def many(ctx: Context, parents: Sequence[NodeType]) -> list[Any]:
        return await lists_of(ctx, parents, relation)

    return batched(many, uses=lambda: (link(relation).local_attr,))


async def resolve_node(info: GraphInfo, global_id: str) -> NodeType | None:
    """The object a global ID names, or None when it does not exist or is hidden."""
    decoded = decode_id(global_id)
    node_type = NODE_TYPES.get(decoded.type_name) if decoded else None
    if decoded is None or node_type is None:
        return None
    row = await info.context.loaders.by_id(node_type.__model__).load(decoded.pk)
    return None if row is None else node_type.from_row(row)


async def resolve_by_id(info: GraphInfo, node_type: type[N], global_id: str) -> N | None:
    """A typed root lookup such as `customer(id:)`: None for IDs of other types."""
    node = await resolve_node(info, global_id)
    return node if isinstance(node, node_type) else None
