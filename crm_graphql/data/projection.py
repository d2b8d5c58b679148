"""Projection: the columns a selection reads, so that relations load only those.

A dashboard's 1,000 orders and 3,000 items are read for a total and a quantity, yet a whole
row costs four times a narrow one to fetch and convert (timestamps above all). The batched
executor (batched.py) knows each level's selection: it works out the attributes its fields
read and hands them to the relation's batch function through WANTED; the loaders then select
those columns (with the key and the sort columns). Whatever it cannot account for reads
whole rows, as the graphql-core path always does:

- a field without a resolver reads its attribute, which must be a column of the model;
- a resolver reads what it declares (relations declare their keys, see connections.py), or
  else what its source shows it reading: `self.<column>` and nothing else of `self`. A
  resolver that passes `self` on or reads a non-column attribute (a method, a property)
  reads whole rows.
"""

from __future__ import annotations

import ast
import functools
import inspect
import textwrap
from collections.abc import Callable, Iterable
from contextvars import ContextVar
from typing import Any

from sqlalchemy import FromClause
from sqlalchemy.sql.elements import KeyedColumnElement

# Set by the batched executor while it calls a relation's batch function: the columns of the
# related model its selection reads (None: whole rows).
WANTED: ContextVar[frozenset[str] | None] = ContextVar("crm_wanted_columns", default=None)

USES_ATTRIBUTE = "__crm_uses__"
# attributes every object has whatever its columns: its key and the global ID made from it
KEY_ATTRIBUTES = frozenset({"pk", "id"})


def declare_uses(function: object, attributes: Callable[[], Iterable[str]] | None) -> None:
    """Declares the attributes of `self` a resolver reads (computed on first use); None:
    they cannot be told (its batch form may read anything)."""
    setattr(function, USES_ATTRIBUTE, attributes)


def attributes_read(function: Callable[..., Any]) -> frozenset[str] | None:
    """The attributes of `self` a resolver reads, or None when that cannot be told."""
    if hasattr(function, USES_ATTRIBUTE):
        declared = getattr(function, USES_ATTRIBUTE)
        return None if declared is None else _declared(declared)
    return _inferred(function)


@functools.cache
def _declared(attributes: Callable[[], Iterable[str]]) -> frozenset[str]:
    return frozenset(attributes())


@functools.cache
def _inferred(function: Callable[..., Any]) -> frozenset[str] | None:
    try:
        source = textwrap.dedent(inspect.getsource(function))
        tree = ast.parse(source)
    except (OSError, TypeError, SyntaxError):
        return None
    definition = tree.body[0] if tree.body else None
    if not isinstance(definition, ast.FunctionDef | ast.AsyncFunctionDef):
        return None
    arguments = definition.args.posonlyargs + definition.args.args
    if not arguments:
        return frozenset()
    this = arguments[0].arg
    read: set[str] = set()
    for node in ast.walk(definition):
        for child in ast.iter_child_nodes(node):
            if not (isinstance(child, ast.Name) and child.id == this):
                continue
            if not (isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Load)):
                return None  # `self` passed on, assigned or written to
            read.add(node.attr)
    return frozenset(read)


def columns_of(table: FromClause, attributes: Iterable[str]) -> frozenset[str] | None:
    """The column keys behind attributes (the key for `pk`/`id`), or None if one is not a
    column (it may read any of them)."""
    keys = set()
    for name in attributes:
        key = "id" if name in KEY_ATTRIBUTES else name
        if key not in table.c:
            return None
        keys.add(key)
    return frozenset(keys)


def selected(table: FromClause, wanted: frozenset[str] | None) -> list[KeyedColumnElement[Any]]:
    """The columns to read, in table order (one statement text per set of columns): the
    wanted ones and the key, or all of them."""
    if wanted is None:
        return list(table.c)
    return [c for c in table.c if c.key == "id" or c.key in wanted]
