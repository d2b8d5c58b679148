"""The batched executor (crm_graphql/batched.py) answers exactly as graphql-core does: the
same queries through two apps on one database, one with it and one without, compared."""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator
from dataclasses import replace
from typing import Any

import httpx
import pytest
from sqlalchemy import event
from starlette.applications import Starlette

from crm_graphql.app.factory import create_app
from crm_graphql.core.settings import Settings
from crm_graphql.data.projection import attributes_read, columns_of
from crm_graphql.orders.models import Order
from crm_graphql.platform.users.models import UserRole
from tests.support.factories import company, customer, order, product, tag, unique
from tests.support.graphql_client import GraphQLClient, SignIn

DASHBOARD = """
query Dashboard($first: Int!) {
  customers(first: $first, orderBy: [{field: NAME}]) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges {
      cursor
      node {
        id __typename name age lifecycleStage primaryEmail primaryPhone birthday createdAt
        company { id name }
        tags { totalCount nodes { name color } }
        orders(first: 2, orderBy: [{field: CREATED_AT, direction: DESC}]) {
          totalCount
          nodes { number status total { amount currency } items { quantity product { name } } }
        }
      }
    }
  }
}
"""
QUERIES: list[tuple[str, str, dict[str, Any]]] = [
    ("dashboard", DASHBOARD, {"first": 5}),
    (
        "aliases, fragments and directives",
        """
        query($skip: Boolean!) {
          first: customers(first: 2) { nodes { ...Who } }
          again: customers(first: 1, orderBy: [{field: NAME, direction: DESC}]) {
            nodes { ... on Customer { name } label: name @skip(if: $skip) }
          }
        }
        fragment Who on Customer { name company { name } hidden: name @include(if: $skip) }
        """,
        {"skip": True},
    ),
    (
        "node interface",
        """query($ids: [ID!]!) { nodes(ids: $ids) { id __typename ... on Customer { name } } }""",
        {"ids": []},
    ),
    (
        "filters through relations",
        """{ customers(first: 3, filter: {orders: {some: {status: {eq: DRAFT}}}}) {
              totalCount nodes { name orders(first: 1) { nodes { status } } } } }""",
        {},
    ),
    (
        "a refused page size",
        "{ customers(first: 100000) { nodes { name } } }",
        {},
    ),
    (
        "a malformed cursor",
        '{ customers(first: 1, after: "nope") { nodes { name } } }',
        {},
    ),
    (
        "pipelines",
        """{ pipelines(first: 3) { nodes { name currency stages { name probability kind }
              deals(first: 2) { nodes { title amount { amount } stage { name } } } } } }""",
        {},
    ),
]


@pytest.fixture(scope="module")
async def unbatched(settings: Settings, sign_in: SignIn) -> AsyncIterator[GraphQLClient]:
    """A second app on the same database that runs every query through graphql-core."""
    app = create_app(replace(settings, batched_execution=False))
    token = await sign_in.token_for("admin@tests.example", UserRole.ADMIN)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app),
            base_url="http://testserver",
            headers={"authorization": f"Bearer {token}"},
        ) as http,
    ):
        yield GraphQLClient(http)


@pytest.fixture(scope="module")
async def data(gql: GraphQLClient) -> None:
    """Customers with companies, tags, contacts and orders (added to what other tests left)."""
    label = await tag(gql, name=unique("batched"))
    item = await product(gql)
    for n in range(3):
        person = await customer(
            gql,
            name=unique(f"Batched {n}"),
            tagIds=[label["id"]],
            contactMethods=[{"kind": "EMAIL", "value": f"b{n}@example.com", "isPrimary": True}],
        )
        await order(gql, person["id"], [{"productId": item["id"], "quantity": n + 1}])


# errors in execution go to graphql-core, which words them (a refused page size is refused
# before execution); every other query must not fall back: a fallback would hide a wrong
# projection, the answers being equal all the same
ERRORS = {"a malformed cursor"}


