"""Keyset pagination: sort terms, opaque cursors and the SQL that pages with them.

Cursors carry the sort key values of a row (plus the ordering they belong to), so a page is
found with an index seek rather than OFFSET, and inserts between requests do not shift pages.
"""

from __future__ import annotations

import base64
import binascii
import enum
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import orjson
from sqlalchemy import BigInteger, ColumnElement, and_, false, or_, true
from sqlalchemy.sql.elements import UnaryExpression

from crm_graphql.core.errors import BadRequestError


class PaginationError(BadRequestError):
    """Pagination arguments that cannot be honoured; shown to the client as-is."""


@dataclass(frozen=True, slots=True)
class SortTerm:
    key: str
    column: ColumnElement[Any]
    descending: bool = False
    nulls_first: bool = False

    def reversed(self) -> SortTerm:
        return SortTerm(self.key, self.column, not self.descending, not self.nulls_first)

    def clause(self) -> UnaryExpression[Any]:
        ordered = self.column.desc() if self.descending else self.column.asc()
        return ordered.nulls_first() if self.nulls_first else ordered.nulls_last()

    def after(self, value: Any) -> ColumnElement[bool]:
        """Rows strictly after `value` in this term's order."""
        col = self.column
        if value is None:
            return col.is_not(None) if self.nulls_first else false()
        beyond = col < value if self.descending else col > value
        return beyond if self.nulls_first else or_(beyond, col.is_(None))

    def equal(self, value: Any) -> ColumnElement[bool]:
        return self.column.is_(None) if value is None else self.column == value


@dataclass(frozen=True, slots=True)
class Ordering:
    """An ordering that always ends in the primary key, so every row has a unique position."""

    terms: tuple[SortTerm, ...]

    @property
    def fingerprint(self) -> str:
        return ",".join(
            f"{t.key}{'-' if t.descending else '+'}{'n' if t.nulls_first else ''}"
            for t in self.terms
        )

    def reversed(self) -> Ordering:
        return Ordering(tuple(t.reversed() for t in self.terms))

    def clauses(self) -> list[UnaryExpression[Any]]:
        return [t.clause() for t in self.terms]

    def after(self, values: Sequence[Any]) -> ColumnElement[bool]:
        alternatives = []
        for i, term in enumerate(self.terms):
            prefix = [t.equal(v) for t, v in zip(self.terms[:i], values[:i], strict=True)]
            alternatives.append(
                and_(*prefix, term.after(values[i])) if prefix else term.after(values[i])
            )
        return or_(*alternatives) if alternatives else true()

    def cursor(self, row: Any) -> str:
        values = [_json_value(getattr(row, t.key)) for t in self.terms]
        payload = orjson.dumps({"o": self.fingerprint, "v": values})
        return base64.urlsafe_b64encode(payload).decode().rstrip("=")

    def decode(self, cursor: str) -> tuple[Any, ...]:
        try:
            raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
            data = orjson.loads(raw)
            if not isinstance(data, dict) or data.get("o") != self.fingerprint:
                raise PaginationError("The cursor belongs to another ordering; start again.")
            values = data["v"]
            if not isinstance(values, list) or len(values) != len(self.terms):
                raise PaginationError("Malformed cursor.")
            return tuple(_python_value(t, v) for t, v in zip(self.terms, values, strict=True))
        except (binascii.Error, orjson.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
            if isinstance(exc, PaginationError):
                raise
            raise PaginationError("Malformed cursor.") from exc


def _json_value(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _python_value(term: SortTerm, value: Any) -> Any:
    if value is None:
        return None
    python_type = term.column.type.python_type
    if python_type is datetime:
        return datetime.fromisoformat(value)
    if python_type is date:
        return date.fromisoformat(value)
    if issubclass(python_type, enum.Enum):
        return python_type(value)
    if not isinstance(value, python_type) or isinstance(value, bool) != (python_type is bool):
        raise PaginationError("Malformed cursor.")
    if python_type is int:
        bound = 2**63 if isinstance(term.column.type, BigInteger) else 2**31
        if not -bound <= value < bound:
            raise PaginationError("Malformed cursor.")
    return value


@dataclass(frozen=True, slots=True)
class PageArgs:
    """Validated first/after/last/before: `limit` rows read in `ordering` past the cursors."""

    limit: int
    backward: bool
    after: tuple[Any, ...] | None
    before: tuple[Any, ...] | None

    def where(self, ordering: Ordering) -> list[ColumnElement[bool]]:
        clauses = []
        if self.after is not None:
            clauses.append(ordering.after(self.after))
        if self.before is not None:
            clauses.append(ordering.reversed().after(self.before))
        return clauses

    def read_order(self, ordering: Ordering) -> Ordering:
        return ordering.reversed() if self.backward else ordering


def page_args(
    ordering: Ordering,
    *,
    first: int | None,
    after: str | None,
    last: int | None,
    before: str | None,
    default_size: int,
    max_size: int,
) -> PageArgs:
    if first is not None and last is not None:
        raise PaginationError("Pass either `first` or `last`, not both.")
    for name, value in (("first", first), ("last", last)):
        if value is not None and value < 0:
            raise PaginationError(f"`{name}` must not be negative.")
        if value is not None and value > max_size:
            raise PaginationError(f"`{name}` can be at most {max_size}.")
    backward = last is not None or (first is None and before is not None and after is None)
    limit = last if last is not None else first if first is not None else default_size
    return PageArgs(
        limit=limit,
        backward=backward,
        after=ordering.decode(after) if after else None,
        before=ordering.decode(before) if before else None,
    )


@dataclass(frozen=True, slots=True)
class Page:
    """Rows of one page in the requested order, and whether more lie on either side."""

    rows: Sequence[Any]
    has_next: bool
    has_previous: bool


def make_page(rows: Sequence[Any], args: PageArgs) -> Page:
    """`rows` were read in read order with one extra row to detect a further page."""
    more = len(rows) > args.limit
    rows = list(rows[: args.limit])
    if args.backward:
        rows.reverse()
        return Page(rows, has_next=args.before is not None, has_previous=more)
    return Page(rows, has_next=more, has_previous=args.after is not None)
