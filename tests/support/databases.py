"""Fresh databases for tests: a SQLite file, or a new PostgreSQL database per run."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import asyncpg
import pytest

PG_HOST = os.environ.get("CRM_TEST_PG_HOST", "127.0.0.1")
PG_PORT = int(os.environ.get("CRM_TEST_PG_PORT", "5432"))
PG_USER = os.environ.get("CRM_TEST_PG_USER", "postgres")
PG_ADMIN_DB = os.environ.get("CRM_TEST_PG_DATABASE", "test")
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}

# For a test that never reaches the database (refused before any statement): on PostgreSQL it
# would run the same code again, so it runs on SQLite only.
sqlite_only = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)


async def postgres_reachable() -> str | None:
    """None when the server answers, else why not."""
    try:
        conn = await asyncpg.connect(
            host=PG_HOST, port=PG_PORT, user=PG_USER, database=PG_ADMIN_DB, timeout=5
        )
    except (OSError, asyncpg.PostgresError) as exc:
        return f"PostgreSQL at {PG_HOST}:{PG_PORT} is not reachable: {exc}"
    await conn.close()
    return None


async def require_postgres() -> None:
    """Skips the calling test without a server, except in CI, where that is a failure."""
    reason = await postgres_reachable()
    if reason is None:
        return
    if IN_CI:
        pytest.fail(f"CI requires PostgreSQL: {reason}")
    pytest.skip(reason)


@asynccontextmanager
async def fresh_database(backend: str, tmp_dir: Path) -> AsyncIterator[str]:
    """Yields the URL of an empty database, dropped afterwards."""
    if backend == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_dir / f'crm-{uuid.uuid4().hex[:8]}.sqlite3'}"
        return
    await require_postgres()
    name = f"crm_test_{uuid.uuid4().hex[:12]}"
    admin = await asyncpg.connect(host=PG_HOST, port=PG_PORT, user=PG_USER, database=PG_ADMIN_DB)
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
        try:
            yield f"postgresql+asyncpg://{PG_USER}@{PG_HOST}:{PG_PORT}/{name}"
        finally:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()


REDIS_URL = os.environ.get("CRM_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


async def require_redis() -> None:
    """Skips the calling test without a Redis server, except in CI, where that fails."""
    import redis.asyncio as redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=5)
    try:
        await client.ping()
    except (OSError, redis.RedisError) as exc:
        if IN_CI:
            pytest.fail(f"CI requires Redis at {REDIS_URL}: {exc}")
        pytest.skip(f"Redis at {REDIS_URL} is not reachable: {exc}")
    finally:
        await client.aclose()
