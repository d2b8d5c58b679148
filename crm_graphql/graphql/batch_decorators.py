"""The batch forms of hand-written relation resolvers, as decorators: what pipeline/ used
before the field factories (fields.py). They go once pipeline's types use the factories."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy.orm import InstrumentedAttribute

from crm_graphql.data.loaders import foreign_key_attr, link
from crm_graphql.graphql.context import Context
from crm_graphql.graphql.fields import F, batched
from crm_graphql.graphql.relations import connections_of, lists_of, ones_of
from crm_graphql.graphql.relay import NodeType


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
