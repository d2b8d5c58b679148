"""The shared filter and ordering machinery: typed operator inputs and their compilation to SQL.

An entity's filter input names its fields after the model's attributes; `compile_filter` turns
column fields into comparisons and relationship fields into EXISTS subqueries (`has` for
to-one, `some`/`none`/`every` for to-many), always within what the viewer may see.
"""

from __future__ import annotations

import dataclasses
import datetime
import decimal
import enum
from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

import strawberry
from sqlalchemy import ColumnElement, and_, false, func, not_, or_, true
from sqlalchemy.orm import InstrumentedAttribute, RelationshipDirection, RelationshipProperty
from strawberry.utils.str_converters import to_camel_case

from crm_graphql.core.db import Base
from crm_graphql.core.errors import BadRequestError, DomainError
from crm_graphql.core.ids import expect_id
from crm_graphql.core.money import normalize_currency, to_minor
from crm_graphql.data.loaders import Scope
from crm_graphql.data.pagination import Ordering, SortTerm
from crm_graphql.graphql.filter_limits import MAX_FILTER_IN, check_filter

MAX_IN = MAX_FILTER_IN


class FilterError(BadRequestError):
    """A filter that cannot be applied."""


@strawberry.input(description="Conditions on a text field; all given conditions must hold.")
class StringFilter:
    eq: str | None = strawberry.field(default=None, description="Equal to.")
    ne: str | None = strawberry.field(default=None, description="Not equal to (or null).")
    in_: list[str] | None = strawberry.field(
        default=None, name="in", description="One of these values."
    )
    lt: str | None = strawberry.field(default=None, description="Sorts before.")
    lte: str | None = strawberry.field(default=None, description="Sorts before or equal.")
    gt: str | None = strawberry.field(default=None, description="Sorts after.")
    gte: str | None = strawberry.field(default=None, description="Sorts after or equal.")
    contains: str | None = strawberry.field(
        default=None, description="Contains this text, ignoring case."
    )
    starts_with: str | None = strawberry.field(
        default=None, description="Starts with this text, ignoring case."
    )
    is_null: bool | None = strawberry.field(
        default=None, description="True: has no value; false: has a value."
    )


@strawberry.input(description="Conditions on a whole number; all given conditions must hold.")
class IntFilter:
    eq: int | None = strawberry.field(default=None, description="Equal to.")
    ne: int | None = strawberry.field(default=None, description="Not equal to (or null).")
    in_: list[int] | None = strawberry.field(
        default=None, name="in", description="One of these values."
    )
    lt: int | None = strawberry.field(default=None, description="Less than.")
    lte: int | None = strawberry.field(default=None, description="Less than or equal to.")
    gt: int | None = strawberry.field(default=None, description="Greater than.")
    gte: int | None = strawberry.field(default=None, description="Greater than or equal to.")
    is_null: bool | None = strawberry.field(
        default=None, description="True: has no value; false: has a value."
    )


@strawberry.input(description="Conditions on a calendar date; all given conditions must hold.")
class DateFilter:
    eq: datetime.date | None = strawberry.field(default=None, description="On this day.")
    ne: datetime.date | None = strawberry.field(default=None, description="Not on this day.")
    in_: list[datetime.date] | None = strawberry.field(
        default=None, name="in", description="On one of these days."
    )
    lt: datetime.date | None = strawberry.field(default=None, description="Before this day.")
    lte: datetime.date | None = strawberry.field(default=None, description="On or before.")
    gt: datetime.date | None = strawberry.field(default=None, description="After this day.")
    gte: datetime.date | None = strawberry.field(default=None, description="On or after.")
    is_null: bool | None = strawberry.field(
        default=None, description="True: has no value; false: has a value."
    )


@strawberry.input(description="Conditions on a point in time; all given conditions must hold.")
class DateTimeFilter:
    eq: datetime.datetime | None = strawberry.field(default=None, description="At this time.")
    ne: datetime.datetime | None = strawberry.field(default=None, description="Not at this time.")
    in_: list[datetime.datetime] | None = strawberry.field(
        default=None, name="in", description="At one of these times."
    )
    lt: datetime.datetime | None = strawberry.field(default=None, description="Before.")
    lte: datetime.datetime | None = strawberry.field(default=None, description="At or before.")
    gt: datetime.datetime | None = strawberry.field(default=None, description="After.")
    gte: datetime.datetime | None = strawberry.field(default=None, description="At or after.")
    is_null: bool | None = strawberry.field(
        default=None, description="True: has no value; false: has a value."
    )


