"""The HTTP surface: bad requests are 400s with GraphQL errors, never 500s."""

from __future__ import annotations

import httpx

from tests.support.databases import sqlite_only
from tests.support.graphql_client import GraphQLClient

MUTATION = 'mutation { createTag(input: {name: "via-get"}) { errors { code } } }'


@sqlite_only
async def test_syntax_error_is_a_400_with_a_graphql_error(http: httpx.AsyncClient) -> None:
    response = await http.post("/graphql", json={"query": "{ customers { nodes { id "})
    assert response.status_code == 400
    assert "Syntax Error" in response.json()["errors"][0]["message"]


@sqlite_only
async def test_validation_error_is_a_400(http: httpx.AsyncClient) -> None:
    response = await http.post("/graphql", json={"query": "{ customerz { id } }"})
    assert response.status_code == 400
    assert "customerz" in response.json()["errors"][0]["message"]


@sqlite_only
async def test_bad_variables_are_a_400(http: httpx.AsyncClient) -> None:
    response = await http.post(
        "/graphql",
        json={
            "query": "query($f: CustomerFilter) { customers(filter: $f) { totalCount } }",
            "variables": {"f": {"lifecycleStage": {"eq": "NOT_A_STAGE"}}},
        },
    )
    assert response.status_code == 400
    assert response.json()["errors"]


@sqlite_only
async def test_body_that_is_not_json_is_a_400(http: httpx.AsyncClient) -> None:
    response = await http.post(
        "/graphql", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert response.status_code == 400


@sqlite_only
async def test_missing_query_is_a_400(http: httpx.AsyncClient) -> None:
    response = await http.post("/graphql", json={"variables": {}})
    assert response.status_code == 400


@sqlite_only
async def test_batches_are_refused(http: httpx.AsyncClient) -> None:
    response = await http.post(
        "/graphql",
        json=[{"query": "{ tags { totalCount } }"}, {"query": "{ tags { totalCount } }"}],
    )
    assert response.status_code == 400


async def test_get_runs_queries_but_never_mutations(http: httpx.AsyncClient) -> None:
    ok = await http.get("/graphql", params={"query": "{ tags(first: 1) { totalCount } }"})
    assert ok.status_code == 200
    assert "totalCount" in ok.json()["data"]["tags"]
    refused = await http.get("/graphql", params={"query": MUTATION})
    assert refused.status_code in {400, 405}
    listed = await http.post(
        "/graphql", json={"query": '{ tags(filter: {name: {eq: "via-get"}}) { totalCount } }'}
    )
    assert listed.json()["data"]["tags"]["totalCount"] == 0


@sqlite_only
async def test_graphiql_is_served_in_development(http: httpx.AsyncClient) -> None:
    response = await http.get("/graphql", headers={"accept": "text/html"})
    assert response.status_code == 200
    assert "graphiql" in response.text.lower()


async def test_healthz_reports_the_database(http: httpx.AsyncClient, backend: str) -> None:
    response = await http.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"]["dialect"] == backend
    assert body["database"]["revision"]


async def test_debug_mode_reports_sql_cost(gql: GraphQLClient) -> None:
    response = await gql.raw("{ customers(first: 2) { nodes { id company { name } } } }")
    sql = response.json()["extensions"]["sql"]
    assert sql["statements"] >= 1
    assert sql["ms"] >= 0


@sqlite_only
async def test_client_mistakes_carry_bad_user_input(gql: GraphQLClient) -> None:
    errors = await gql.errors("{ customers(first: 1, last: 1) { totalCount } }")
    assert errors[0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert errors[0]["path"] == ["customers"]
