"""Limits on filters and search text (issue 11, item 4): refused with BAD_USER_INPUT before
any SQL, on both databases, instead of a driver error, a recursion error or minutes of work."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from crm_graphql.graphql.filter_limits import (
    MAX_FILTER_DEPTH,
    MAX_FILTER_IN,
    MAX_FILTER_LIST,
    MAX_FILTER_TERMS,
    MAX_FILTER_TEXT,
)
from tests.graphql.raw_bodies import post, refused

CUSTOMERS = (
    "query($f: CustomerFilter, $s: String) { customers(filter: $f, search: $s) { totalCount } }"
)


def nested(depth: int) -> str:
    return '{"not": ' * (depth - 1) + '{"name": {"eq": "x"}}' + "}" * (depth - 1)


async def test_search_text_is_limited(http: httpx.AsyncClient) -> None:
    at_limit = json.dumps({"s": "x" * MAX_FILTER_TEXT})
    body = await post(http, CUSTOMERS, at_limit)
    assert body["data"]["customers"]["totalCount"] == 0, body
    # 60,000 characters made SQLite fail ("LIKE or GLOB pattern too complex")
    body = await post(http, CUSTOMERS, json.dumps({"s": "x" * 60_000}))
    refused(body, "`search`", str(MAX_FILTER_TEXT))


async def test_filter_strings_are_limited(http: httpx.AsyncClient) -> None:
    long = "y" * (MAX_FILTER_TEXT + 1)
    for spec in ({"name": {"contains": long}}, {"occupation": {"in": ["a", long]}}):
        body = await post(http, CUSTOMERS, json.dumps({"f": spec}))
        refused(body, str(MAX_FILTER_TEXT))


async def test_in_lists_are_limited(http: httpx.AsyncClient) -> None:
    values = [f"n{i}" for i in range(MAX_FILTER_IN)]
    body = await post(http, CUSTOMERS, json.dumps({"f": {"name": {"in": values}}}))
    assert body["data"]["customers"]["totalCount"] == 0, body
    body = await post(http, CUSTOMERS, json.dumps({"f": {"name": {"in": [*values, "z"]}}}))
    refused(body, "filter.name.in", str(MAX_FILTER_IN))


@pytest.mark.parametrize("operator", ["or", "and"])
async def test_and_or_lists_are_limited(http: httpx.AsyncClient, operator: str) -> None:
    within = [{"name": {"eq": f"n{i}"}} for i in range(MAX_FILTER_LIST)]
    body = await post(http, CUSTOMERS, json.dumps({"f": {operator: within}}))
    assert body["data"]["customers"]["totalCount"] == 0, body
    # 2,000 entries (10,000 were tried): SQLite's "Expression tree is too large (maximum
    # depth 1000)"
    beyond = [{"name": {"eq": f"n{i}"}} for i in range(2_000)]
    body = await post(http, CUSTOMERS, json.dumps({"f": {operator: beyond}}))
    refused(body, f"filter.{operator}", str(MAX_FILTER_LIST))


async def test_depth_is_limited(http: httpx.AsyncClient) -> None:
    body = await post(http, CUSTOMERS, '{"f": ' + nested(MAX_FILTER_DEPTH) + "}")
    assert body["data"]["customers"]["totalCount"] >= 0, body
    # 50 deep: SQLite's "parser stack overflow"; deeper: Python's recursion limit when
    # compiled (JSON bodies nested beyond Python's own parser are the HTTP layer's to refuse)
    for depth in (MAX_FILTER_DEPTH + 1, 50, 150):
        body = await post(http, CUSTOMERS, '{"f": ' + nested(depth) + "}")
        refused(body, f"at most {MAX_FILTER_DEPTH} deep")


async def test_relation_conditions_count_towards_depth(http: httpx.AsyncClient) -> None:
    inner: dict[str, Any] = {"name": {"eq": "x"}}
    for _ in range(MAX_FILTER_DEPTH):  # customer -> company -> people (some) -> company ...
        inner = {"company": {"people": {"some": inner}}}
    body = await post(http, CUSTOMERS, json.dumps({"f": inner}))
    refused(body, f"at most {MAX_FILTER_DEPTH} deep")


async def test_total_terms_are_limited(http: httpx.AsyncClient) -> None:
    # each list within its limit, the whole beyond: 5 x 500 values
    spec = {"or": [{"name": {"in": [f"v{j}" for j in range(500)]}} for _ in range(5)]}
    body = await post(http, CUSTOMERS, json.dumps({"f": spec}))
    refused(body, str(MAX_FILTER_TERMS))


async def test_audit_filter_is_limited(http: httpx.AsyncClient) -> None:
    ids = ["QXVkaXQ6MQ=="] * (MAX_FILTER_IN + 1)
    query = "query($f: AuditFilter) { auditLog(filter: $f) { totalCount } }"
    body = await post(http, query, json.dumps({"f": {"entityId": {"in": ids}}}))
    refused(body, "filter.entityId.in", str(MAX_FILTER_IN))
