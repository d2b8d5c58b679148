"""The statement timeout (CRM_STATEMENT_TIMEOUT_MS): no SQL statement runs longer.

A 10 MB `search` once kept PostgreSQL busy for 111 s, after its client had gone. PostgreSQL
stops such a statement itself: `statement_timeout` is set for every connection as it opens
(asyncpg's server_settings, no extra round trip). SQLite has no such setting; a progress
handler, called by SQLite every few thousand virtual-machine steps, interrupts a statement
once it has run past its deadline (set as each statement starts). Either way the driver's
error becomes StatementTimeoutError, which the API answers as STATEMENT_TIMEOUT, and a
transaction it interrupted rolls back.
"""

from __future__ import annotations

import contextvars
import math
import time
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Connection, ExceptionContext
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.pool import ConnectionPoolEntry

from crm_graphql.core.errors import StatementTimeoutError

PROGRESS_STEPS = 10_000  # SQLite VM instructions between two looks at the clock (~0.1 ms)
_DEADLINE = "crm_deadline"
QUERY_CANCELED = "57014"  # PostgreSQL's SQLSTATE for a cancelled statement


def postgresql_connect_args(timeout_ms: int) -> dict[str, Any]:
    """asyncpg arguments that set the timeout on every new connection."""
    if timeout_ms <= 0:
        return {}
    return {"server_settings": {"statement_timeout": str(timeout_ms)}}


class Cancellation:
    """Set by the HTTP layer when the client of a request has gone (security/disconnect.py):
    a SQLite statement of that request stops at the next progress check. (PostgreSQL needs
    none: cancelling the request's task makes asyncpg send the server a cancel request.)"""

    __slots__ = ("cancelled",)

    def __init__(self) -> None:
        self.cancelled = False


current_cancellation: contextvars.ContextVar[Cancellation | None] = contextvars.ContextVar(
    "crm_cancellation", default=None
)


class _Deadline:
    """When the running statement of one SQLite connection must stop (inf: none running),
    and the cancellation of the request that runs it."""

    __slots__ = ("at", "cancellation")

    def __init__(self) -> None:
        self.at = math.inf
        self.cancellation: Cancellation | None = None

    def passed(self) -> int:
        # Called by SQLite in aiosqlite's thread; non-zero interrupts the statement.
        cancellation = self.cancellation
        if cancellation is not None and cancellation.cancelled:
            return 1
        return 1 if time.monotonic() > self.at else 0


def install_sqlite_timeout(engine: AsyncEngine, timeout_ms: int) -> None:
    """The progress handler, on every connection: for the timeout (none when `timeout_ms` is
    0) and for requests whose client has gone."""
    seconds = timeout_ms / 1000 if timeout_ms > 0 else math.inf

    @event.listens_for(engine.sync_engine, "connect")
    def on_connect(dbapi_connection: Any, record: ConnectionPoolEntry) -> None:
        deadline = _Deadline()
        record.info[_DEADLINE] = deadline
        dbapi_connection.run_async(  # on the aiosqlite connection, in its thread
            lambda driver: driver.set_progress_handler(deadline.passed, PROGRESS_STEPS)
        )

    @event.listens_for(engine.sync_engine, "before_cursor_execute")
    def started(conn: Connection, *args: Any) -> None:
        deadline = conn.connection._connection_record.info.get(_DEADLINE)  # type: ignore[union-attr]
        if deadline is not None:
            deadline.at = time.monotonic() + seconds
            deadline.cancellation = current_cancellation.get()

    @event.listens_for(engine.sync_engine, "after_cursor_execute")
    def finished(conn: Connection, *args: Any) -> None:
        deadline = conn.connection._connection_record.info.get(_DEADLINE)  # type: ignore[union-attr]
        if deadline is not None:
            deadline.at = math.inf
            deadline.cancellation = None

    _translate_errors(engine, timeout_ms)


def install_postgresql_timeout(engine: AsyncEngine, timeout_ms: int) -> None:
    if timeout_ms > 0:
        _translate_errors(engine, timeout_ms)


def is_statement_timeout(error: BaseException | None, dialect: str) -> bool:
    if error is None:
        return False
    if dialect == "sqlite":
        return str(error) == "interrupted"
    return getattr(error, "sqlstate", None) == QUERY_CANCELED


def _translate_errors(engine: AsyncEngine, timeout_ms: int) -> None:
    @event.listens_for(engine.sync_engine, "handle_error")
    def on_error(context: ExceptionContext) -> None:
        dialect = engine.dialect.name
        if context.connection is not None and dialect == "sqlite":
            finished(context.connection)
        if is_statement_timeout(context.original_exception, dialect):
            raise StatementTimeoutError(
                f"The query took longer than the server allows ({timeout_ms} ms, "
                "CRM_STATEMENT_TIMEOUT_MS) and was stopped; ask for less (a narrower filter, "
                "a shorter search, a smaller page)."
            ) from context.original_exception

    def finished(conn: Connection) -> None:
        record = getattr(conn.connection, "_connection_record", None)
        deadline = record.info.get(_DEADLINE) if record is not None else None
        if deadline is not None:
            deadline.at = math.inf
