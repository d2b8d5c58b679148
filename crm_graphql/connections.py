"""Resolvers shared by every domain: root lists, nested relations and `node` lookups."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import InstrumentedAttribute

from crm_graphql.filters import Sort, compile_filter, ordering, shape_key
from crm_graphql.ids import decode_id
from crm_graphql.loaders import foreign_key_attr, link
from crm_graphql.pagination import Ordering, PageArgs, make_page, page_args
from crm_graphql.relay import NODE_TYPES, Connection, GraphInfo, N, NodeType, build_connection


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


async def related_connection(
    info: GraphInfo,
    parent: NodeType,
    relation: InstrumentedAttribute[Any],
    *,
    filter: Any = None,
    order_by: Sequence[Sort[Any]] | None = None,
    first: int | None = None,
    after: str | None = None,
    last: int | None = None,
    before: str | None = None,
) -> Connection[Any]:
    """A to-many relation of one parent, batched with every sibling parent's of the same shape."""
    ctx = info.context
    rel = link(relation)
    node_type = NODE_TYPES[rel.target.__name__]
    order = ordering(rel.target, order_by)
    args = requested_page(info, order, first=first, after=after, last=last, before=before)
    where = [compile_filter(rel.target, filter, ctx.scope)]
    shape = shape_key(filter)
    key = parent_key(parent, rel.local_attr)
    page = await ctx.loaders.page(
        relation, ordering=order, args=args, where=where, shape=shape
    ).load(key)

    async def count() -> int:
        return await ctx.loaders.count(relation, where=where, shape=shape).load(key)

    return build_connection(node_type, page, order, count)


async def related_list(
    info: GraphInfo, parent: NodeType, relation: InstrumentedAttribute[Any]
) -> list[Any]:
    """Every item of a bounded to-many relation (an order's items), batched by parent."""
    rel = link(relation)
    node_type = NODE_TYPES[rel.target.__name__]
    rows = await info.context.loaders.children(relation).load(parent_key(parent, rel.local_attr))
    return [node_type.from_row(row) for row in rows]


async def related_one(
    info: GraphInfo,
    parent: NodeType,
    relation: InstrumentedAttribute[Any],
    *,
    include_deleted: bool = False,
) -> Any:
    """A to-one relation (company of a customer, product of an item), batched by key.
    `include_deleted` for references that outlive a soft delete (an order item's product)."""
    target, attr = foreign_key_attr(relation)
    node_type = NODE_TYPES[target.__name__]
    key = getattr(parent, attr)
    if key is None:
        return None
    row = await info.context.loaders.by_id(target, include_deleted=include_deleted).load(key)
    return None if row is None else node_type.from_row(row)


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
