"""Relay building blocks: the Node interface, connections and the node registry."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import ClassVar, Generic, Self, TypeVar

import strawberry
from sqlalchemy.orm import class_mapper
from strawberry.types import Info

from crm_graphql.core.db import Base
from crm_graphql.core.ids import encode_id
from crm_graphql.data.pagination import Ordering, Page
from crm_graphql.data.reader import AnyRow
from crm_graphql.graphql.context import Context

GraphInfo = Info[Context, None]


@strawberry.interface(description="An object with a global ID, fetchable with `node(id:)`.")
class Node:
    id: strawberry.ID = strawberry.field(description="The object's global ID.")


class NodeType:
    """Base of every entity type: built straight from a row, so scalar fields are plain
    attributes that graphql-core reads without a resolver."""

    __model__: ClassVar[type[Base]]
    pk: strawberry.Private[int]

    @classmethod
    def from_row(cls, row: AnyRow) -> Self:
        (obj,) = cls.from_rows([row])
        return obj

    @classmethod
    def from_rows(cls, rows: Sequence[AnyRow]) -> list[Self]:
        """Objects of rows of one shape (the same columns): each column an attribute, the
        primary key as `pk`."""
        if not rows:
            return []
        names = tuple("pk" if name == "id" else name for name in rows[0]._fields)
        new = cls.__new__
        objects = []
        for row in rows:
            obj = new(cls)
            obj.__dict__ = dict(zip(names, row))  # noqa: B905 (rows of one shape)
            objects.append(obj)
        return objects

    def __getattr__(self, name: str) -> str:
        # the global ID, made on first use: most rows of a large result never show theirs
        if name != "id" or "pk" not in self.__dict__:
            raise AttributeError(name)
        value = self.__dict__["id"] = encode_id(self.__model__.__name__, self.pk)
        return value

    @classmethod
    def global_id(cls, pk: int) -> str:
        return encode_id(cls.__model__.__name__, pk)

    @classmethod
    def from_model(cls, instance: Base) -> Self:
        obj = cls.__new__(cls)
        for attr in class_mapper(type(instance)).column_attrs:
            obj.__dict__[attr.key] = getattr(instance, attr.key)
        obj.pk = obj.__dict__.pop("id")
        return obj


NODE_TYPES: dict[str, type[NodeType]] = {}
N = TypeVar("N", bound=NodeType)


def register(model: type[Base]) -> Callable[[type[N]], type[N]]:
    """Marks a Strawberry type as the GraphQL face of `model` (and reachable through `node`)."""

    def decorate(cls: type[N]) -> type[N]:
        cls.__model__ = model
        NODE_TYPES[model.__name__] = cls
        return cls

    return decorate


@strawberry.type(description="Where a page sits in the whole list.")
class PageInfo:
    has_next_page: bool = strawberry.field(description="More items follow this page.")
    has_previous_page: bool = strawberry.field(description="Items precede this page.")
    rows: strawberry.Private[Sequence[AnyRow]]
    ordering: strawberry.Private[Ordering]

    # cursors made on request, like Edge.cursor: a nested page's pageInfo is rarely read
    @strawberry.field(description="Cursor of the first item.")
    def start_cursor(self) -> str | None:
        return self.ordering.cursor(self.rows[0]) if self.rows else None

    @strawberry.field(description="Cursor of the last item.")
    def end_cursor(self) -> str | None:
        return self.ordering.cursor(self.rows[-1]) if self.rows else None


T = TypeVar("T")


@strawberry.type(description="One item of a page and its cursor.")
class Edge(Generic[T]):
    node: T = strawberry.field(description="The item.")
    row: strawberry.Private[AnyRow]
    ordering: strawberry.Private[Ordering]

    @strawberry.field(description="Pass as `after` or `before` to page from here.")
    def cursor(self) -> str:
        # made on request: a client listing `nodes` never pays for cursors
        return self.ordering.cursor(self.row)


@strawberry.type(description="A page of a list: keyset-paginated with first/after or last/before.")
class Connection(Generic[T]):
    edges: list[Edge[T]] = strawberry.field(description="The items of this page with cursors.")
    page_info: PageInfo = strawberry.field(description="Whether more pages exist, and cursors.")
    count: strawberry.Private[Callable[[], Awaitable[int]]]

    @strawberry.field(description="The items of this page, without cursors.")
    def nodes(self) -> list[T]:
        return [edge.node for edge in self.edges]

    @strawberry.field(description="How many items the whole list holds (all pages).")
    async def total_count(self) -> int:
        return await self.count()


def build_connection(
    node_type: type[N],
    page: Page,
    ordering: Ordering,
    count: Callable[[], Awaitable[int]],
    nodes: Sequence[N] | None = None,
) -> Connection[N]:
    """A page as a connection; `nodes`: the page's rows as objects already (see
    connections_of, which makes the objects of many pages at once)."""
    rows = page.rows
    edges = [
        Edge(node=node, row=row, ordering=ordering)
        for node, row in zip(
            node_type.from_rows(rows) if nodes is None else nodes, rows, strict=True
        )
    ]
    return Connection(
        edges=edges,  # type: ignore[arg-type]
        page_info=PageInfo(
            has_next_page=page.has_next,
            has_previous_page=page.has_previous,
            rows=rows,
            ordering=ordering,
        ),
        count=count,
    )
