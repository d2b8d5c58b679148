"""The write transaction of every mutation, and where the platform takes part in it.

`mutate` runs, in this order:
1. the permission check (`may_use`, plugged in by platform/auth): may this viewer use this
   mutation at all? If not, a FORBIDDEN error in the payload and nothing else;
2. BEGIN (the write lock, on SQLite); the viewer's row scope travels with the session
   (data/records.py), and each participant joins (the audit trail listens to the flushes);
3. the mutation's own action;
4. each participant's `before_commit`, in order: the audit records (the audit chain's lock is
   held only from here), the access check, then the events (the commit-order lock);
5. COMMIT;
6. fresh loaders, so the payload shows what was written;
7. each participant's `after_commit`, in the same order: the access-changed notice, then
   the hub learns of the last event.
Expected failures (domain errors, a stale version, a conflicting concurrent write) roll
everything back and become the payload's errors; no `after_commit` runs then.

The graphql layer knows no platform service: app/schema.py plugs them in (`plug_in`).
Until it does, every mutation is refused.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Protocol, TypeVar

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.exc import StaleDataError
from strawberry.types import Info

from crm_graphql.core.db import write_session
from crm_graphql.core.errors import DomainError, ErrorCode
from crm_graphql.data.access import Viewer
from crm_graphql.data.records import POLICY, Policy
from crm_graphql.graphql.context import Context
from crm_graphql.graphql.input_checks import argument_problems
from crm_graphql.graphql.payloads import UserError, forbidden, user_errors

R = TypeVar("R")


@dataclass(frozen=True, slots=True)
class Write:
    """One mutation's write transaction, as its participants see it."""

    mutation: str  # the root field, e.g. "createCustomer"
    context: Context
    viewer: Viewer
    session: AsyncSession


class Participant(Protocol):
    """A platform service's part in one write transaction, made as the transaction begins."""

    async def before_commit(self) -> None: ...

    async def after_commit(self) -> None: ...


@dataclass(frozen=True, slots=True)
class WritePlatform:
    """What the platform adds to every write transaction."""

    may_use: Callable[[Viewer, str], bool]  # (viewer, mutation): the permission matrix
    participants: tuple[Callable[[Write], Participant], ...]  # joined, and run, in this order


def _refuse(viewer: Viewer, mutation: str) -> bool:
    return False


_platform = WritePlatform(may_use=_refuse, participants=())


def plug_in(platform: WritePlatform) -> None:
    global _platform  # set once, as the schema is assembled
    _platform = platform


def input_errors(info: Info[Context, None]) -> list[UserError]:
    """VALIDATION errors for text and times no database can take (graphql/input_checks.py),
    for every mutation, also those that do not run through `mutate` (login)."""
    # paths begin with the argument's name, as they do in user_errors
    return [
        UserError(field=list(p.field), message=p.message, code=p.code)
        for p in argument_problems(info._raw_info)
    ]


async def mutate(
    info: Info[Context, None], action: Callable[[AsyncSession], Awaitable[R]]
) -> tuple[R | None, list[UserError]]:
    """Runs `action` in one write transaction, if the viewer may use this mutation. Expected
    failures become the payload's errors and roll everything back, so a mutation never leaves
    a partly written record."""
    ctx, viewer, platform = info.context, info.context.viewer, _platform
    if viewer is None or not platform.may_use(viewer, info.field_name):
        return None, forbidden(info.field_name)
    refused = input_errors(info)
    if refused:
        return None, refused
    try:
        async with write_session(ctx.resources.sessionmaker) as session:
            session.info[POLICY] = Policy(viewer, ctx.scope)
            write = Write(info.field_name, ctx, viewer, session)
            participants = [join(write) for join in platform.participants]
            result = await action(session)
            for participant in participants:
                await participant.before_commit()
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
    for participant in participants:
        await participant.after_commit()
    return result, []
