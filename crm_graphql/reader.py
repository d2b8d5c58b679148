"""The read side of a request: one lazily opened autocommit connection, used one statement at
a time (loaders of one request may dispatch concurrently; a connection runs one statement)."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Executable, Row
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

AnyRow = Row[*tuple[Any, ...]]


class Reader:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        self._conn: AsyncConnection | None = None
        self._lock = asyncio.Lock()

    @property
    def dialect(self) -> str:
        return self._engine.dialect.name

    async def rows(self, statement: Executable) -> Sequence[AnyRow]:
        async with self._lock:
            if self._conn is None:
                conn = await self._engine.connect()
                self._conn = await conn.execution_options(isolation_level="AUTOCOMMIT")
            result = await self._conn.execute(statement)
            return result.all()

    async def scalar(self, statement: Executable) -> Any:
        rows = await self.rows(statement)
        return rows[0][0] if rows else None

    async def close(self) -> None:
        async with self._lock:
            if self._conn is not None:
                conn, self._conn = self._conn, None
                # a cancelled request (a client gone) must still hand its connection back
                await asyncio.shield(conn.close())
