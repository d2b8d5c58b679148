"""The text and time rules (core/text.py, core/validators.py) for every mutation input.

Services clean the fields they know (required_text, optional_text), but a rule that must hold
for every text input, on both databases, cannot rely on each service remembering it: a NUL byte
in a field no validator looks at was stored by SQLite and refused by PostgreSQL with an
unexpected error. `mutate()` therefore walks the mutation's arguments, as graphql-core coerced
them, before the transaction begins, and answers VALIDATION errors at the offending paths.
"""

from __future__ import annotations

import datetime
from typing import Any

from graphql import GraphQLResolveInfo
from graphql.execution.values import VariableValues, get_argument_values

from crm_graphql.core.errors import Problem
from crm_graphql.core.text import text_problem
from crm_graphql.core.validators import instant_problem

MAX_PROBLEMS = 20  # reported at most, so a list of 10,000 bad strings is not echoed back


def argument_problems(info: GraphQLResolveInfo[Any]) -> list[Problem]:
    """Every string with a control character or lone surrogate, and every point in time
    without a UTC form, in the arguments of the field being resolved (paths as GraphQL names)."""
    field = info.parent_type.fields[info.field_name]
    variables: Any = info.variable_values
    if isinstance(variables, dict):  # as some execution paths hand them over
        variables = VariableValues(sources={}, coerced=variables)
    arguments = get_argument_values(field, info.field_nodes[0], variables)
    problems: list[Problem] = []
    pending: list[tuple[tuple[str, ...], Any]] = [((k,), v) for k, v in arguments.items()]
    while pending and len(problems) < MAX_PROBLEMS:
        path, value = pending.pop()
        message: str | None = None
        if isinstance(value, str):
            message = text_problem(value)
        elif isinstance(value, datetime.datetime):
            message = instant_problem(value)
        elif isinstance(value, dict):
            pending.extend(((*path, str(k)), v) for k, v in value.items())
        elif isinstance(value, list):
            pending.extend(((*path, str(i)), v) for i, v in enumerate(value))
        if message is not None:
            problems.append(Problem(path, message))
    problems.sort(key=lambda p: p.field)
    return problems
