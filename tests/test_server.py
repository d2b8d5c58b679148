"""A real server process: `crm-graphql serve` on a new SQLite file, queried over the network."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from gql import Client
from gql import gql as gql_document
from gql.transport.exceptions import TransportError
from gql.transport.websockets import WebsocketsTransport

from crm_graphql.seed import DEMO_PASSWORD

QUERY = "{ customers(first: 3) { totalCount nodes { name company { name } } } }"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


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
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    port = _free_port()
    db = tmp_path_factory.mktemp("server") / "crm.sqlite3"
    env = {
        **os.environ,
        "CRM_DATABASE_URL": f"sqlite:///{db}",
        "CRM_SEED_CUSTOMERS": "12",
        "CRM_PORT": str(port),
    }
    log = (db.parent / "server.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "crm_graphql", "serve", "--workers", "2"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                pytest.fail(f"server exited: {Path(log.name).read_text()}")
            try:
                if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"server did not start: {Path(log.name).read_text()}")
            time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=20)
        log.close()


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
