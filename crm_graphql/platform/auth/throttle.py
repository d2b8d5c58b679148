"""Sign-in throttling after OWASP's Authentication Cheat Sheet: growing delays, no lockout.

Failures are counted per (account, address) pair and per address, never per account
alone: a guesser slows down only itself, and nobody can lock another person out of their
account by failing on purpose. After the free attempts, each further failure doubles the
wait before the next attempt from there, up to MAX_DELAY; failures older than WINDOW are
forgotten, and a success clears its pair. An attempt refused for waiting is not recorded and
does not lengthen the wait. An operator clears a wait with `crm-graphql unlock`.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from crm_graphql.core.db import utcnow
from crm_graphql.core.errors import DomainError, ErrorCode
from crm_graphql.platform.auth.models import LoginAttempt

WINDOW = timedelta(minutes=15)
FREE_PER_PAIR = 3  # wrong passwords for one account from one address before waits begin
FREE_PER_ADDRESS = 20  # wrong passwords from one address, whatever the accounts
FIRST_DELAY = timedelta(seconds=1)
MAX_DELAY = timedelta(minutes=15)


def delay(failures: int, free: int) -> timedelta:
    """The wait after `failures` failures: none within the free ones, then 1 s, 2 s, 4 s..."""
    if failures < free:
        return timedelta(0)
    doublings: int = min(failures - free, 20)
    return min(FIRST_DELAY * (1 << doublings), MAX_DELAY)


async def _failures(
    session: AsyncSession, where: ColumnElement[bool]
) -> tuple[int, datetime | None]:
    row = (
        await session.execute(
            select(func.count(), func.max(LoginAttempt.at)).where(
                where, LoginAttempt.at >= utcnow() - WINDOW, LoginAttempt.succeeded.is_(False)
            )
        )
    ).one()
    return int(row[0] or 0), row[1]


async def retry_at(session: AsyncSession, email: str, address: str) -> datetime | None:
    """When the next attempt for `email` from `address` may be made, or None for now."""
    pair = and_(LoginAttempt.email == email, LoginAttempt.address == address)
    last_success = await session.scalar(
        select(func.max(LoginAttempt.at)).where(pair, LoginAttempt.succeeded.is_(True))
    )
    if last_success is not None:
        pair = and_(pair, LoginAttempt.at > last_success)
    waits = []
    for where, free in ((pair, FREE_PER_PAIR), (LoginAttempt.address == address, FREE_PER_ADDRESS)):
        count, last = await _failures(session, where)
        if last is not None and count >= free:
            waits.append(last + delay(count, free))
    now = utcnow()
    due = max(waits, default=now)
    return due if due > now else None


def refused(due: datetime) -> DomainError:
    seconds = max(1, math.ceil((due - utcnow()).total_seconds()))
    return DomainError.single(
        ("email",),
        f"Too many failed sign-ins from this address; try again in {seconds} seconds "
        f"(retry after {due.isoformat(timespec='seconds')}).",
        ErrorCode.RATE_LIMITED,
    )


async def clear(session: AsyncSession, *, email: str | None, address: str | None) -> int:
    """Forgets the recent failures of an account and/or an address (the operator's unlock);
    how many were forgotten."""
    if email is None and address is None:
        raise ValueError("give an email, an address or both")
    where = [LoginAttempt.succeeded.is_(False), LoginAttempt.at >= utcnow() - WINDOW]
    if email is not None:
        where.append(LoginAttempt.email == email.strip().lower()[:254])
    if address is not None:
        where.append(LoginAttempt.address == address.strip())
    result = await session.execute(delete(LoginAttempt).where(*where).returning(LoginAttempt.id))
    return len(result.all())
