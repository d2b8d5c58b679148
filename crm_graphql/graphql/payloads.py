"""Mutation payload conventions: `{ <entity>, errors: [UserError!]! }` and the UserError type."""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import strawberry
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.exc import StaleDataError
from strawberry.types import Info

from crm_graphql.core.db import write_session
from crm_graphql.core.errors import DomainError, ErrorCode
from crm_graphql.core.ids import expect_id
from crm_graphql.data.records import POLICY, Policy
from crm_graphql.graphql.context import Context
from crm_graphql.graphql.security.request_ids import request_id_of
from crm_graphql.platform.audit.recorder import ChangeRecorder, Touched
from crm_graphql.platform.auth.permissions import ROOT_FIELDS
from crm_graphql.platform.events.log import write_events

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


R = TypeVar("R")


def _changes_access(touched: Touched) -> bool:
    """A change that cached viewers may not survive: any token but a new one, any user (a new
    user with a manager changes that manager's team)."""
    return touched.entity_type == "User" or (
        touched.entity_type == "AccessToken" and not touched.inserted
    )


def forbidden(field_name: str) -> list[UserError]:
    return [
        UserError(
            field=None,
            message=f"Your role may not use {field_name}.",
            code=ErrorCode.FORBIDDEN,
        )
    ]


async def mutate(
    info: Info[Context, None], action: Callable[[AsyncSession], Awaitable[R]]
) -> tuple[R | None, list[UserError]]:
    """Runs `action` in one write transaction, if the viewer may use this mutation. Expected
    failures become the payload's errors and roll everything back, so a mutation never leaves
    a partly written record. The viewer's row scope travels with the session (records.py)."""
    ctx = info.context
    need = ROOT_FIELDS.get(info.field_name)
    if ctx.viewer is None or need is None or not ctx.viewer.can(need):
        return None, forbidden(info.field_name)
    try:
        async with write_session(ctx.resources.sessionmaker) as session:
            session.info[POLICY] = Policy(ctx.viewer, ctx.scope)
            recorder = ChangeRecorder.attach(session)
            result = await action(session)
            # last step before the commit: the audit chain's lock is held only from here
            await recorder.write(
                info.field_name,
                actor_user_id=ctx.viewer.user_id,
                token_id=ctx.viewer.token_id,
                request_id=request_id_of(ctx),
                client_address=ctx.client_address(),
            )
            touched = recorder.touched()
            last_event = await write_events(session, touched, actor_user_id=ctx.viewer.user_id)
    except DomainError as exc:
        return None, user_errors(exc)
    except StaleDataError:
        return None, [
            UserError(
                field=["input", "expectedVersion"],
                message="The record was changed at the same time by someone else; reload it.",
                code=ErrorCode.CONFLICT,
            )
        ]
    except IntegrityError:
        return None, [
            UserError(
                field=["input"],
                message="The change conflicts with another record written at the same time; "
                "reload and try again.",
                code=ErrorCode.CONFLICT,
            )
        ]
    ctx.fresh_loaders()  # the payload shows what was written
    if any(_changes_access(t) for t in touched):
        await ctx.resources.events.access_changed()  # cached viewers are read afresh
    if last_event is not None:
        await ctx.resources.events.published(last_event)
    return result, []


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