@strawberry.input(description="Conditions on a true/false field.")
class BooleanFilter:
    eq: bool | None = strawberry.field(default=None, description="Equal to.")
    is_null: bool | None = strawberry.field(
        default=None, description="True: has no value; false: has a value."
    )


@strawberry.input(description="Conditions on an ID (global object IDs as returned by the API).")
class IDFilter:
    eq: strawberry.ID | None = strawberry.field(default=None, description="This object.")
    ne: strawberry.ID | None = strawberry.field(default=None, description="Not this object.")
    in_: list[strawberry.ID] | None = strawberry.field(
        default=None, name="in", description="One of these objects."
    )
    is_null: bool | None = strawberry.field(
        default=None, description="True: no object is set; false: one is."
    )


E = TypeVar("E", bound=enum.Enum)


@strawberry.input(description="Conditions on an enumerated value.")
class EnumFilter(Generic[E]):
    eq: E | None = strawberry.field(default=None, description="Equal to.")
    ne: E | None = strawberry.field(default=None, description="Not equal to (or null).")
    in_: list[E] | None = strawberry.field(
        default=None, name="in", description="One of these values."
    )
    is_null: bool | None = strawberry.field(
        default=None, description="True: has no value; false: has a value."
    )


@strawberry.input(
    description="Conditions on an amount of money in one currency (amounts are decimal strings)."
)
class MoneyFilter:
    currency: str = strawberry.field(description="ISO 4217 code; only amounts in it match.")
    eq: decimal.Decimal | None = strawberry.field(default=None, description="Equal to.")
    lt: decimal.Decimal | None = strawberry.field(default=None, description="Less than.")
    lte: decimal.Decimal | None = strawberry.field(default=None, description="At most.")
    gt: decimal.Decimal | None = strawberry.field(default=None, description="Greater than.")
    gte: decimal.Decimal | None = strawberry.field(default=None, description="At least.")


@strawberry.enum(description="Sort direction.")
class OrderDirection(enum.Enum):
    ASC = "ASC"
    DESC = "DESC"


@strawberry.enum(description="Where rows without a value sort.")
class NullsOrder(enum.Enum):
    FIRST = "FIRST"
    LAST = "LAST"


F = TypeVar("F", bound=enum.Enum)


@strawberry.input(description="One sort key.")
class Sort(Generic[F]):
    field: F = strawberry.field(description="What to sort by.")
    direction: OrderDirection = strawberry.field(
        default=OrderDirection.ASC, description="Ascending (default) or descending."
    )
    nulls: NullsOrder = strawberry.field(
        default=NullsOrder.LAST, description="Where rows without a value go (default last)."
    )


def ordering(model: type[Base], sorts: Sequence[Sort[Any]] | None) -> Ordering:
    """The requested order, ending in the primary key; sort field enum values are attribute
    names of the model."""
    terms = []
    seen = set()
    for sort in sorts or ():
        key = sort.field.value
        if key in seen:
            raise FilterError(f"`orderBy` names {sort.field.name} twice.")
        seen.add(key)
        terms.append(
            SortTerm(
                key,
                getattr(model, key),
                descending=sort.direction is OrderDirection.DESC,
                nulls_first=sort.nulls is NullsOrder.FIRST,
            )
        )
    if "id" not in seen:
        terms.append(SortTerm("id", model.__table__.c.id))
    return Ordering(tuple(terms))


_COMPARISONS: dict[str, Callable[[Any, Any], ColumnElement[bool]]] = {
    "eq": lambda c, v: c == v,
    "ne": lambda c, v: or_(c != v, c.is_(None)),
    "lt": lambda c, v: c < v,
    "lte": lambda c, v: c <= v,
    "gt": lambda c, v: c > v,
    "gte": lambda c, v: c >= v,
}


