"""GraphQL hardening: limits, query cost, CSRF, CORS, production mode and request ids."""

from __future__ import annotations

import contextlib
import logging
import re
import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from graphql import OperationDefinitionNode, get_introspection_query, parse
from starlette.applications import Starlette
from starlette.routing import WebSocketRoute
from strawberry.schema.schema import validate_document

import crm_graphql.graphql.fields
from crm_graphql.app.factory import GraphQLView, create_app
from crm_graphql.app.schema import create_schema
from crm_graphql.core.settings import Settings, SettingsError
from crm_graphql.graphql.security import document_checks
from crm_graphql.graphql.security.cost import estimate_cost
from crm_graphql.graphql.security.document_checks import CheckedDocuments
from crm_graphql.graphql.security.fragment_guard import MAX_NESTING
from crm_graphql.platform.auth.viewers import ViewerCache
from crm_graphql.platform.users.models import UserRole
from tests.support.graphql_client import SignIn

BASE_URL = "http://testserver"
ALLOWED_ORIGIN = "https://app.example"


@contextlib.asynccontextmanager
async def running(settings: Settings) -> AsyncIterator[tuple[Starlette, httpx.AsyncClient]]:
    """A second app on the same database, its lifespan running, and an anonymous client."""
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url=BASE_URL) as client:
            yield app, client


@pytest.fixture(scope="module")
async def production(
    app: Starlette, database_url: str
) -> AsyncIterator[tuple[Starlette, httpx.AsyncClient]]:
    """A production app on the test database (`app` has migrated it) and an anonymous client."""
    settings = Settings(database_url=database_url, env="production", debug=False)
    async with running(settings) as running_app:
        yield running_app


@pytest.fixture(scope="module")
def prod_anon(production: tuple[Starlette, httpx.AsyncClient]) -> httpx.AsyncClient:
    return production[1]


@pytest.fixture(scope="module")
async def prod(
    production: tuple[Starlette, httpx.AsyncClient],
) -> AsyncIterator[httpx.AsyncClient]:
    """An administrator's client of the production app (a user made for it)."""
    prod_app, anon_client = production
    email = f"prod-admin-{uuid.uuid4().hex[:8]}@tests.example"
    token = await SignIn(prod_app, anon_client).token_for(email, UserRole.ADMIN)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=prod_app),
        base_url=BASE_URL,
        headers={"authorization": f"Bearer {token}"},
    ) as client:
        yield client


async def post(client: httpx.AsyncClient, query: str, **variables: Any) -> httpx.Response:
    return await client.post("/graphql", json={"query": query, "variables": variables})


def message(response: httpx.Response) -> str:
    errors = response.json()["errors"]
    return " | ".join(error["message"] for error in errors)


def nested(levels: int) -> str:
    """A query whose deepest field is `levels` below its root field (the depth limiter's
    measure: a root field with scalar fields only has depth 1)."""
    path = ["customers(first: 2)", *["nodes", "company", "people(first: 2)"] * 4]
    fields = path[:levels]
    return "{ " + " { ".join(fields) + " { __typename }" + " }" * len(fields)


# Depth, aliases, tokens ----------------------------------------------------------------------


async def test_depth_ten_runs_and_depth_eleven_is_refused(http: httpx.AsyncClient) -> None:
    ok = await post(http, nested(10))
    assert ok.status_code == 200, ok.text
    assert "errors" not in ok.json()
    refused = await post(http, nested(11))
    assert refused.status_code == 400
    assert "exceeds maximum operation depth of 10" in message(refused)


def aliases(count: int) -> str:
    return " ".join(f"a{i}: totalCount" for i in range(count))


async def test_one_hundred_aliases_run(http: httpx.AsyncClient) -> None:
    response = await post(http, "{ tags(first: 1) { " + aliases(100) + " } }")
    assert response.status_code == 200
    assert len(response.json()["data"]["tags"]) == 100


async def test_one_hundred_and_one_aliases_are_refused(http: httpx.AsyncClient) -> None:
    response = await post(http, "{ tags(first: 1) { " + aliases(101) + " } }")
    assert response.status_code == 400
    assert "101 aliases found. Allowed: 100" in message(response)


