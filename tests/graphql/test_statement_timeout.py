"""The statement timeout (CRM_STATEMENT_TIMEOUT_MS, issue 11 item 4): a statement that runs too
long is stopped by the database (PostgreSQL's statement_timeout, SQLite's progress handler) and
answered as STATEMENT_TIMEOUT, not as an internal error; the connection stays usable."""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator

import httpx
import pytest

from tests.graphql.slow_queries import SLOW, SLOW_FILTER, tagged_app

TIMEOUT_MS = 250


@pytest.fixture(scope="module")
async def timed(
    backend: str, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[httpx.AsyncClient]:
    """An administrator's client of an app with a short statement timeout."""
    async with tagged_app(backend, tmp_path_factory.mktemp("timeout"), TIMEOUT_MS) as found:
        app, _, token = found
        transport = httpx.ASGITransport(app=app)
        headers = {"authorization": f"Bearer {token}"}
        async with httpx.AsyncClient(
            transport=transport, base_url="http://t", headers=headers
        ) as client:
            yield client


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