def like_pattern(text: str, *, prefix: bool = False) -> str:
    """A LIKE pattern matching `text` literally: anywhere, or at the start with `prefix`."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"{escaped}%" if prefix else f"%{escaped}%"


def _operators(column: Any, spec: Any, convert: Callable[[Any], Any]) -> list[ColumnElement[bool]]:
    clauses: list[ColumnElement[bool]] = []
    for field in dataclasses.fields(spec):
        value = getattr(spec, field.name)
        if value is None:
            continue
        name = field.name
        if name == "is_null":
            clauses.append(column.is_(None) if value else column.is_not(None))
        elif name == "in_":
            if len(value) > MAX_IN:
                raise FilterError(f"`in` takes at most {MAX_IN} values.")
            clauses.append(column.in_([convert(v) for v in value]) if value else false())
        elif name == "contains":
            clauses.append(column.ilike(like_pattern(value), escape="\\"))
        elif name == "starts_with":
            clauses.append(column.ilike(like_pattern(value, prefix=True), escape="\\"))
        else:
            clauses.append(_COMPARISONS[name](column, convert(value)))
    return clauses


def _money(model: type[Base], name: str, spec: MoneyFilter) -> list[ColumnElement[bool]]:
    try:
        currency = normalize_currency(spec.currency, ("currency",))
        amount = getattr(model, f"{name}_minor")
        clauses: list[ColumnElement[bool]] = [model.__table__.c.currency == currency]
        for op in ("eq", "lt", "lte", "gt", "gte"):
            value = getattr(spec, op)
            if value is not None:
                clauses.append(_COMPARISONS[op](amount, to_minor(value, currency, (op,))))
    except DomainError as exc:
        raise FilterError(f"`{to_camel_case(name)}` filter: {exc}") from exc
    return clauses


def _id_converter(model: type[Base], column: Any) -> Callable[[Any], int]:
    if column.primary_key:
        type_name = model.__name__
    else:
        (fk,) = column.foreign_keys
        type_name = next(
            m.class_.__name__ for m in Base.registry.mappers if m.local_table is fk.column.table
        )

    def convert(value: str) -> int:
        try:
            return expect_id(value, type_name, ())
        except DomainError as exc:
            raise FilterError(str(exc)) from exc

    return convert


def negate(condition: ColumnElement[bool]) -> ColumnElement[bool]:
    """NOT that treats an unknown (NULL) comparison as false, so `not: {x: {eq: 1}}` keeps the
    rows where x is null, as a client expects."""
    return not_(func.coalesce(condition, false()))


def compile_filter(model: type[Base], spec: Any, scope: Scope) -> ColumnElement[bool]:
    """SQL for an entity filter input (None for no filter), once it is within the limits of
    filter_limits.py."""
    check_filter(spec)
    return _compile(model, spec, scope)


def _compile(model: type[Base], spec: Any, scope: Scope) -> ColumnElement[bool]:
    if spec is None:
        return true()
    clauses: list[ColumnElement[bool]] = []
    for field in dataclasses.fields(spec):
        value = getattr(spec, field.name)
        if value is None:
            continue
        name = field.name
        if name == "and_":
            clauses.extend(_compile(model, f, scope) for f in value)
        elif name == "or_":
            clauses.append(or_(*(_compile(model, f, scope) for f in value)) if value else false())
        elif name == "not_":
            clauses.append(negate(_compile(model, value, scope)))
        elif isinstance(value, MoneyFilter):
            clauses.extend(_money(model, name, value))
        else:
            attr: InstrumentedAttribute[Any] = getattr(model, name)
            prop = attr.property
            if isinstance(prop, RelationshipProperty):
                clauses.append(_relation(attr, prop, value, scope))
            elif isinstance(value, IDFilter):
                column = model.__table__.c[name]
                clauses.extend(_operators(attr, value, _id_converter(model, column)))
            else:
                clauses.extend(_operators(attr, value, lambda v: v))
    return and_(true(), *clauses)


def _relation(
    attr: InstrumentedAttribute[Any], prop: RelationshipProperty[Any], spec: Any, scope: Scope
) -> ColumnElement[bool]:
    target: type[Base] = prop.mapper.class_
    if prop.direction is RelationshipDirection.MANYTOONE:
        return attr.has(and_(*scope(target), _compile(target, spec, scope)))
    clauses = []
    if spec.some is not None:
        clauses.append(attr.any(and_(*scope(target), _compile(target, spec.some, scope))))
    if spec.none is not None:
        clauses.append(~attr.any(and_(*scope(target), _compile(target, spec.none, scope))))
    if spec.every is not None:
        clauses.append(~attr.any(and_(*scope(target), negate(_compile(target, spec.every, scope)))))
    return and_(true(), *clauses)


def shape_key(value: Any) -> str:
    """A stable key for filter/order arguments, so equal arguments share one loader."""
    return repr(value)
