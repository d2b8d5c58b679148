"""The PostgreSQL connection pool: connections the server closed are replaced on checkout."""

from __future__ import annotations

from pathlib import Path

import asyncpg
import pytest
from sqlalchemy import text

from crm_graphql.core.db import create_engine
from crm_graphql.core.settings import Settings
from tests.support.databases import PG_ADMIN_DB, PG_HOST, PG_PORT, PG_USER, fresh_database
from tests.support.waiting import eventually

pytestmark = pytest.mark.postgresql


async def test_a_connection_the_server_closed_is_replaced(tmp_path: Path) -> None:
    async with fresh_database("postgresql", tmp_path) as url:
        engine = create_engine(Settings(database_url=url, env="test"))
        try:
            async with engine.connect() as conn:
                first = await conn.scalar(text("SELECT pg_backend_pid()"))
                pooled = (await conn.get_raw_connection()).driver_connection
            # the pooled connection's backend goes away (a restart, an idle timeout)
            admin = await asyncpg.connect(
                host=PG_HOST, port=PG_PORT, user=PG_USER, database=PG_ADMIN_DB
            )
            try:
                assert await admin.fetchval("SELECT pg_terminate_backend($1)", first)
            finally:
                await admin.close()
            assert pooled is not None
            await eventually(pooled.is_closed)  # once the loop has read the closed socket
            async with engine.connect() as conn:
                second = await conn.scalar(text("SELECT pg_backend_pid()"))
            assert second != first
        finally:
            await engine.dispose()