@pytest.mark.parametrize(("name", "query", "variables"), QUERIES, ids=[q[0] for q in QUERIES])
async def test_answers_equal_graphql_cores(
    gql: GraphQLClient,
    unbatched: GraphQLClient,
    data: None,
    caplog: pytest.LogCaptureFixture,
    name: str,
    query: str,
    variables: dict[str, Any],
) -> None:
    if name == "node interface":
        page = await gql.query("{ customers(first: 3) { nodes { id } } }")
        variables = {"ids": [n["id"] for n in page["customers"]["nodes"]] + ["bm90LWFuLWlk"]}
    with caplog.at_level(logging.DEBUG, logger="crm_graphql.graphql.executor.batched"):
        batched = await gql.raw(query, variables)
    fell_back = [
        r.getMessage() for r in caplog.records if r.name == "crm_graphql.graphql.executor.batched"
    ]
    assert bool(fell_back) == (name in ERRORS), fell_back
    plain = await unbatched.raw(query, variables)
    body = batched.json()
    body.get("extensions", {}).pop("sql", None)
    expected = plain.json()
    expected.get("extensions", {}).pop("sql", None)
    assert (batched.status_code, body) == (plain.status_code, expected)


async def test_the_dashboard_is_batched_with_the_same_statements(
    gql: GraphQLClient,
    unbatched: GraphQLClient,
    data: None,
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.DEBUG, logger="crm_graphql.graphql.executor.batched"):
        batched = (await gql.raw(DASHBOARD, {"first": 20})).json()
    assert [r.message for r in caplog.records] == []  # neither declined nor failed
    plain = (await unbatched.raw(DASHBOARD, {"first": 20})).json()
    assert batched["extensions"]["sql"]["statements"] == plain["extensions"]["sql"]["statements"]


async def test_relations_read_only_the_columns_their_selection_needs(
    app: Starlette, gql: GraphQLClient, unbatched: GraphQLClient
) -> None:
    firm = await company(gql)
    person = await customer(gql, companyId=firm["id"])
    await order(gql, person["id"], [{"productId": (await product(gql))["id"], "quantity": 2}])
    query = """
    query($id: ID!) { customers(first: 1, filter: {id: {eq: $id}}) { nodes { name
        company { name }
        orders(first: 2) { nodes { total { amount currency } items { quantity product { name } } } }
    } } }
    """
    statements: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(" ".join(statement.split()))

    engine = app.state.resources.engine.sync_engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        answer = await gql.query(query, {"id": person["id"]})
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert answer == await unbatched.query(query, {"id": person["id"]})
    (node,) = answer["customers"]["nodes"]
    assert node["company"]["name"] == firm["name"]
    assert node["orders"]["nodes"][0]["items"][0]["quantity"] == 2

    def columns(table: str) -> set[str]:
        (statement,) = [s for s in statements if f" FROM {table} " in s]
        # the parent key every relation statement adds, labelled crm_parent, aside
        selected = re.sub(r"[\w.]+ AS crm_parent", "", statement.split(" FROM ")[0])
        return set(re.findall(rf"\b{table}\.(\w+)", selected))

    assert columns("companies") == {"id", "name"}
    # orders: the total's columns, the key and the sort column (id) for cursors
    assert columns("orders") == {"id", "total_minor", "currency"}
    assert columns("order_items") == {"id", "quantity", "product_id"}
    assert columns("products") == {"id", "name"}


def test_a_resolver_reads_what_its_source_shows() -> None:
    class Example:
        amount_minor = 1
        currency = "EUR"

        def total(self) -> tuple[int, str]:
            return (self.amount_minor, self.currency)

        def passes_itself_on(self) -> object:
            return repr(self)

        def writes(self) -> None:
            self.currency = "USD"

        def through_a_method(self) -> object:
            return self.total()

    assert attributes_read(Example.total) == {"amount_minor", "currency"}
    assert attributes_read(Example.passes_itself_on) is None
    assert attributes_read(Example.writes) is None
    # a method is not a column: columns_of refuses it, so whole rows are read
    read = attributes_read(Example.through_a_method)
    assert read == {"total"}
    assert columns_of(Order.__table__, read) is None
    assert columns_of(Order.__table__, {"pk", "total_minor"}) == {"id", "total_minor"}
