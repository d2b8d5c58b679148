"""Values that used to fail unexpectedly (issue 11, item 6) are validation errors, the same on
SQLite and PostgreSQL: VALIDATION in the payload for mutation inputs, BAD_USER_INPUT for
arguments and filters, never an internal error or an HTTP 500."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from crm_graphql.core.text import text_problem
from tests.graphql.raw_bodies import post, refused
from tests.support import factories
from tests.support.graphql_client import GraphQLClient

CREATE_CUSTOMER = """
mutation($i: CreateCustomerInput!) {
  createCustomer(input: $i) { customer { id name occupation } errors { field message code } }
}
"""
CREATE_PRODUCT = """
mutation($i: CreateProductInput!) {
  createProduct(input: $i) { product { id } errors { field message code } }
}
"""
LOG_INTERACTION = """
mutation($i: LogInteractionInput!) {
  logInteraction(input: $i) { interaction { id } errors { field message code } }
}
"""
CUSTOMERS = """
query($f: CustomerFilter, $s: String) { customers(filter: $f, search: $s) { totalCount } }
"""
NOT_UTC = "0001-01-01T00:00:00+14:00"  # no UTC form: it would fall in year 0


def payload_errors(body: dict[str, Any]) -> list[dict[str, Any]]:
    """The errors of the single mutation payload of a response without top-level errors,
    which wrote nothing."""
    assert "errors" not in body, body
    (payload,) = body["data"].values()
    assert [v for k, v in payload.items() if k != "errors"] == [None], payload
    errors: list[dict[str, Any]] = payload["errors"]
    assert errors, payload
    return errors


async def count_named(gql: GraphQLClient, name: str) -> int:
    data = await gql.query(CUSTOMERS, {"f": {"name": {"startsWith": name}}})
    return int(data["customers"]["totalCount"])


@pytest.mark.parametrize("char", ["\x00", "\x07", "\x1b", "\x7f", "\x85"])
async def test_control_characters_in_mutation_inputs_are_refused(
    gql: GraphQLClient, char: str
) -> None:
    name = factories.unique("Ctl")
    body = (await gql.raw(CREATE_CUSTOMER, {"i": {"name": f"{name}{char}x"}})).json()
    (error,) = payload_errors(body)
    assert error["code"] == "VALIDATION", error
    assert error["field"] == ["input", "name"], error
    assert f"U+{ord(char):04X}" in error["message"], error
    # a field no service validates: the rule holds for every text input
    sku = factories.unique("SKU")
    product = {"sku": sku, "name": "p", "description": f"a{char}b"}
    product["unitPrice"] = {"amount": "1.00", "currency": "EUR"}  # type: ignore[assignment]
    (error,) = payload_errors((await gql.raw(CREATE_PRODUCT, {"i": product})).json())
    assert error["code"] == "VALIDATION", error
    assert error["field"] == ["input", "description"], error
    assert await count_named(gql, name) == 0


async def test_tabs_and_line_breaks_are_text(gql: GraphQLClient) -> None:
    name = factories.unique("Tab")
    data = await gql.mutate(CREATE_CUSTOMER, {"i": {"name": name, "occupation": "a\tb\r\nc"}})
    assert data["customer"]["occupation"] == "a\tb\r\nc"


async def test_lone_surrogates_are_refused(http: httpx.AsyncClient) -> None:
    # JSON may carry "\ud800"; UTF-8, and so either database, cannot store it. The body
    # parser refuses it already; the input checks stand behind it for other transports.
    name = factories.unique("Sur")
    for query, variables in (
        (CREATE_CUSTOMER, '{"i": {"name": "' + name + '\\ud800"}}'),
        (CUSTOMERS, '{"s": "x\\udc00y"}'),
        (CUSTOMERS, '{"f": {"name": {"eq": "x\\ud83dy"}}}'),
    ):
        body = '{"query": ' + json.dumps(query) + ', "variables": ' + variables + "}"
        response = await http.post(
            "/graphql", content=body.encode(), headers={"content-type": "application/json"}
        )
        assert response.status_code == 400, response.text
        (error,) = response.json()["errors"]
        assert error["extensions"]["code"] == "BAD_REQUEST", error
        assert "surrogate" in error["message"], error
    assert await count_named(GraphQLClient(http), name) == 0
    # a proper pair is one character, and fine
    body = await post(http, CUSTOMERS, '{"s": "x\\ud83d\\ude00y"}')
    assert body["data"]["customers"]["totalCount"] == 0, body


def test_the_input_checks_refuse_lone_surrogates() -> None:
    # what reaches a resolver by a transport that decodes "\ud800" (Python's json module)
    assert "surrogate" in (text_problem("a\ud800") or "")
    assert "surrogate" in (text_problem("\udfff") or "")
    assert text_problem("a\U0001f600") is None


async def test_sign_in_refuses_them_too(anon: httpx.AsyncClient) -> None:
    login = "mutation($i: LoginInput!) { login(input: $i) { token errors { field code } } }"
    body = await post(anon, login, '{"i": {"email": "a@b.example", "password": "p\\u0000"}}')
    (error,) = payload_errors(body)
    assert error == {"field": ["input", "password"], "code": "VALIDATION"}, error


async def test_nul_bytes_in_search_and_filters_are_refused(http: httpx.AsyncClient) -> None:
    refused(await post(http, CUSTOMERS, json.dumps({"s": "a\x00b"})), "`search`", "U+0000")
    spec = {"f": {"or": [{"name": {"eq": "a"}}, {"occupation": {"in": ["b", "c\x00"]}}]}}
    refused(await post(http, CUSTOMERS, json.dumps(spec)), "filter.or.occupation.in", "U+0000")


async def test_times_without_a_utc_form_are_refused(
    gql: GraphQLClient, http: httpx.AsyncClient
) -> None:
    spec = {"f": {"createdAt": {"gt": NOT_UTC}}}
    refused(await post(http, CUSTOMERS, json.dumps(spec)), "filter.createdAt.gt", "UTC")
    audit = "query($f: AuditFilter) { auditLog(filter: $f) { totalCount } }"
    refused(await post(http, audit, json.dumps({"f": {"at": {"in": [NOT_UTC]}}})), "UTC")
    stats = """query($p: ID!, $a: DateTime!, $b: DateTime!) {
      pipelineStats(pipelineId: $p, from: $a, to: $b) { __typename }
    }"""
    variables = {"p": "UGlwZWxpbmU6MQ==", "a": NOT_UTC, "b": "2030-01-01T00:00:00Z"}
    body = await post(http, stats, json.dumps(variables))
    assert body["data"] is None or body["data"]["pipelineStats"] is None, body
    (error,) = body["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT", error
    assert "`from`" in error["message"], error
    assert "UTC" in error["message"], error
    customer = await factories.customer(gql)
    entry = {"customerId": customer["id"], "kind": "NOTE", "occurredAt": NOT_UTC}
    (error,) = payload_errors((await gql.raw(LOG_INTERACTION, {"i": entry})).json())
    assert error["code"] == "VALIDATION", error
    assert error["field"] == ["input", "occurredAt"], error


async def test_huge_decimals_are_refused(gql: GraphQLClient, http: httpx.AsyncClient) -> None:
    orders = "query($f: OrderFilter) { orders(filter: $f) { totalCount } }"
    spec = {"f": {"total": {"currency": "EUR", "gt": "1e1000000"}}}
    refused(await post(http, orders, json.dumps(spec)), "too large")
    product = {"sku": factories.unique("SKU"), "name": "p"}
    product["unitPrice"] = {"amount": "1e1000000", "currency": "EUR"}  # type: ignore[assignment]
    (error,) = payload_errors((await gql.raw(CREATE_PRODUCT, {"i": product})).json())
    assert error["code"] == "VALIDATION", error
    assert "too large" in error["message"], error


async def test_null_for_a_non_null_argument_with_a_default(http: httpx.AsyncClient) -> None:
    # valid by the spec (the argument has a default), refused only when the field runs
    query = "query($d: Boolean) { customers(includeDeleted: $d) { totalCount } }"
    body = await post(http, query, '{"d": null}')
    refused(body, "includeDeleted")
    body = await post(http, query, '{"d": true}')
    assert body["data"]["customers"]["totalCount"] >= 0, body


async def test_a_subscription_over_http_is_refused(http: httpx.AsyncClient) -> None:
    response = await http.post(
        "/graphql", json={"query": "subscription { dashboardMetrics { __typename } }"}
    )
    assert response.status_code == 400, response.text
    body = response.json()
    (error,) = body["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT", error
    assert "WebSocket" in error["message"], error