async def test_aliases_are_counted_through_fragments(http: httpx.AsyncClient) -> None:
    inside = await post(
        http,
        "{ tags(first: 1) { ...A } } fragment A on TagConnection { " + aliases(101) + " }",
    )
    assert inside.status_code == 400
    assert "101 aliases found" in message(inside)
    # 51 aliases written once, spread twice: 102 in the operation.
    twice = await post(
        http,
        "{ tags(first: 1) { ...A ...A } } fragment A on TagConnection { " + aliases(51) + " }",
    )
    assert twice.status_code == 400
    assert "102 aliases found" in message(twice)


async def test_too_many_tokens_are_refused(http: httpx.AsyncClient) -> None:
    fields = " ".join(["totalCount"] * 5000)
    response = await post(http, "{ tags(first: 1) { " + fields + " } }")
    assert response.status_code == 400
    assert "more than 5000 tokens" in message(response)


# Fragments -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "document",
    [
        "{ tags { ...A } } fragment A on TagConnection { totalCount ...A }",
        "{ tags { ...A } } fragment A on TagConnection { ...B } "
        "fragment B on TagConnection { totalCount ...A }",
    ],
)
async def test_circular_fragments_are_a_400(http: httpx.AsyncClient, document: str) -> None:
    response = await post(http, document)
    assert response.status_code == 400
    assert "Cannot spread fragment 'A' within itself" in message(response)


async def test_unknown_fragment_is_a_400(http: httpx.AsyncClient) -> None:
    # Strawberry's depth limiter raises KeyError on it unless refused first.
    response = await post(http, "{ tags { ...Nope } }")
    assert response.status_code == 400
    assert "Unknown fragment 'Nope'." in message(response)


async def test_fragments_that_expand_exponentially_are_refused(http: httpx.AsyncClient) -> None:
    # 200 tokens that expand to 2**30 selections: the limiters would walk them for hours.
    fragments = "".join(
        f"fragment F{i} on TagConnection {{ ...F{i + 1} ...F{i + 1} }} " for i in range(30)
    )
    document = "{ tags { ...F0 } } " + fragments + "fragment F30 on TagConnection { totalCount }"
    response = await post(http, document)
    assert response.status_code == 400
    assert "more than 5000 selections once its fragments are inlined" in message(response)


async def test_long_fragment_chains_are_refused_without_a_crash(
    http: httpx.AsyncClient,
) -> None:
    def chain(length: int) -> str:
        fragments = "".join(
            f"fragment F{i} on TagConnection {{ ...F{i + 1} }} " for i in range(length)
        )
        return (
            "{ tags(first: 1) { ...F0 } } "
            + fragments
            + f"fragment F{length} on TagConnection {{ totalCount }}"
        )

    ok = await post(http, chain(MAX_NESTING - 5))
    assert ok.status_code == 200, ok.text
    assert "errors" not in ok.json()
    refused = await post(http, chain(400))
    assert refused.status_code == 400
    assert f"nests more than {MAX_NESTING}" in message(refused)


# Query cost ----------------------------------------------------------------------------------

EXPENSIVE = """
{ customers(first: 500) { nodes { orders(first: 500) { nodes { items { id } } } } } }
"""


def cost(query: str, **variables: Any) -> int:
    schema = create_schema()._schema
    document = parse(query)
    (operation,) = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    return estimate_cost(schema, document.definitions, operation, variables=variables)


def test_cost_multiplies_page_sizes_down_the_tree() -> None:
    # customers 1 + nodes 500 * (1 + orders 1 + nodes 500 * (1 + items 20)) = 5,251,001
    assert cost(EXPENSIVE) == 5_251_001
    assert cost("{ customers { totalCount nodes { id } } }") == 1 + 20
    assert cost("{ customers(last: 5) { edges { node { id } } pageInfo { hasNextPage } } }") == (
        1 + 5 * 2 + 1
    )
    assert cost("query($n: Int) { customers(first: $n) { nodes { id } } }", n=7) == 1 + 7
    assert cost("query($n: Int = 9) { customers(first: $n) { nodes { id } } }") == 1 + 9
    assert cost('{ nodes(ids: ["a", "b", "c"]) { id } }') == 3
    assert cost("query($ids: [ID!]!) { nodes(ids: $ids) { id } }", ids=["a"] * 4) == 4
    assert cost("query($ids: [ID!]!) { nodes(ids: $ids) { id } }") == 100
    fragment = "{ customers(first: 3) { ...P } } fragment P on CustomerConnection { nodes { id } }"
    assert cost(fragment) == 1 + 3
    assert cost("{ __schema { types { fields { name } } } }") == 0


