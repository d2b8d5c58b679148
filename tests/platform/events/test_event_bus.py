"""Subscriptions across server processes: two `crm-graphql serve` processes on one PostgreSQL
database, with Redis or PostgreSQL LISTEN/NOTIFY as the bus. A subscriber connected to server A
gets the deals moved through server B in order, each once, within a second; log polling is set
to an hour, so only the bus can be that fast. A subscriber that reconnects with `after` gets
what it missed."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from crm_graphql.devtools.seed import DEMO_PASSWORD
from tests.support.databases import REDIS_URL, fresh_database, require_redis
from tests.support.live_client import live_client
from tests.support.servers import serve
from tests.support.waiting import eventually

pytestmark = pytest.mark.postgresql

DEAL_EVENTS = """
subscription($pipeline: ID!, $after: String) {
  dealEvents(pipelineId: $pipeline, after: $after) {
    cursor sequence kind changedFields deal { id title version stage { name } }
  }
}
"""
MOVE = """
mutation($input: MoveDealInput!) {
  moveDeal(input: $input) { deal { version } errors { field message code } }
}
"""


class Api:
    def __init__(self, host: str, token: str = "") -> None:
        self.host = host
        self.token = token

    async def call(self, query: str, variables: dict[str, Any] | None = None) -> Any:
        async with httpx.AsyncClient(base_url=f"http://{self.host}", timeout=30) as http:
            response = await http.post(
                "/graphql",
                json={"query": query, "variables": variables or {}},
                headers={"authorization": f"Bearer {self.token}"} if self.token else {},
            )
        body = response.json()
        assert "errors" not in body, body
        (payload,) = body["data"].values()
        if isinstance(payload, dict) and "errors" in payload:
            assert payload["errors"] == [], payload["errors"]
        return payload


@pytest.fixture(params=["redis", "postgresql"])
async def two_servers(
    request: pytest.FixtureRequest, tmp_path: Path
) -> AsyncIterator[tuple[Api, Api]]:
    if request.param == "redis":
        await require_redis()
    async with fresh_database("postgresql", tmp_path) as url:
        env = {
            **os.environ,
            "CRM_DATABASE_URL": url,
            "CRM_EVENT_BUS_URL": REDIS_URL if request.param == "redis" else url,
            "CRM_EVENT_POLL_SECONDS": "3600",
        }
        for command in (["migrate"], ["seed", "--customers", "3"]):
            await asyncio.to_thread(
                subprocess.run,
                [sys.executable, "-m", "crm_graphql", *command],
                env=env,
                check=True,
                capture_output=True,
            )
        with (
            serve(env, tmp_path / "a.log") as a,
            serve(env, tmp_path / "b.log") as b,
        ):
            login = await Api(b.host).call(
                "mutation($i: LoginInput!) { login(input: $i) { token errors { code } } }",
                {"i": {"email": "admin@example.com", "password": DEMO_PASSWORD}},
            )
            yield Api(a.host, login["token"]), Api(b.host, login["token"])


async def test_a_deal_moved_through_one_server_reaches_a_subscriber_of_the_other(
    two_servers: tuple[Api, Api],
) -> None:
    a, b = two_servers
    pipelines = await b.call("{ pipelines(first: 1) { nodes { id stages { id kind } } } }")
    pipeline = pipelines["nodes"][0]
    open_stages = [s["id"] for s in pipeline["stages"] if s["kind"] == "OPEN"]
    customer = await b.call(
        'mutation { createCustomer(input: {name: "Bus Customer"}) { customer { id } errors '
        "{ code } } }"
    )
    deal = (
        await b.call(
            "mutation($i: CreateDealInput!) { createDeal(input: $i) { deal { id version } "
            "errors { message } } }",
            {
                "i": {
                    "title": "Across workers",
                    "amount": {"amount": "1000.00", "currency": "USD"},
                    "customerId": customer["customer"]["id"],
                }
            },
        )
    )["deal"]
    version = deal["version"]

    async def move(api: Api, stage: str) -> None:
        nonlocal version
        payload = await api.call(
            MOVE, {"input": {"id": deal["id"], "expectedVersion": version, "stageId": stage}}
        )
        version = payload["deal"]["version"]

    async with live_client(a.host, a.token) as client:
        events = client.subscribe(DEAL_EVENTS, {"pipeline": pipeline["id"]})
        # a change through A itself shows the subscription is in place
        for _ in range(50):
            await move(a, open_stages[1])
            try:
                first = await events.next(within=0.2)
                break
            except TimeoutError:
                continue
        else:
            pytest.fail("the subscription never received a change")
        while not events.results.empty():
            first = await events.next()
        received = []
        for stage in [open_stages[2], open_stages[3], open_stages[0], open_stages[1]]:
            started = time.monotonic()
            await move(b, stage)
            event = await events.next(within=5)
            received.append((event, time.monotonic() - started))
        await events.nothing_more()
    assert all(seconds < 1.0 for _, seconds in received), received
    assert [e["kind"] for e, _ in received] == ["MOVED"] * 4
    sequences = [int(first["sequence"])] + [int(e["sequence"]) for e, _ in received]
    assert sequences == sorted(set(sequences))  # in order, each once
    assert received[-1][0]["deal"]["version"] == version

    # disconnected: two moves through B; reconnecting to A with `after` gets exactly those
    last = received[-1][0]["cursor"]
    await move(b, open_stages[2])
    await move(b, open_stages[3])
    async with live_client(a.host, a.token) as client:
        events = client.subscribe(DEAL_EVENTS, {"pipeline": pipeline["id"], "after": last})
        missed = await events.take(2)
        await move(b, open_stages[0])
        live = await events.next(within=5)
        await events.nothing_more()
    sequences = [int(e["sequence"]) for e in (received[-1][0], *missed, live)]
    assert sequences == sorted(set(sequences))
    assert [(e["kind"], "stage" in e["changedFields"]) for e in missed] == [("MOVED", True)] * 2
    assert live["deal"]["version"] == version


async def test_a_logout_through_one_server_is_refused_by_the_other_at_once(
    two_servers: tuple[Api, Api],
) -> None:
    """Each process caches signed-in viewers for CRM_AUTH_CACHE_SECONDS (5 s); a logout on B
    clears A's cache through the bus, so A refuses the token on the next request."""
    a, b = two_servers
    session = await Api(b.host).call(
        "mutation($i: LoginInput!) { login(input: $i) { token errors { code } } }",
        {"i": {"email": "admin@example.com", "password": DEMO_PASSWORD}},
    )
    token = session["token"]
    query = {"query": "{ viewer { id } }"}
    async with httpx.AsyncClient(
        base_url=f"http://{a.host}", headers={"authorization": f"Bearer {token}"}, timeout=30
    ) as on_a:
        assert (await on_a.post("/graphql", json=query)).status_code == 200  # A caches it
        await Api(b.host, token).call("mutation { logout { errors { code } } }")

        async def refused_by_a() -> bool:
            return (await on_a.post("/graphql", json=query)).status_code == 401

        await eventually(refused_by_a, within=1.0, message="A still accepts the token after 1 s")
