"""Field factories: every relation and root field declared once.

`company: CompanyRef | None = to_one(Customer.company, description=...)` makes the whole field,
as Strawberry's relay `connection()` does: a resolver with the field's arguments (the page
arguments, `filter`, `orderBy`) for graphql-core, and the form for many parents at once that the
batched executor calls instead (executor/batched.py), with the parent attributes it reads for
projection.py. Both come from one batch function, so they cannot disagree. The field's type is
the class annotation, or the factory's own for root fields.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Annotated, Any, TypeVar

import strawberry
from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import InstrumentedAttribute

from crm_graphql.core.db import Base
from crm_graphql.data.loaders import foreign_key_attr, link
from crm_graphql.data.pagination import Ordering, PageArgs, make_page
from crm_graphql.data.projection import declare_uses
from crm_graphql.graphql.arguments import (
    FILTER,
    ORDER_BY,
    PAGE_ARGS_DOC,
    After,
    Before,
    First,
    Last,
    ObjectId,
)
from crm_graphql.graphql.context import Context
from crm_graphql.graphql.executor.batched import BATCH_ATTRIBUTE, Batch
from crm_graphql.graphql.filter_limits import MAX_FILTER_TEXT, check_search_text
from crm_graphql.graphql.filters import Sort, compile_filter, ordering
from crm_graphql.graphql.relations import (
    connections_of,
    lists_of,
    nodes_of,
    ones_of,
    page_request,
    referenced,
)
from crm_graphql.graphql.relay import Connection, GraphInfo, N, NodeType, build_connection


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
    return page_request(info.context, order, first=first, after=after, last=last, before=before)


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


async def resolve_node(info: GraphInfo, global_id: str) -> NodeType | None:
    """The object a global ID names, or None when it does not exist or is hidden."""
    (node,) = await nodes_of(info.context, [global_id])
    return node


async def resolve_by_id(info: GraphInfo, node_type: type[N], global_id: str) -> N | None:
    """A typed root lookup such as `customer(id:)`: None for IDs of other types."""
    node = await resolve_node(info, global_id)
    return node if isinstance(node, node_type) else None


# --- generated resolvers -----------------------------------------------------------------

F = TypeVar("F", bound=Callable[..., Any])
Uses = Callable[[], Iterable[str]]


_KEYWORD = inspect.Parameter.KEYWORD_ONLY
_SELF = inspect.Parameter("self", inspect.Parameter.POSITIONAL_OR_KEYWORD)
INFO = inspect.Parameter("info", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=GraphInfo)


def argument(name: str, annotation: object, default: object = None) -> inspect.Parameter:
    """A GraphQL argument of a generated resolver: its Python name, its type (with its
    description, as `Annotated[..., strawberry.argument(...)]`) and its default."""
    return inspect.Parameter(name, _KEYWORD, annotation=annotation, default=default)


PAGE_ARGUMENTS = (
    argument("first", First),
    argument("after", After),
    argument("last", Last),
    argument("before", Before),
)


def list_arguments(filter: Any, sort: Any) -> list[inspect.Parameter]:
    """`filter` and `orderBy` of a list whose filter and sort inputs these are (None: none)."""
    arguments = []
    if filter is not None:
        arguments.append(argument("filter", Annotated[filter | None, FILTER]))
    if sort is not None:
        arguments.append(argument("order_by", Annotated[list[sort] | None, ORDER_BY]))
    return arguments


def with_signature(function: F, *parameters: inspect.Parameter) -> F:
    """Strawberry reads a resolver's GraphQL arguments from its signature (resolver.py): a
    generated resolver shows the arguments its factory chose."""
    setattr(function, "__signature__", inspect.Signature(list(parameters)))  # noqa: B010
    return function


def paged(description: str) -> str:
    return f"{description} {PAGE_ARGS_DOC}"


def batch_field(
    many: Batch,
    *,
    uses: Uses | None,
    description: str,
    arguments: Sequence[inspect.Parameter] = (),
) -> Any:
    """A field resolved by `many(context, parents, **arguments)`, one value per parent: for one
    parent by graphql-core, for all of a level's parents by the batched executor. `uses`: the
    parent attributes `many` reads (None: whole parents); `arguments`: see `argument`."""

    async def resolve(self: NodeType, info: GraphInfo, **kwargs: Any) -> Any:
        (value,) = await many(info.context, [self], **kwargs)
        return value

    # the batched executor calls `many` instead of `resolve` once per parent (executor/batched.py)
    setattr(with_signature(resolve, _SELF, INFO, *arguments), BATCH_ATTRIBUTE, many)
    declare_uses(resolve, uses)
    return strawberry.field(resolver=resolve, description=description)


def to_one(
    relation: InstrumentedAttribute[Any], *, description: str, include_deleted: bool = False
) -> Any:
    """A many-to-one relationship (a customer's company). `include_deleted` for references
    that outlive a soft delete (an order item's product)."""

    async def many(ctx: Context, parents: Sequence[NodeType]) -> list[Any]:
        return await ones_of(ctx, parents, relation, include_deleted=include_deleted)

    return batch_field(many, uses=lambda: (foreign_key_attr(relation)[1],), description=description)


def to_one_by_key(
    target: type[Base], *, key: str, description: str, include_deleted: bool = False
) -> Any:
    """A reference held without a foreign key (an audit record's actor): `key` is the parent
    attribute holding the primary key of a `target`."""

    async def many(ctx: Context, parents: Sequence[NodeType]) -> list[Any]:
        return await referenced(ctx, parents, target, key, include_deleted=include_deleted)

    return batch_field(many, uses=lambda: (key,), description=description)


def to_many(
    relation: InstrumentedAttribute[Any],
    *,
    description: str,
    filter: object | None = None,
    sort: object | None = None,
    default_order: Sequence[Sort[Any]] | None = None,
) -> Any:
    """A to-many relationship as a connection, with `filter`/`orderBy` of the given input types
    (None: no such argument) and the page arguments. `default_order`: the order without
    `orderBy` (else by ID)."""

    async def many(
        ctx: Context,
        parents: Sequence[NodeType],
        order_by: Sequence[Sort[Any]] | None = None,
        **arguments: Any,
    ) -> list[Any]:
        return await connections_of(
            ctx, parents, relation, order_by=order_by or default_order, **arguments
        )

    return batch_field(
        many,
        uses=lambda: (link(relation).local_attr,),
        description=paged(description),
        arguments=[*list_arguments(filter, sort), *PAGE_ARGUMENTS],
    )


def to_list(
    relation: InstrumentedAttribute[Any],
    *,
    description: str,
    order_by: InstrumentedAttribute[Any] | None = None,
) -> Any:
    """Every item of a bounded to-many relationship (an order's items), as a list: by ID, or
    by the column `order_by` of the items (a pipeline's stages by position), then by ID."""

    async def many(ctx: Context, parents: Sequence[NodeType]) -> list[Any]:
        return await lists_of(ctx, parents, relation, order_by=order_by)

    return batch_field(many, uses=lambda: (link(relation).local_attr,), description=description)


# --- root fields -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Narrowing:
    """An argument of a root list that narrows it beyond `filter`: `where` turns its value
    into a condition (None: none)."""

    name: str
    description: str
    where: Callable[[GraphInfo, Any], ColumnElement[bool] | None]
    annotation: object = str | None

    def parameter(self) -> inspect.Parameter:
        annotation: Any = self.annotation
        described = Annotated[annotation, strawberry.argument(description=self.description)]
        return argument(self.name, described)


def text_search(where: Callable[[str], ColumnElement[bool]], *, description: str) -> Narrowing:
    """A `search` argument: `where(text)` for text that is not blank, within the limits of
    filter_limits.py (a 10 MB search once took PostgreSQL 111 s)."""

    def condition(_info: GraphInfo, text: str | None) -> ColumnElement[bool] | None:
        if text is None:
            return None
        check_search_text(text)
        return where(text) if text.strip() else None

    return Narrowing(
        "search",
        f"{description} At most {MAX_FILTER_TEXT} characters.",
        condition,
    )


def root_list(
    node_type: type[NodeType],
    *,
    description: str,
    filter: object | None = None,
    sort: object | None = None,
    narrowing: Sequence[Narrowing] = (),
    include_deleted: str | None = None,
    default_order: Sequence[Sort[Any]] | None = None,
    page_note: bool = True,
) -> Any:
    """A top-level connection of `node_type` (root_connection): `filter`, `orderBy`, the
    `narrowing` arguments, `includeDeleted` when its description is given, the page
    arguments. `default_order`: the order without `orderBy` (else by ID). `page_note`: the
    description ends with how pages work."""

    item: Any = node_type  # a type chosen at run time, for `Connection[...]`

    async def resolve(info: GraphInfo, **arguments: Any) -> Connection[Any]:
        conditions = [n.where(info, arguments.pop(n.name)) for n in narrowing]
        return await root_connection(
            info,
            node_type,
            filter=arguments.pop("filter", None),
            order_by=arguments.pop("order_by", None) or default_order,
            where=[c for c in conditions if c is not None],
            **arguments,
        )

    deleted = Annotated[bool, strawberry.argument(description=include_deleted)]
    parameters = [
        *list_arguments(filter, sort),
        *(n.parameter() for n in narrowing),
        *([argument("include_deleted", deleted, False)] if include_deleted else []),
        *PAGE_ARGUMENTS,
    ]
    return strawberry.field(
        resolver=with_signature(resolve, INFO, *parameters),
        description=paged(description) if page_note else description,
        graphql_type=Connection[item],
    )


def node_field(node_type: type[NodeType], *, description: str) -> Any:
    """A typed root lookup by global ID, such as `customer(id:)`."""

    async def resolve(info: GraphInfo, id: str) -> NodeType | None:
        return await resolve_by_id(info, node_type, id)

    return strawberry.field(
        resolver=with_signature(resolve, INFO, argument("id", ObjectId, inspect.Parameter.empty)),
        description=description,
        graphql_type=node_type | None,
    )
