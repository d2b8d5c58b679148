"""Each audit test gets a freshly migrated database of its own."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

import crm_graphql.app.models  # noqa: F401  (every table in the metadata)
from crm_graphql.core.db import create_engine, create_sessionmaker
from crm_graphql.core.migrations import upgrade
from crm_graphql.core.settings import Settings
from tests.support.databases import fresh_database


@pytest.fixture
async def engine(backend: str, tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    """A freshly migrated database of its own: several tests break its chain on purpose."""
    async with fresh_database(backend, tmp_path) as url:
        engine = create_engine(Settings(database_url=url))
        try:
            await upgrade(engine)
            yield engine
        finally:
            await engine.dispose()


@pytest.fixture
def sessions(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return create_sessionmaker(engine)
