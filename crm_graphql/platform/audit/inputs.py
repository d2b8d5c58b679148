"""The audit log's filter input and its compilation to SQL."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import strawberry
from sqlalchemy import ColumnElement, and_, false, or_, true

from crm_graphql.core.errors import DomainError
from crm_graphql.core.ids import decode_id, expect_id
from crm_graphql.data.loaders import Scope
from crm_graphql.graphql.filter_limits import check_filter
from crm_graphql.graphql.filters import (
    MAX_IN,
    DateTimeFilter,
    FilterError,
    IDFilter,
    StringFilter,
    compile_filter,
    negate,
)
from crm_graphql.platform.audit.models import AuditRecord


@strawberry.input(description="Conditions on audit records; all given conditions must hold.")
class AuditFilter:
    action: StringFilter | None = strawberry.field(
        default=None, description="The mutation, e.g. updateCustomer."
    )
    entity_type: StringFilter | None = strawberry.field(
        default=None, description="The changed object's type, e.g. Customer."
    )
    entity_id: IDFilter | None = strawberry.field(
        default=None, description="The changed object's global ID (of any type)."
    )
    actor_id: IDFilter | None = strawberry.field(
        default=None, description="The ID of the user who made the change."
    )
    at: DateTimeFilter | None = strawberry.field(default=None, description="When it happened.")


@dataclass(frozen=True, slots=True)
class _Columns:
    """The conditions on plain columns, named as AuditRecord's attributes (compile_filter)."""

    action: StringFilter | None
    entity_type: StringFilter | None
    at: DateTimeFilter | None


def _id_conditions(
    spec: IDFilter,
    column: ColumnElement[Any],
    equal: Callable[[str], ColumnElement[bool]],
) -> list[ColumnElement[bool]]:
    clauses: list[ColumnElement[bool]] = []
    if spec.eq is not None:
        clauses.append(equal(spec.eq))
    if spec.ne is not None:
        clauses.append(negate(equal(spec.ne)))
    if spec.in_ is not None:
        if len(spec.in_) > MAX_IN:
            raise FilterError(f"`in` takes at most {MAX_IN} values.")
        clauses.append(or_(*(equal(v) for v in spec.in_)) if spec.in_ else false())
    if spec.is_null is not None:
        clauses.append(column.is_(None) if spec.is_null else column.is_not(None))
    return clauses


def _entity_is(value: str) -> ColumnElement[bool]:
    decoded = decode_id(value)
    if decoded is None:
        raise FilterError(f"{value!r} is not a valid ID.")
    return and_(AuditRecord.entity_type == decoded.type_name, AuditRecord.entity_id == decoded.pk)


def _actor_is(value: str) -> ColumnElement[bool]:
    try:
        return AuditRecord.actor_user_id == expect_id(value, "User", ())
    except DomainError as exc:
        raise FilterError(str(exc)) from exc


def audit_conditions(spec: AuditFilter | None, scope: Scope) -> ColumnElement[bool]:
    """SQL for an AuditFilter (None for no filter)."""
    if spec is None:
        return true()
    check_filter(spec)
    columns = _Columns(action=spec.action, entity_type=spec.entity_type, at=spec.at)
    clauses = [compile_filter(AuditRecord, columns, scope)]
    if spec.entity_id is not None:
        clauses += _id_conditions(spec.entity_id, AuditRecord.__table__.c.entity_id, _entity_is)
    if spec.actor_id is not None:
        clauses += _id_conditions(spec.actor_id, AuditRecord.__table__.c.actor_user_id, _actor_is)
    return and_(true(), *clauses)
