"""The statement timeout (CRM_STATEMENT_TIMEOUT_MS, issue 11 item 4): a statement that runs too
long is stopped by the database (PostgreSQL's statement_timeout, SQLite's progress handler) and
answered as STATEMENT_TIMEOUT, not as an internal error; the connection stays usable."""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from crm_graphql.app.factory import create_app
from crm_graphql.core.db import create_engine
from crm_graphql.core.settings import Settings
from crm_graphql.graphql.filter_limits import MAX_FILTER_LIST, MAX_FILTER_TEXT
from crm_graphql.platform.users.models import UserRole
from tests.support.databases import fresh_database
from tests.support.graphql_client import SignIn

TIMEOUT_MS = 250
TAGS = 20_000
SLOW = "query($f: TagFilter) { tags(filter: $f) { totalCount } }"
# 500 conditions on each of 20,000 rows, every pattern as long as a filter allows: seconds of
# work for either database, far beyond the timeout
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


@pytest.fixture(scope="module")
async def timed(backend: str, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Any]:
    """An app on its own database of 20,000 tags, with a short statement timeout, and an
    administrator's client."""
    async with fresh_database(backend, tmp_path_factory.mktemp("timeout")) as url:
        settings = Settings(database_url=url, env="test", statement_timeout_ms=TIMEOUT_MS)
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
                token = await SignIn(app, anon).token_for("admin@timeout.example", UserRole.ADMIN)
                anon.headers["authorization"] = f"Bearer {token}"
                yield anon


async def test_a_slow_query_is_stopped_with_a_clear_error(timed: httpx.AsyncClient) -> None:
    started = time.monotonic()
    response = await timed.post("/graphql", json={"query": SLOW, "variables": {"f": SLOW_FILTER}})
    elapsed = time.monotonic() - started
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["data"] is None, body
    (error,) = body["errors"]
    assert error["extensions"]["code"] == "STATEMENT_TIMEOUT", error
    assert f"{TIMEOUT_MS} ms" in error["message"], error
    assert elapsed < 5, elapsed  # stopped, not run to its end
    # the connection that was interrupted serves the next request
    fast = {"query": SLOW, "variables": {"f": {"name": {"eq": "bulk 7"}}}}
    body = (await timed.post("/graphql", json=fast)).json()
    assert body == {"data": {"tags": {"totalCount": 1}}}, json.dumps(body)[:500]


async def test_ordinary_writes_pass(timed: httpx.AsyncClient) -> None:
    # the deadline is per statement, each starts afresh: a write of several statements passes
    create = """mutation($i: CreateTagInput!) { createTag(input: $i) {
      tag { id name } errors { field message code } } }"""
    body = (
        await timed.post("/graphql", json={"query": create, "variables": {"i": {"name": "t1"}}})
    ).json()
    assert body["data"]["createTag"]["errors"] == [], body
