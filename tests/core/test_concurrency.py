"""Concurrent writers: optimistic versions hold, and SQLite writers wait instead of failing."""

from __future__ import annotations

import asyncio

from tests.support import factories
from tests.support.graphql_client import GraphQLClient

UPDATE = """
mutation($input: UpdateCustomerInput!) {
  updateCustomer(input: $input) { customer { version } errors { code } }
}
"""


async def test_same_version_updates_race_and_exactly_one_wins(gql: GraphQLClient) -> None:
    created = await factories.customer(gql)
    results = await asyncio.gather(
        *(
            gql.query(
                UPDATE,
                {"input": {"id": created["id"], "expectedVersion": 1, "occupation": f"job {i}"}},
            )
            for i in range(8)
        )
    )
    payloads = [r["updateCustomer"] for r in results]
    winners = [p for p in payloads if not p["errors"]]
    assert len(winners) == 1
    assert winners[0]["customer"]["version"] == 2
    assert all(p["errors"][0]["code"] == "CONFLICT" for p in payloads if p["errors"])


async def test_many_concurrent_writers_all_succeed(gql: GraphQLClient) -> None:
    prefix = factories.unique("burst")
    results = await asyncio.gather(
        *(gql.query(factories.CREATE_TAG, {"input": {"name": f"{prefix}-{i}"}}) for i in range(20))
    )
    assert all(r["createTag"]["errors"] == [] for r in results)
    listed = await gql.query(
        "query($p: String!) { tags(filter: {name: {startsWith: $p}}) { totalCount } }",
        {"p": prefix},
    )
    assert listed["tags"]["totalCount"] == 20
