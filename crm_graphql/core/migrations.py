"""Running the Alembic migrations (in migrations/ at the project root) from the application."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from crm_graphql.core.db import WRITE_OPTION

SCRIPT_LOCATION = Path(__file__).resolve().parents[2] / "migrations"


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(SCRIPT_LOCATION))
    return config


async def upgrade(engine: AsyncEngine, revision: str = "head") -> None:
    """Brings the database to `revision` on one connection, inside one transaction."""
    config = alembic_config()

    def run(connection: Connection) -> None:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)

    async with engine.connect() as conn:
        conn = await conn.execution_options(**{WRITE_OPTION: True})
        await conn.run_sync(run)
        await conn.commit()
