"""The operations and helpers the pagination tests share."""

from __future__ import annotations

import base64
from typing import Any

import orjson

from tests.support import factories
from tests.support.graphql_client import GraphQLClient

PAGE = """
query(
  $tag: ID!, $orderBy: [CustomerOrder!],
  $first: Int, $after: String, $last: Int, $before: String
) {
  customers(
    filter: {tags: {some: {id: {eq: $tag}}}}, orderBy: $orderBy,
    first: $first, after: $after, last: $last, before: $before
  ) {
    totalCount
    edges { cursor node { id name birthday } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}
"""

ORDERS_PAGE = """
query($id: ID!, $orderBy: [OrderOrder!], $first: Int, $after: String, $last: Int) {
  customer(id: $id) {
    orders(orderBy: $orderBy, first: $first, after: $after, last: $last) {
      totalCount
      edges { cursor node { id total { amount } } }
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    }
  }
}
"""

TAGGED_WITH_ORDERS = """
query($tag: ID!) {
  customers(filter: {tags: {some: {id: {eq: $tag}}}}, orderBy: [{field: NAME}]) {
    nodes {
      name
      orders(first: 2) { totalCount nodes { id } pageInfo { hasNextPage hasPreviousPage } }
    }
  }
}
"""

ORDERS_BY_NULL_PLACEMENT = """
query($id: ID!) {
  customer(id: $id) {
    first: orders(orderBy: [{field: PLACED_AT, nulls: FIRST}]) { nodes { id } }
    last: orders(orderBy: [{field: PLACED_AT, nulls: LAST}]) { nodes { id } }
  }
}
"""

NAME_ASC = [{"field": "NAME"}]

NAME_DESC = [{"field": "NAME", "direction": "DESC"}]


def cursor_of(payload: Any) -> str:
    """A hand-made cursor in the API's encoding (base64url of JSON, unpadded)."""
    return base64.urlsafe_b64encode(orjson.dumps(payload)).decode().rstrip("=")


async def tagged_rows(gql: GraphQLClient, rows: list[dict[str, Any]]) -> tuple[str, list[str]]:
    """A fresh tag and one customer per row carrying it; the customers' IDs in creation order."""
    tag = await factories.tag(gql)
    ids = []
    for row in rows:
        created = await factories.customer(gql, tagIds=[tag["id"]], **row)
        ids.append(created["id"])
    return tag["id"], ids


async def page_of(gql: GraphQLClient, tag: str, **args: Any) -> dict[str, Any]:
    data = await gql.query(PAGE, {"tag": tag, **args})
    page: dict[str, Any] = data["customers"]
    return page


def ids_of(page: dict[str, Any]) -> list[str]:
    return [edge["node"]["id"] for edge in page["edges"]]


def check_cursors(page: dict[str, Any]) -> None:
    info = page["pageInfo"]
    if page["edges"]:
        assert info["startCursor"] == page["edges"][0]["cursor"]
        assert info["endCursor"] == page["edges"][-1]["cursor"]
    else:
        assert (info["startCursor"], info["endCursor"]) == (None, None)


async def walk_forward(
    gql: GraphQLClient, tag: str, size: int, order_by: list[dict[str, str]] | None = None
) -> list[dict[str, Any]]:
    """Every page from the start, following endCursor, checking each page's pageInfo."""
    pages: list[dict[str, Any]] = []
    after = None
    while True:
        page = await page_of(gql, tag, orderBy=order_by, first=size, after=after)
        check_cursors(page)
        assert page["pageInfo"]["hasPreviousPage"] is bool(pages)
        assert len(page["edges"]) <= size
        pages.append(page)
        if not page["pageInfo"]["hasNextPage"]:
            return pages
        assert len(page["edges"]) == size
        after = page["pageInfo"]["endCursor"]
        assert len(pages) < 50, "pagination does not end"


async def walk_backward(
    gql: GraphQLClient, tag: str, size: int, order_by: list[dict[str, str]] | None = None
) -> list[dict[str, Any]]:
    """Every page from the end, following startCursor; the pages in the order they came."""
    pages: list[dict[str, Any]] = []
    before = None
    while True:
        page = await page_of(gql, tag, orderBy=order_by, last=size, before=before)
        check_cursors(page)
        assert page["pageInfo"]["hasNextPage"] is bool(pages)
        assert len(page["edges"]) <= size
        pages.append(page)
        if not page["pageInfo"]["hasPreviousPage"]:
            return pages
        assert len(page["edges"]) == size
        before = page["pageInfo"]["startCursor"]
        assert len(pages) < 50, "pagination does not end"


def forward_names(pages: list[dict[str, Any]]) -> list[str]:
    return [edge["node"]["name"] for page in pages for edge in page["edges"]]


def backward_names(pages: list[dict[str, Any]]) -> list[str]:
    return [edge["node"]["name"] for page in reversed(pages) for edge in page["edges"]]


async def error_codes(gql: GraphQLClient, query: str, variables: dict[str, Any]) -> list[Any]:
    errors = await gql.errors(query, variables)
    return [error.get("extensions", {}).get("code") for error in errors]
