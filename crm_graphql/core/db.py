"""Declarative base, column types, and the engine factory (SQLite pragmas, write transactions)."""

from __future__ import annotations

import contextvars
import enum
import weakref
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import DateTime, Enum, Integer, MetaData, event
from sqlalchemy.engine import Connection, Dialect, make_url
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.ext.asyncio import (
    AsyncConnection,
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column
from sqlalchemy.pool import ConnectionPoolEntry
from sqlalchemy.types import TypeDecorator

from crm_graphql.core.settings import Settings
from crm_graphql.core.timeouts import (
    install_postgresql_timeout,
    install_sqlite_timeout,
    postgresql_connect_args,
)

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

WRITE_OPTION = "crm_write"
READ_OPTION = "crm_read"  # statements that each commit on their own (see reading_engine)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class UTCDateTime(TypeDecorator[datetime]):
    """Timestamps stored in UTC and always returned timezone-aware (SQLite keeps no zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored; pass an aware datetime")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def enum_type(cls: type[enum.Enum]) -> Enum:
    """Enum columns store member names as text, checked by a CHECK constraint (portable)."""
    return Enum(cls, native_enum=False, length=20, create_constraint=True)


def utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass(slots=True)
class StatementStats:
    """SQL statements issued while serving one request (CRM_DEBUG=1 shows them)."""

    statements: int = 0
    seconds: float = 0.0


current_stats: contextvars.ContextVar[StatementStats | None] = contextvars.ContextVar(
    "crm_statement_stats", default=None
)


def _count_statements(engine: AsyncEngine) -> None:
    import time

    @event.listens_for(engine.sync_engine, "before_cursor_execute")
    def before(conn: Connection, cursor: Any, statement: str, *args: Any) -> None:
        conn.info["crm_started"] = time.perf_counter()

    @event.listens_for(engine.sync_engine, "after_cursor_execute")
    def after(conn: Connection, cursor: Any, statement: str, *args: Any) -> None:
        stats = current_stats.get()
        if stats is not None:
            stats.statements += 1
            stats.seconds += time.perf_counter() - conn.info.pop("crm_started", 0.0)


def _lower(value: object) -> object:
    return value.lower() if isinstance(value, str) else value


def _configure_sqlite(engine: AsyncEngine) -> None:
    @event.listens_for(engine.sync_engine, "connect")
    def on_connect(dbapi_connection: Any, record: ConnectionPoolEntry) -> None:
        # Take transaction control from the driver so that BEGIN is ours to emit.
        dbapi_connection.isolation_level = None
        # SQLite's lower() folds ASCII only; ILIKE-style matching must fold É as PostgreSQL does.
        dbapi_connection.create_function("lower", 1, _lower, deterministic=True)
        cursor = dbapi_connection.cursor()
        for pragma in (
            "journal_mode=WAL",
            "synchronous=FULL",
            "foreign_keys=ON",
            "busy_timeout=10000",
            "secure_delete=ON",  # freed cells are zeroed: erased data is not left in free pages
        ):
            cursor.execute(f"PRAGMA {pragma}")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def on_begin(conn: Connection) -> None:
        # A deferred transaction that later writes gets SQLITE_BUSY without waiting on
        # busy_timeout; writers therefore take the lock up front.
        options = conn.get_execution_options()
        if options.get("isolation_level") == "AUTOCOMMIT" or options.get(READ_OPTION):
            return
        write = options.get(WRITE_OPTION, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def _replace_closed_connections(engine: AsyncEngine) -> None:
    """A pooled connection that PostgreSQL closed (a restart, a terminated backend) is replaced
    when it is checked out. asyncpg learns of the closed socket when the event loop reads it,
    so the check costs no round trip; SQLAlchemy's pool_pre_ping would cost three per checkout
    on asyncpg (BEGIN, a ping, ROLLBACK), once per statement. What this cannot see (a close
    not read yet, a connection cut without a FIN) fails that one statement, and SQLAlchemy
    discards the connection."""

    @event.listens_for(engine.sync_engine, "checkout")
    def on_checkout(dbapi_connection: Any, record: ConnectionPoolEntry, proxy: Any) -> None:
        driver = record.driver_connection
        if driver is not None and driver.is_closed():
            raise DisconnectionError("the server closed this pooled connection")


def create_engine(settings: Settings) -> AsyncEngine:
    url = make_url(settings.database_url)
    kwargs: dict[str, Any] = {}
    if url.get_backend_name() == "sqlite":
        if url.database and url.database != ":memory:":
            Path(url.database).parent.mkdir(parents=True, exist_ok=True)
    else:
        # Connections are opened on demand up to the pool size and then kept: overflow
        # connections would be closed on return and opened again under load (a connection
        # costs PostgreSQL a process and the worker a handshake), which cost W3 a third of
        # its throughput in bench/NOTES.md.
        kwargs.update(pool_size=settings.db_pool_size, max_overflow=0)
        kwargs.update(connect_args=postgresql_connect_args(settings.statement_timeout_ms))
    engine = create_async_engine(url, **kwargs)
    if url.get_backend_name() == "sqlite":
        _configure_sqlite(engine)
        install_sqlite_timeout(engine, settings.statement_timeout_ms)
    else:
        _replace_closed_connections(engine)
        install_postgresql_timeout(engine, settings.statement_timeout_ms)
    _count_statements(engine)
    return engine


_READING: weakref.WeakKeyDictionary[AsyncEngine, AsyncEngine] = weakref.WeakKeyDictionary()


def reading_engine(engine: AsyncEngine) -> AsyncEngine:
    """The engine for reads outside transactions (made once per engine): each statement
    commits on its own. On PostgreSQL that is the AUTOCOMMIT isolation level (set on the
    connection, no round trip). SQLite connections already leave transactions to us (see
    _configure_sqlite): reads simply open none, as setting and resetting the isolation level
    would cost three calls through aiosqlite's thread for every checkout."""
    found = _READING.get(engine)
    if found is None:
        if engine.dialect.name == "sqlite":
            found = engine.execution_options(**{READ_OPTION: True})
        else:
            found = engine.execution_options(isolation_level="AUTOCOMMIT")
        _READING[engine] = found
    return found


async def checkpoint_wal(engine: AsyncEngine) -> None:
    """Copies the SQLite write-ahead log into the database file and empties it (TRUNCATE).

    Run after an erasure has committed: until a checkpoint, the WAL still holds the pages as
    they were before, personal data included, and secure_delete (see _configure_sqlite) only
    overwrites what is freed in the database file itself. It waits on writers as long as
    busy_timeout allows; if it cannot finish, SQLite's automatic checkpoints complete it
    later. PostgreSQL needs nothing: a vacuum reclaims dead rows, and its WAL is the
    operator's (archive retention) concern."""
    if engine.dialect.name != "sqlite":
        return
    async with reading_engine(engine).connect() as conn:
        await conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")


def create_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=False)


