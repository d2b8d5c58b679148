"""User domain logic used by other domains."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from crm_graphql.core.errors import ErrorCode, Problems
from crm_graphql.platform.users.models import User


async def require_active_user(
    session: AsyncSession, pk: int, field: Sequence[str], problems: Problems
) -> int | None:
    """`pk` when it names an active user; otherwise None and a NOT_FOUND problem."""
    user = await session.get(User, pk)
    if user is None or not user.is_active:
        problems.add(field, "No active User with this ID exists.", ErrorCode.NOT_FOUND)
        return None
    return pk