async def test_a_query_above_the_cost_limit_is_refused(http: httpx.AsyncClient) -> None:
    response = await post(http, EXPENSIVE)
    assert response.status_code == 400
    error = response.json()["errors"][0]
    assert "5251001 objects" in error["message"]
    assert "the limit is 100000" in error["message"]
    assert error["extensions"] == {"code": "QUERY_TOO_COMPLEX", "cost": 5_251_001}


async def test_cost_reads_page_sizes_from_variables(http: httpx.AsyncClient) -> None:
    query = """
    query($n: Int) { customers(first: $n) { nodes { orders(first: $n) { nodes { id } } } } }
    """
    assert (await post(http, query, n=500)).status_code == 400
    small = await post(http, query, n=2)
    assert small.status_code == 200
    assert "errors" not in small.json()
    # the document's validation is cached; the cost, which reads the variables, is not
    assert (await post(http, query, n=500)).status_code == 400


async def test_each_document_is_validated_once(
    http: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[str] = []

    def counting(schema: Any, document: Any, rules: Any) -> Any:
        calls.append(str(len(rules)))
        return validate_document(schema, document, rules)

    monkeypatch.setattr(document_checks, "validate_document", counting)
    query = f"query($n: Int) {{ {unique_alias()}: customers(first: $n) {{ nodes {{ id }} }} }}"
    for n in (1, 2, 3):
        assert (await post(http, query, n=n)).status_code == 200
    assert len(calls) == 1
    bad = await post(http, query.replace("id }", "nope }"), n=1)
    assert bad.status_code == 400
    assert len(calls) == 2


async def test_the_cost_limit_is_a_setting(app: Starlette, database_url: str) -> None:
    settings = Settings(database_url=database_url, env="test", max_query_cost=10)
    async with running(settings) as (_, client):
        response = await post(client, "{ tags(first: 11) { nodes { id } } }")
        assert response.status_code == 400
        assert "up to 12 objects" in message(response)
        assert "the limit is 10" in message(response)


# HTTP: batches, GET, content types, CSRF -----------------------------------------------------


async def test_a_batch_is_a_400(http: httpx.AsyncClient) -> None:
    response = await http.post("/graphql", json=[{"query": "{ __typename }"}])
    assert response.status_code == 400


async def test_get_never_runs_a_mutation(http: httpx.AsyncClient) -> None:
    name = f"via-get-{uuid.uuid4().hex[:8]}"
    mutation = f'mutation {{ createTag(input: {{name: "{name}"}}) {{ errors {{ code }} }} }}'
    refused = await http.get("/graphql", params={"query": mutation})
    assert refused.status_code in {400, 405}
    listed = await post(http, f'{{ tags(filter: {{name: {{eq: "{name}"}}}}) {{ totalCount }} }}')
    assert listed.json()["data"]["tags"]["totalCount"] == 0


@pytest.mark.parametrize(
    "content_type", ["application/x-www-form-urlencoded", "text/plain", "application/graphql"]
)
async def test_non_json_posts_are_refused(http: httpx.AsyncClient, content_type: str) -> None:
    body = "query=%7B+__typename+%7D" if "urlencoded" in content_type else "{ __typename }"
    response = await http.post("/graphql", content=body, headers={"content-type": content_type})
    assert 400 <= response.status_code < 500
    assert "__typename" not in response.text


MULTIPART = {
    "operations": (None, '{"query": "{ __typename }"}'),
    "map": (None, "{}"),
}


async def test_multipart_without_a_preflight_header_is_a_400(http: httpx.AsyncClient) -> None:
    response = await http.post("/graphql", files=MULTIPART)
    assert response.request.headers["content-type"].startswith("multipart/form-data")
    assert response.status_code == 400
    assert "GraphQL-Require-Preflight" in response.text
    empty = await http.post("/graphql", files=MULTIPART, headers={"graphql-require-preflight": " "})
    assert empty.status_code == 400
    assert "GraphQL-Require-Preflight" in empty.text
    shouting = await http.post(
        "/graphql",
        content=b"--x\r\n\r\n--x--\r\n",
        headers={"content-type": "Multipart/Form-Data; boundary=x"},
    )
    assert shouting.status_code == 400
    assert "GraphQL-Require-Preflight" in shouting.text


@pytest.mark.parametrize("header", ["GraphQL-Require-Preflight", "Apollo-Require-Preflight"])
async def test_multipart_with_a_preflight_header_passes_the_csrf_check(
    http: httpx.AsyncClient, header: str
) -> None:
    response = await http.post("/graphql", files=MULTIPART, headers={header: "1"})
    # Uploads are not enabled yet, so Strawberry refuses the content type itself.
    assert "Require-Preflight" not in response.text
    assert response.status_code == 400
    assert "Unsupported content type" in response.text


# CORS ----------------------------------------------------------------------------------------


def preflight(origin: str) -> dict[str, str]:
    return {
        "origin": origin,
        "access-control-request-method": "POST",
        "access-control-request-headers": "content-type, authorization",
    }


async def test_cors_allows_only_listed_origins(app: Starlette, database_url: str) -> None:
    settings = Settings(database_url=database_url, env="test", cors_origins=(ALLOWED_ORIGIN,))
    async with running(settings) as (_, client):
        allowed = await client.options("/graphql", headers=preflight(ALLOWED_ORIGIN))
        assert allowed.status_code == 200
        assert allowed.headers["access-control-allow-origin"] == ALLOWED_ORIGIN
        assert "POST" in allowed.headers["access-control-allow-methods"]
        assert "access-control-allow-credentials" not in allowed.headers

        other = await client.options("/graphql", headers=preflight("https://evil.example"))
        assert "access-control-allow-origin" not in other.headers

        simple = await client.post(
            "/graphql", json={"query": "{ __typename }"}, headers={"origin": ALLOWED_ORIGIN}
        )
        assert simple.headers["access-control-allow-origin"] == ALLOWED_ORIGIN
        assert "x-request-id" in simple.headers["access-control-expose-headers"].lower()


async def test_no_cors_headers_without_origins(anon: httpx.AsyncClient) -> None:
    response = await anon.options("/graphql", headers=preflight(ALLOWED_ORIGIN))
    assert "access-control-allow-origin" not in response.headers
    simple = await anon.post(
        "/graphql", json={"query": "{ __typename }"}, headers={"origin": ALLOWED_ORIGIN}
    )
    assert simple.status_code == 200
    assert "access-control-allow-origin" not in simple.headers


def test_websockets_check_the_same_origins() -> None:
    settings = Settings(database_url="sqlite+aiosqlite://", cors_origins=(ALLOWED_ORIGIN,))
    app = create_app(settings)
    (view,) = {r.app for r in app.routes if isinstance(r, WebSocketRoute)}
    assert isinstance(view, GraphQLView)
    assert view.allowed_origins == frozenset({ALLOWED_ORIGIN})


def test_settings_read_the_limits_and_origins() -> None:
    defaults = Settings.from_env({})
    assert (defaults.max_query_depth, defaults.max_aliases, defaults.max_tokens) == (10, 100, 5000)
    assert defaults.max_query_cost == 100_000
    assert defaults.cors_origins == ()
    custom = Settings.from_env(
        {
            "CRM_MAX_QUERY_DEPTH": "12",
            "CRM_MAX_ALIASES": "20",
            "CRM_MAX_TOKENS": "9000",
            "CRM_MAX_QUERY_COST": "1000",
            "CRM_CORS_ORIGINS": " https://App.example:443/ , http://localhost:5173,",
        }
    )
    assert (custom.max_query_depth, custom.max_aliases, custom.max_tokens) == (12, 20, 9000)
    assert custom.max_query_cost == 1000
    assert custom.cors_origins == ("http://localhost:5173", "https://app.example")
    with pytest.raises(SettingsError, match="CRM_CORS_ORIGINS"):
        Settings.from_env({"CRM_CORS_ORIGINS": "https://app.example/path"})
    with pytest.raises(SettingsError, match="CRM_MAX_QUERY_DEPTH"):
        Settings.from_env({"CRM_MAX_QUERY_DEPTH": "0"})


# Production mode -----------------------------------------------------------------------------

INTROSPECTION = "{ __schema { queryType { name } } }"


async def test_introspection_is_refused_in_production(prod: httpx.AsyncClient) -> None:
    response = await post(prod, INTROSPECTION)
    assert response.status_code == 400
    assert "introspection has been disabled" in message(response)
    typename = await post(prod, "{ __typename }")
    assert typename.json() == {"data": {"__typename": "Query"}}


async def test_introspection_is_allowed_in_development(http: httpx.AsyncClient) -> None:
    response = await post(http, INTROSPECTION)
    assert response.status_code == 200
    assert response.json()["data"]["__schema"]["queryType"]["name"] == "Query"


MISTAKES = [
    "{ customerz { totalCount } }",
    "{ customers(frist: 1) { totalCount } }",
    "{ customers(filter: {lifecycleStag: {eq: LEAD}}) { totalCount } }",
    "{ customers(filter: {lifecycleStage: {eq: LEADS}}) { totalCount } }",
    "query($f: CustomerFilte) { customers(filter: $f) { totalCount } }",
]


@pytest.mark.parametrize("query", MISTAKES)
async def test_no_suggestions_in_production(
    prod: httpx.AsyncClient, http: httpx.AsyncClient, query: str
) -> None:
    development = await post(http, query)
    assert development.status_code == 400
    assert "Did you mean" in message(development)
    production = await post(prod, query)
    assert production.status_code == 400
    assert "Did you mean" not in message(production)
    assert message(production) == re.sub(r" Did you mean [^?]*\?", "", message(development))


async def test_no_suggestions_for_variables_in_production(prod: httpx.AsyncClient) -> None:
    query = "query($f: CustomerFilter) { customers(filter: $f) { totalCount } }"
    response = await post(prod, query, f={"lifecycleStage": {"eq": "LEADS"}})
    assert response.status_code == 400
    assert "LEADS" in message(response)
    assert "Did you mean" not in message(response)


async def test_graphiql_is_not_served_in_production(prod_anon: httpx.AsyncClient) -> None:
    response = await prod_anon.get("/graphql", headers={"accept": "text/html"})
    assert response.status_code == 404


async def test_limits_hold_in_production(prod: httpx.AsyncClient) -> None:
    assert (await post(prod, nested(11))).status_code == 400
    assert (await post(prod, EXPENSIVE)).status_code == 400


def raise_unexpected(*args: object, **kwargs: object) -> None:
    raise RuntimeError("connection to db-internal.example:5432 refused")


async def test_unexpected_errors_are_masked_in_production(
    prod: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(crm_graphql.graphql.fields, "root_connection", raise_unexpected)
    with caplog.at_level(logging.ERROR, logger="crm_graphql"):
        response = await post(prod, "{ tags(first: 1) { totalCount } }")
    request_id = response.headers["x-request-id"]
    assert len(request_id) == 32
    (error,) = response.json()["errors"]
    assert error["message"] == f"Unexpected error; quote request id {request_id}."
    assert error["extensions"] == {"code": "INTERNAL_SERVER_ERROR", "requestId": request_id}
    assert error["path"] == ["tags"]
    assert "db-internal" not in response.text
    (record,) = [r for r in caplog.records if r.name == "crm_graphql"]
    assert request_id in record.getMessage()
    assert record.exc_info is not None
    assert "db-internal" in str(record.exc_info[1])


async def test_unexpected_errors_show_in_development(
    http: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(crm_graphql.graphql.fields, "root_connection", raise_unexpected)
    with caplog.at_level(logging.ERROR, logger="crm_graphql"):
        response = await post(http, "{ tags(first: 1) { totalCount } }")
    (error,) = response.json()["errors"]
    assert "db-internal.example:5432 refused" in error["message"]
    assert any(response.headers["x-request-id"] in r.getMessage() for r in caplog.records)


async def test_a_failure_before_execution_is_a_masked_500(
    prod: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def failing_authenticate(*args: object, **kwargs: object) -> None:
        raise RuntimeError("connection to db-internal.example:5432 refused")

    monkeypatch.setattr(ViewerCache, "viewer", failing_authenticate)
    response = await post(prod, "{ tags(first: 1) { totalCount } }")
    assert response.status_code == 500
    (error,) = response.json()["errors"]
    assert error["extensions"]["code"] == "INTERNAL_SERVER_ERROR"
    assert error["extensions"]["requestId"] == response.headers["x-request-id"]
    assert "db-internal" not in response.text


async def test_client_errors_are_not_masked_in_production(
    prod: httpx.AsyncClient, prod_anon: httpx.AsyncClient
) -> None:
    bad_input = await post(prod, "{ customers(first: 1, last: 1) { totalCount } }")
    (error,) = bad_input.json()["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert "Unexpected error" not in error["message"]

    unauthenticated = await post(prod_anon, "{ tags(first: 1) { totalCount } }")
    assert unauthenticated.status_code == 401
    assert unauthenticated.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"

    query = "query($t: DateTime!) { customers(filter: {createdAt: {gt: $t}}) { totalCount } }"
    bad_variable = await post(prod, query, t="2026-05-01T09:30:00")
    assert bad_variable.status_code == 400
    assert "has no time zone" in message(bad_variable)

    syntax = await post(prod, "{ tags { ")
    assert syntax.status_code == 400
    assert "Syntax Error" in message(syntax)


# Request ids ---------------------------------------------------------------------------------


async def test_every_response_has_its_own_request_id(http: httpx.AsyncClient) -> None:
    responses = [
        await post(http, "{ __typename }"),
        await post(http, "{ __typename }"),
        await http.post("/graphql", json=[{"query": "{ __typename }"}]),
        await http.post("/graphql", files=MULTIPART),
        await http.get("/graphql", headers={"accept": "text/html"}),
    ]
    ids = [response.headers["x-request-id"] for response in responses]
    assert len(set(ids)) == len(ids)
    assert all(len(i) == 32 and int(i, 16) >= 0 for i in ids)


async def test_the_full_introspection_query_runs_in_development(http: httpx.AsyncClient) -> None:
    # What GraphiQL and code generators send: within every limit.
    query = get_introspection_query(descriptions=True, input_value_deprecation=True)
    response = await post(http, query)
    assert response.status_code == 200, response.text
    assert response.json()["data"]["__schema"]["types"]


async def test_introspection_cannot_nest_types_in_development(http: httpx.AsyncClient) -> None:
    # Introspection is outside the depth limit and the cost estimate; each `fields { type {`
    # level multiplies the result by the number of fields of a type.
    levels = 6
    query = (
        "{ __schema { types { " + "fields { type { " * levels + "name" + " } }" * levels + " } } }"
    )
    response = await post(http, query)
    assert response.status_code == 400
    assert "Maximum introspection depth exceeded" in message(response)


def unique_alias() -> str:
    return f"a{uuid.uuid4().hex[:8]}"


def test_remembered_documents_stay_within_their_budget() -> None:
    documents = CheckedDocuments()
    query = "{ " + "a " * 4_990 + "}"  # about 10,000 characters
    for n in range(60):  # 600,000 characters sent, more than the budget
        text = query.replace("{", "{ n" + str(n), 1)
        documents.put(text, parse(text))
    kept = [n for n in range(60) if documents.get(query.replace("{", "{ n" + str(n), 1))]
    assert kept == list(range(60 - len(kept), 60))  # the most recent ones
    assert len(kept) * len(query) <= CheckedDocuments.BUDGET
    too_long = "{ " + "a " * CheckedDocuments.MAX_LENGTH + "}"
    documents.put(too_long, parse(too_long))
    assert documents.get(too_long) is None
