"""Mutation payload conventions: `{ <entity>, errors: [UserError!]! }`, the UserError type and
the common inputs (the write transaction itself is in transaction.py)."""

from __future__ import annotations

import dataclasses
from typing import Any

import strawberry

from crm_graphql.core.errors import DomainError, ErrorCode
from crm_graphql.core.ids import expect_id

strawberry.enum(
    ErrorCode,
    description="Why a mutation did not do what was asked.",
)


@strawberry.type(description="A problem with a mutation's input; nothing was written.")
class UserError:
    field: list[str] | None = strawberry.field(
        description='Path to the input field at fault, e.g. ["input", "email"].'
    )
    message: str = strawberry.field(description="What is wrong, for people.")
    code: ErrorCode = strawberry.field(description="What is wrong, for programs.")


def user_errors(error: DomainError) -> list[UserError]:
    return [
        UserError(field=["input", *p.field] if p.field else None, message=p.message, code=p.code)
        for p in error.problems
    ]


def forbidden(field_name: str) -> list[UserError]:
    return [
        UserError(
            field=None,
            message=f"Your role may not use {field_name}.",
            code=ErrorCode.FORBIDDEN,
        )
    ]


@strawberry.input(description="Deletes a record softly: it can be restored later.")
class DeleteInput:
    id: strawberry.ID = strawberry.field(description="The record to delete.")
    expected_version: int | None = strawberry.field(
        default=None, description="If given, delete only if still at this version."
    )


@strawberry.input(description="Restores a deleted record.")
class RestoreInput:
    id: strawberry.ID = strawberry.field(description="The deleted record to restore.")


@strawberry.input(description="Removes a record that is part of another (permanently).")
class RemoveInput:
    id: strawberry.ID = strawberry.field(description="The record to remove.")


def provided(
    input: object, *, exclude: tuple[str, ...] = ("id", "expected_version")
) -> dict[str, Any]:
    """The fields a client actually sent in an update input (UNSET ones are left out)."""
    return {
        f.name: getattr(input, f.name)
        for f in dataclasses.fields(input)  # type: ignore[arg-type]
        if f.name not in exclude and getattr(input, f.name) is not strawberry.UNSET
    }


def optional_id(value: object, type_name: str, field: tuple[str, ...]) -> int | None:
    """The key of an optional ID argument (None stays None)."""
    return None if value is None else expect_id(str(value), type_name, field)
