"""Bodies that used to be 500s: each is a 400 with a GraphQL-shaped error (issue 11, item 5)."""

from __future__ import annotations

import gzip

import httpx
import orjson
import pytest

JSON = {"content-type": "application/json"}
FILTER_QUERY = "query($f: CustomerFilter) { customers(filter: $f) { totalCount } }"
LIST_QUERY = "query($v: [[String]]) { tags(first: 1) { totalCount } }"


def _nested_object(depth: int) -> str:
    return '{"a":' * depth + "1" + "}" * depth


def _nested_list(depth: int) -> str:
    return "[" * depth + "1" + "]" * depth


def _nested_filter(depth: int) -> str:
    return '{"and":[' * depth + '{"firstName":{"eq":"x"}}' + "]}" * depth


def _operation(query: str, name: str, value: str) -> bytes:
    """Written out by hand: json and orjson refuse to encode such depths themselves."""
    return b'{"query":' + orjson.dumps(query) + f',"variables":{{"{name}":{value}}}}}'.encode()


CASES = {
    "string": b'"{ __typename }"',
    "number": b"42",
    "null": b"null",
    "boolean": b"true",
    "invalid UTF-8": b'{"query":"{ __typename \xff\xfe }"}',
    "variables 5,000 deep": _operation(LIST_QUERY, "v", _nested_object(5_000)),
    "variables 100,000 deep": _operation(LIST_QUERY, "v", _nested_object(100_000)),
    "list variable 10,000 deep": _operation(LIST_QUERY, "v", _nested_list(10_000)),
    "filter variable 400 deep": _operation(FILTER_QUERY, "f", _nested_filter(400)),
}


def _assert_bad_request(response: httpx.Response) -> str:
    assert response.status_code == 400, response.text
    assert response.headers["content-type"].startswith("application/json")
    (error,) = response.json()["errors"]
    assert error["message"], response.text
    return str(error["message"])


@pytest.mark.parametrize("body", CASES.values(), ids=list(CASES))
async def test_a_bad_body_is_a_400_with_a_graphql_error(
    http: httpx.AsyncClient, body: bytes
) -> None:
    _assert_bad_request(await http.post("/graphql", content=body, headers=JSON))


# Without a token a well-formed operation is a 401 before its variables are looked at.
ANONYMOUS_CASES = {name: body for name, body in CASES.items() if "filter" not in name}


@pytest.mark.parametrize("body", ANONYMOUS_CASES.values(), ids=list(ANONYMOUS_CASES))
async def test_a_bad_body_is_a_400_without_signing_in_too(
    anon: httpx.AsyncClient, body: bytes
) -> None:
    _assert_bad_request(await anon.post("/graphql", content=body, headers=JSON))


async def test_a_body_that_is_not_an_object_is_named_in_the_error(
    http: httpx.AsyncClient,
) -> None:
    response = await http.post("/graphql", content=b'"hello"', headers=JSON)
    assert "JSON object" in _assert_bad_request(response)
    assert "got a string" in response.json()["errors"][0]["message"]
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST"


@pytest.mark.parametrize(
    "body", [b"\x1f\x8b\x08\x00junk-not-gzip\xff\xfe", gzip.compress(b'{"query":"{ __typename }"}')]
)
async def test_a_compressed_body_is_refused_with_a_400(
    anon: httpx.AsyncClient, body: bytes
) -> None:
    response = await anon.post(
        "/graphql", content=body, headers={**JSON, "content-encoding": "gzip"}
    )
    assert "Content-Encoding" in _assert_bad_request(response)


async def test_strawberrys_own_refusals_are_json_too(anon: httpx.AsyncClient) -> None:
    response = await anon.post("/graphql", content=b"{not json", headers=JSON)
    message = _assert_bad_request(response)
    assert "JSON" in message
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST"
    assert response.headers["x-request-id"]
