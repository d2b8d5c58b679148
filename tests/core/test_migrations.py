"""Migrations build exactly the schema the models describe, and run both ways."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect
from sqlalchemy.engine import Connection

from crm_graphql.app.models import Base
from crm_graphql.core.db import create_engine
from crm_graphql.core.migrations import alembic_config, upgrade
from crm_graphql.core.settings import Settings
from tests.support.databases import fresh_database


def _differences(connection: Connection) -> list[Any]:
    context = MigrationContext.configure(
        connection, opts={"compare_type": True, "render_as_batch": True}
    )
    return list(compare_metadata(context, Base.metadata))


def _downgrade(connection: Connection) -> None:
    config = alembic_config()
    config.attributes["connection"] = connection
    command.downgrade(config, "base")


def _tables(connection: Connection) -> set[str]:
    return set(inspect(connection).get_table_names())


async def test_migrations_match_models_and_downgrade(backend: str, tmp_path: Path) -> None:
    async with fresh_database(backend, tmp_path) as url:
        engine = create_engine(Settings(database_url=url))
        try:
            await upgrade(engine)
            async with engine.connect() as conn:
                assert await conn.run_sync(_differences) == []
                assert set(Base.metadata.tables) <= await conn.run_sync(_tables)
            async with engine.begin() as conn:
                await conn.run_sync(_downgrade)
            async with engine.connect() as conn:
                assert await conn.run_sync(_tables) == {"alembic_version"}
            await upgrade(engine)  # and up again
            async with engine.connect() as conn:
                assert await conn.run_sync(_differences) == []
        finally:
            await engine.dispose()
