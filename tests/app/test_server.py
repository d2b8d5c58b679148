"""A real server process: `crm-graphql serve` on a new SQLite file, queried over the network."""

from __future__ import annotations

import contextlib
import os
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from gql import Client
from gql import gql as gql_document
from gql.transport.exceptions import TransportError
from gql.transport.websockets import WebsocketsTransport

from crm_graphql.devtools.seed import DEMO_PASSWORD
from tests.support.servers import Served, serve
from tests.support.waiting import eventually

QUERY = "{ customers(first: 3) { totalCount nodes { name company { name } } } }"


@pytest.fixture(scope="module")
def token(server: str) -> str:
    """Signs in as the demo administrator (the demo data's documented credentials)."""
    response = httpx.post(
        f"{server}/graphql",
        json={
            "query": "mutation($i: LoginInput!) { login(input: $i) { token errors { code } } }",
            "variables": {"i": {"email": "admin@example.com", "password": DEMO_PASSWORD}},
        },
        timeout=30,
    )
    payload = response.json()["data"]["login"]
    assert payload["errors"] == []
    return str(payload["token"])


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    db = tmp_path_factory.mktemp("server") / "crm.sqlite3"
    env = {**os.environ, "CRM_DATABASE_URL": f"sqlite:///{db}", "CRM_SEED_CUSTOMERS": "12"}
    with serve(env, db.parent / "server.log", "--workers", "2") as running:
        yield running


@pytest.fixture(scope="module")
def server(served: Served) -> str:
    return f"http://{served.host}"


def test_new_database_is_migrated_and_filled_with_demo_data(server: str, token: str) -> None:
    response = httpx.post(
        f"{server}/graphql", json={"query": QUERY}, headers=_auth(token), timeout=10
    )
    assert response.status_code == 200
    customers = response.json()["data"]["customers"]
    assert customers["totalCount"] == 12
    assert len(customers["nodes"]) == 3
    assert all(node["name"] for node in customers["nodes"])


def test_healthz_and_graphiql_over_the_network(server: str) -> None:
    health = httpx.get(f"{server}/healthz", timeout=10).json()
    assert health["database"]["dialect"] == "sqlite"
    page = httpx.get(f"{server}/graphql", headers={"accept": "text/html"}, timeout=10)
    assert "graphiql" in page.text.lower()


def test_requests_without_a_token_are_refused(server: str) -> None:
    response = httpx.post(f"{server}/graphql", json={"query": QUERY}, timeout=10)
    assert response.status_code == 401
    assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


def _auth(token: str) -> dict[str, str]:
    return {"authorization": f"Bearer {token}"}


def test_workers_share_the_database(server: str, token: str) -> None:
    # requests land on either worker; writes through one are read back through any
    name = f"Server tag {os.getpid()}-{time.time_ns()}"
    created = httpx.post(
        f"{server}/graphql",
        json={
            "query": f'mutation {{ createTag(input: {{name: "{name}"}}) {{ errors {{ code }} }} }}'
        },
        headers=_auth(token),
        timeout=10,
    ).json()
    assert created["data"]["createTag"]["errors"] == []
    for _ in range(6):
        found = httpx.post(
            f"{server}/graphql",
            json={"query": f'{{ tags(filter: {{name: {{eq: "{name}"}}}}) {{ totalCount }} }}'},
            headers=_auth(token),
            timeout=10,
        ).json()
        assert found["data"]["tags"]["totalCount"] == 1


async def test_websocket_clients_sign_in_with_connection_init(server: str, token: str) -> None:
    url = server.replace("http://", "ws://") + "/graphql"
    query = gql_document("{ viewer { email } customers(first: 1) { totalCount } }")
    signed_in = WebsocketsTransport(
        url=url,
        subprotocols=[WebsocketsTransport.GRAPHQLWS_SUBPROTOCOL],
        init_payload={"Authorization": f"Bearer {token}"},
    )
    async with Client(transport=signed_in) as session:
        result = await session.execute(query)
    assert result["viewer"]["email"] == "admin@example.com"
    assert result["customers"]["totalCount"] == 12
    anonymous = WebsocketsTransport(
        url=url, subprotocols=[WebsocketsTransport.GRAPHQLWS_SUBPROTOCOL], init_payload={}
    )
    with pytest.raises(TransportError):
        async with Client(transport=anonymous) as session:
            await session.execute(query)


def _workers(supervisor: int) -> set[int]:
    """The supervisor's worker processes (not multiprocessing's resource tracker)."""
    children = Path(f"/proc/{supervisor}/task/{supervisor}/children").read_text().split()
    workers = set()
    for pid in children:
        with contextlib.suppress(FileNotFoundError):  # exited meanwhile
            if b"spawn_main" in Path(f"/proc/{pid}/cmdline").read_bytes():
                workers.add(int(pid))
    return workers


async def test_a_worker_that_dies_is_replaced(served: Served, server: str, token: str) -> None:
    workers = _workers(served.pid)
    assert len(workers) == 2
    victim = min(workers)
    os.kill(victim, signal.SIGKILL)

    def replaced() -> bool:
        now = _workers(served.pid)
        return len(now) == 2 and victim not in now

    await eventually(replaced, within=30, message=f"{victim} not replaced")
    async with httpx.AsyncClient(base_url=server, headers=_auth(token), timeout=30) as client:
        for _ in range(6):  # both workers answer again
            response = await client.post("/graphql", json={"query": QUERY})
            assert response.status_code == 200
