"""A request whose client disconnects stops its SQL (issue 11, item 4): the filter of
slow_queries.py would run for 176 s on PostgreSQL and 10 s on SQLite after the client left."""

from __future__ import annotations

from collections.abc import AsyncIterator

import asyncpg
import httpx
import pytest
from sqlalchemy.engine import make_url
from starlette.applications import Starlette

from tests.graphql.slow_queries import SLOW, SLOW_FILTER, tagged_app
from tests.support.servers import serving
from tests.support.waiting import eventually

STARTED = 0.5  # seconds the client waits before it gives up on its request


@pytest.fixture(scope="module")
async def served(
    backend: str, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[tuple[Starlette, str, str, str]]:
    """The app without a statement timeout, served over TCP: (app, url, token, host)."""
    async with tagged_app(backend, tmp_path_factory.mktemp("disconnect"), 0) as found:
        app, url, token = found
        async with serving(app) as host:
            yield app, url, token, host


async def give_up(host: str, token: str) -> None:
    """Sends the slow query and closes the connection before the answer comes."""
    headers = {"authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=f"http://{host}", headers=headers) as client:
        with pytest.raises(httpx.ReadTimeout):
            await client.post(
                "/graphql",
                json={"query": SLOW, "variables": {"f": SLOW_FILTER}},
                timeout=httpx.Timeout(STARTED),
            )


async def test_the_statement_stops(backend: str, served: tuple[Starlette, str, str, str]) -> None:
    app, url, token, host = served
    if backend == "sqlite":
        pool = app.state.resources.engine.pool
        await give_up(host, token)
        # the statement holds its connection until it ends: 10 s if it ran on
        await eventually(lambda: pool.checkedout() == 0, within=3, message="the statement ran on")
        return
    parts = make_url(url)
    admin = await asyncpg.connect(
        host=parts.host, port=parts.port, user=parts.username, database=parts.database
    )

    async def stopped() -> bool:
        found = await admin.fetchval(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND state = 'active' AND query LIKE '%FROM tags%' AND pid <> pg_backend_pid()"
        )
        return int(found) == 0

    try:
        await give_up(host, token)
        await eventually(stopped, within=5, message="the statement ran on")
    finally:
        await admin.close()
