"""Reading relations for many parents at once: one batched statement per relation and shape.

These are the batch forms behind every relation field (fields.py builds the fields from them):
the batched executor calls them with all the parents of a level, graphql-core's path with one
parent, and the request's loaders merge siblings of one shape into one statement either way.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from operator import attrgetter
from typing import Any

from sqlalchemy.orm import InstrumentedAttribute

from crm_graphql.core.db import Base
from crm_graphql.core.ids import decode_id
from crm_graphql.data.loaders import foreign_key_attr, link
from crm_graphql.data.pagination import Ordering, PageArgs, page_args
from crm_graphql.data.projection import WANTED
from crm_graphql.graphql.context import Context
from crm_graphql.graphql.filters import Sort, compile_filter, ordering, shape_key
from crm_graphql.graphql.relay import NODE_TYPES, Connection, NodeType, build_connection


def page_request(
    ctx: Context,
    order: Ordering,
    *,
    first: int | None,
    after: str | None,
    last: int | None,
    before: str | None,
) -> PageArgs:
    """A list field's first/after/last/before, checked against the configured page sizes."""
    settings = ctx.settings
    return page_args(
        order,
        first=first,
        after=after,
        last=last,
        before=before,
        default_size=settings.default_page_size,
        max_size=settings.max_page_size,
    )


def parent_key(parent: NodeType, attr: str) -> Any:
    """The value a relation joins on; `id` means the primary key, not the global ID."""
    return parent.pk if attr == "id" else getattr(parent, attr)


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
    args = page_request(ctx, order, first=first, after=after, last=last, before=before)
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
    ctx: Context,
    parents: Sequence[NodeType],
    relation: InstrumentedAttribute[Any],
    *,
    order_by: InstrumentedAttribute[Any] | None = None,
) -> list[list[Any]]:
    """Every item of a bounded to-many relation (an order's items) for each parent, by ID or
    by the column `order_by` (then by ID)."""
    rel = link(relation)
    node_type = NODE_TYPES[rel.target.__name__]
    keys = [parent_key(parent, rel.local_attr) for parent in parents]
    columns = WANTED.get()
    if order_by is not None and columns is not None:
        columns = columns | {order_by.key}
    groups = await ctx.loaders.children(relation, columns).load_many(keys)
    if order_by is not None:  # the rows come by ID, and sorting keeps that order for ties
        groups = [sorted(rows, key=attrgetter(order_by.key)) for rows in groups]
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
    return await referenced(ctx, parents, target, attr, include_deleted=include_deleted)


async def referenced(
    ctx: Context,
    parents: Sequence[NodeType],
    target: type[Base],
    key: str,
    *,
    include_deleted: bool = False,
) -> list[Any]:
    """The `target` each parent's attribute `key` holds the primary key of (None where it is
    None, missing or hidden): a to-one relation, also one without a foreign key."""
    node_type = NODE_TYPES[target.__name__]
    keys = [getattr(parent, key) for parent in parents]
    wanted = list({key for key in keys if key is not None})
    loader = ctx.loaders.by_id(target, include_deleted=include_deleted, columns=WANTED.get())
    rows = await loader.load_many(wanted)
    present = [(key, row) for key, row in zip(wanted, rows, strict=True) if row is not None]
    nodes = node_type.from_rows([row for _, row in present])
    found = {key: node for (key, _), node in zip(present, nodes, strict=True)}
    return [None if key is None else found.get(key) for key in keys]


async def nodes_of(ctx: Context, global_ids: Sequence[str | None]) -> list[NodeType | None]:
    """The objects global IDs name (None where an ID is None, invalid, missing or hidden): one
    batched lookup per type."""
    found: list[NodeType | None] = [None] * len(global_ids)
    wanted: dict[type[NodeType], list[tuple[int, int]]] = {}  # type -> (index, primary key)
    for index, global_id in enumerate(global_ids):
        decoded = decode_id(global_id) if global_id is not None else None
        node_type = NODE_TYPES.get(decoded.type_name) if decoded else None
        if decoded is not None and node_type is not None:
            wanted.setdefault(node_type, []).append((index, decoded.pk))

    async def load(node_type: type[NodeType], keys: list[tuple[int, int]]) -> None:
        rows = await ctx.loaders.by_id(node_type.__model__).load_many([pk for _, pk in keys])
        for (index, _), row in zip(keys, rows, strict=True):
            found[index] = None if row is None else node_type.from_row(row)

    await asyncio.gather(*(load(node_type, keys) for node_type, keys in wanted.items()))
    return found
