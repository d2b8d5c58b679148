"""The read side of a request: autocommit statements, one at a time, each on a pooled
connection held only while it runs.

Every statement reads in its own snapshot (autocommit), so keeping one connection for the
whole request would buy no consistency; handing it back between statements means a pool of
CRM_DB_POOL_SIZE serves many more requests at once than it has connections (a request spends
most of its time in Python, not waiting on the database). A request still holds at most one
connection: its loaders may dispatch concurrently, and the lock runs their statements in turn.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Executable, Row
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from crm_graphql.core.db import reading_engine

AnyRow = Row[*tuple[Any, ...]]


class Reader:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = reading_engine(engine)
        self._lock = asyncio.Lock()

    @property
    def dialect(self) -> str:
        return self._engine.dialect.name

    async def rows(
        self, statement: Executable, parameters: dict[str, Any] | None = None
    ) -> Sequence[AnyRow]:
        async with self._lock, self._engine.connect() as conn:
            result = await conn.execute(statement, parameters)
            return result.all()

    async def scalar(self, statement: Executable) -> Any:
        rows = await self.rows(statement)
        return rows[0][0] if rows else None


async def read_rows(db: Reader | AsyncSession, statement: Executable) -> Sequence[AnyRow]:
    """Requests read through their Reader; background work (subscriptions) may hold a session."""
    if isinstance(db, AsyncSession):
        return (await db.execute(statement)).all()
    return await db.rows(statement)