@asynccontextmanager
async def write_session(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> AsyncIterator[AsyncSession]:
    """A session whose transaction takes the write lock at BEGIN (on SQLite) and commits at exit."""
    async with sessionmaker() as session:
        await session.connection(execution_options={WRITE_OPTION: True})
        try:
            yield session
            await session.commit()
        except BaseException:
            await session.rollback()
            raise


async def database_state(engine: AsyncEngine) -> dict[str, object]:
    """What /healthz reports: reachable or not, and the migration revision."""
    conn: AsyncConnection
    try:
        async with engine.connect() as conn:
            revision = await conn.exec_driver_sql("SELECT version_num FROM alembic_version")
            return {
                "status": "ok",
                "dialect": engine.dialect.name,
                "revision": revision.scalar_one_or_none(),
            }
    except Exception as exc:
        return {
            "status": "unavailable",
            "dialect": engine.dialect.name,
            "error": type(exc).__name__,
        }


class Versioned:
    """Optimistic concurrency: each UPDATE checks and bumps `version` (a version_id_col)."""

    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime(), nullable=False, default=utcnow, onupdate=utcnow
    )

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:
        return {"version_id_col": cls.__table__.c.version}  # type: ignore[attr-defined]


class SoftDeletable:
    """Deleted records keep their row, disappear from lists, and can be restored."""

    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True, default=None)
