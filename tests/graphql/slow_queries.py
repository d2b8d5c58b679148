"""An app on its own database of 20,000 tags, and a filter that keeps either database busy
for seconds (176 s on PostgreSQL, 10 s on SQLite, measured): for the statement timeout and
the cancellation of a request whose client has gone."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
from starlette.applications import Starlette

from crm_graphql.app.factory import create_app
from crm_graphql.core.db import create_engine
from crm_graphql.core.settings import Settings
from crm_graphql.graphql.filter_limits import MAX_FILTER_LIST, MAX_FILTER_TEXT
from crm_graphql.platform.users.models import UserRole
from tests.support.databases import fresh_database
from tests.support.graphql_client import SignIn

TAGS = 20_000
SLOW = "query($f: TagFilter) { tags(filter: $f) { totalCount } }"
# 500 conditions on each of 20,000 rows, every pattern as long as a filter allows
PATTERNS = [f"{i:04d}" + "q" * (MAX_FILTER_TEXT - 4) for i in range(MAX_FILTER_LIST)]
SLOW_FILTER = {"or": [{"name": {"contains": p}} for p in PATTERNS]}

FILL = {
    "sqlite": (
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {count}) "
        "INSERT INTO tags (name, name_key, version, created_at, updated_at) "
        "SELECT 'bulk ' || i, 'bulk ' || i, 1, '2026-01-01 00:00:00', '2026-01-01 00:00:00' "
        "FROM n"
    ),
    "postgresql": (
        "INSERT INTO tags (name, name_key, version, created_at, updated_at) "
        "SELECT 'bulk ' || i, 'bulk ' || i, 1, now(), now() FROM generate_series(1, {count}) i"
    ),
}


@asynccontextmanager
async def tagged_app(
    backend: str, tmp_dir: Path, timeout_ms: int
) -> AsyncIterator[tuple[Starlette, str, str]]:
    """The app (lifespan running), its database URL and an administrator's bearer token."""
    async with fresh_database(backend, tmp_dir) as url:
        settings = Settings(database_url=url, env="test", statement_timeout_ms=timeout_ms)
        app = create_app(settings)
        if not settings.is_sqlite:
            from crm_graphql.core.migrations import upgrade

            await upgrade(app.state.resources.engine)
        async with app.router.lifespan_context(app):
            # filled without the timeout: on a busy machine the fill itself may take longer
            untimed = create_engine(Settings(database_url=url, statement_timeout_ms=0))
            async with untimed.begin() as conn:
                await conn.exec_driver_sql(FILL[backend].format(count=TAGS))
            await untimed.dispose()
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://t") as anon:
                token = await SignIn(app, anon).token_for("admin@slow.example", UserRole.ADMIN)
            yield app, url, token
