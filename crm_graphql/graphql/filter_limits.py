"""Limits on the size of filters and search text, checked before any SQL is built.

Variables are not bound by the document's token limit, so a client could send a `search` of
10 MB (111 s of PostgreSQL time), an `or` of 10,000 conditions or a filter nested 50 deep (both
beyond what SQLite's parser accepts) or 3,000 deep (beyond Python's recursion limit). Each of
these is refused with BAD_USER_INPUT before compilation. The walk is iterative, so depth alone
cannot exhaust the stack, and it stops at the first problem. The same walk applies the text rule
(core/text.py) and refuses points in time without a UTC form, which otherwise fail in the driver.
"""

from __future__ import annotations

import dataclasses
import datetime
from typing import Any

from strawberry.utils.str_converters import to_camel_case

from crm_graphql.core.errors import BadRequestError
from crm_graphql.core.text import text_problem
from crm_graphql.core.validators import instant_problem

MAX_FILTER_TEXT = 1000  # characters of one string in a filter or a search
MAX_FILTER_IN = 1000  # values of one `in`
MAX_FILTER_LIST = 500  # filters of one `and` / `or`
MAX_FILTER_DEPTH = 10  # nested filter objects: and/or/not entries and relation conditions
MAX_FILTER_TERMS = 2000  # filter objects and values in one filter, all levels together


class FilterLimitError(BadRequestError):
    """A filter or search beyond the limits above, or holding a value no database accepts."""


def check_search_text(text: str, argument: str = "search") -> None:
    """The limits of a free-text argument such as `search`."""
    if len(text) > MAX_FILTER_TEXT:
        raise FilterLimitError(f"`{argument}` takes at most {MAX_FILTER_TEXT} characters.")
    problem = text_problem(text)
    if problem is not None:
        raise FilterLimitError(f"`{argument}`: {problem}")


def _is_condition(spec: Any) -> bool:
    """A filter of an entity (as opposed to operators such as StringFilter, or the
    some/none/every wrapper of a to-many relation): these count towards the depth."""
    spec_type = type(spec)
    found = _CONDITION_TYPES.get(spec_type)
    if found is None:
        names = {f.name for f in dataclasses.fields(spec_type)}
        found = _CONDITION_TYPES[spec_type] = bool(names & {"and_", "or_", "not_"})
    return found


_CONDITION_TYPES: dict[type, bool] = {}  # per filter input type: a handful, known at import


def _value(value: Any, where: str) -> None:
    if isinstance(value, str):
        if len(value) > MAX_FILTER_TEXT:
            raise FilterLimitError(
                f"`{where}`: strings in filters have at most {MAX_FILTER_TEXT} characters."
            )
        problem = text_problem(value)
        if problem is not None:
            raise FilterLimitError(f"`{where}`: {problem}")
    elif isinstance(value, datetime.datetime):
        problem = instant_problem(value)
        if problem is not None:
            raise FilterLimitError(f"`{where}`: {problem}")


def check_filter(spec: Any) -> None:
    """Refuses a filter input (an entity filter dataclass) beyond the limits of this module."""
    if spec is None:
        return
    pending: list[tuple[Any, int, str]] = [(spec, 1, "filter")]
    terms = 0
    while pending:
        node, depth, where = pending.pop()
        if _is_condition(node) and depth > MAX_FILTER_DEPTH:
            raise FilterLimitError(f"Filters may be nested at most {MAX_FILTER_DEPTH} deep.")
        for field in dataclasses.fields(node):
            value = getattr(node, field.name)
            if value is None:
                continue
            name = f"{where}.{to_camel_case(field.name.rstrip('_'))}"
            terms += 1
            values = value if isinstance(value, list) else [value]
            limit = MAX_FILTER_IN if field.name == "in_" else MAX_FILTER_LIST
            if len(values) > limit:
                noun = "values" if field.name == "in_" else "filters"
                raise FilterLimitError(f"`{name}` takes at most {limit} {noun}.")
            terms += len(values) - 1
            if terms > MAX_FILTER_TERMS:
                raise FilterLimitError(
                    f"A filter may hold at most {MAX_FILTER_TERMS} conditions and values."
                )
            for item in values:
                if dataclasses.is_dataclass(item) and not isinstance(item, type):
                    deeper = depth + 1 if _is_condition(item) else depth
                    pending.append((item, deeper, name))
                else:
                    _value(item, name)
