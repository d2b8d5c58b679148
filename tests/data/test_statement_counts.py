"""No N+1: a query's statement count depends on its shape, never on its page sizes."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from crm_graphql.app.factory import create_app
from crm_graphql.core.db import create_engine
from crm_graphql.core.migrations import upgrade
from crm_graphql.core.settings import Settings
from crm_graphql.devtools.seed import seed
from crm_graphql.platform.users.models import UserRole
from tests.support.databases import fresh_database
from tests.support.graphql_client import SignIn

CUSTOMERS = 120

DASHBOARD = """
query($first: Int!) {
  customers(first: $first, orderBy: [{field: NAME}]) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges {
      cursor
      node {
        id name age primaryEmail primaryPhone
        owner { name }
        company { name industry tags { nodes { name } } }
        tags { totalCount nodes { name color } }
        contactMethods { nodes { kind value } }
        addresses { nodes { city country } }
        orders(first: 5, orderBy: [{field: CREATED_AT, direction: DESC}]) {
          totalCount
          nodes {
            number status total { amount currency } balanceDue { amount }
            items { quantity unitPrice { amount } product { name sku } }
            payments { amount { amount } method }
          }
        }
        interactions(first: 3, orderBy: [{field: OCCURRED_AT, direction: DESC}]) {
          nodes { kind subject user { name } }
        }
      }
    }
  }
}
"""


@pytest.fixture(scope="module")
async def seeded(backend: str, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Any]:
    async with fresh_database(backend, tmp_path_factory.mktemp("seeded")) as url:
        # every request looks its token up (no viewer cache): counts are the worst case
        settings = Settings(database_url=url, debug=True, env="test", auth_cache_seconds=0)
        engine = create_engine(settings)
        await upgrade(engine)
        await seed(engine, customers=CUSTOMERS)
        await engine.dispose()
        app = create_app(settings)
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://test") as anon:
                token = await SignIn(app, anon).token_for("counts@tests.example", UserRole.ADMIN)
            headers = {"authorization": f"Bearer {token}"}
            async with httpx.AsyncClient(
                transport=transport, base_url="http://test", headers=headers
            ) as client:
                yield client


async def _run(client: httpx.AsyncClient, first: int) -> tuple[int, dict[str, Any]]:
    response = await client.post(
        "/graphql", json={"query": DASHBOARD, "variables": {"first": first}}
    )
    body = response.json()
    assert "errors" not in body, body["errors"]
    return body["extensions"]["sql"]["statements"], body["data"]


async def test_statement_count_does_not_grow_with_page_size(seeded: httpx.AsyncClient) -> None:
    small, small_data = await _run(seeded, 10)
    large, large_data = await _run(seeded, 100)
    assert len(small_data["customers"]["edges"]) == 10
    assert len(large_data["customers"]["edges"]) == 100
    # the larger page really reaches deep: orders, items and products of many customers
    orders = [o for e in large_data["customers"]["edges"] for o in e["node"]["orders"]["nodes"]]
    assert len(orders) == 500
    assert all(o["items"] and o["items"][0]["product"]["name"] for o in orders)
    assert small == large
    # one statement per list and relation: the viewer's token, the page, its count, owner,
    # company, company tags, tags, their count, primary contacts, contact methods, addresses,
    # orders, their count, items, products, payments, interactions and their users
    assert large == 18


async def test_nested_page_after_a_cursor_is_batched(seeded: httpx.AsyncClient) -> None:
    query = """
    query($after: String) {
      customers(first: 50) { nodes { orders(first: 2, after: $after) { nodes { id } } } }
    }
    """
    first = await seeded.post("/graphql", json={"query": query, "variables": {"after": None}})
    assert first.json()["extensions"]["sql"]["statements"] == 3  # token, customers, orders
