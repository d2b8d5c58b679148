"""Keyset pagination through the API: first/after and last/before, orderings, cursors, limits."""

from __future__ import annotations

import base64
from typing import Any

import orjson
import pytest

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


def _cursor(payload: Any) -> str:
    """A hand-made cursor in the API's encoding (base64url of JSON, unpadded)."""
    return base64.urlsafe_b64encode(orjson.dumps(payload)).decode().rstrip("=")


async def _tagged(gql: GraphQLClient, rows: list[dict[str, Any]]) -> tuple[str, list[str]]:
    """A fresh tag and one customer per row carrying it; the customers' IDs in creation order."""
    tag = await factories.tag(gql)
    ids = []
    for row in rows:
        created = await factories.customer(gql, tagIds=[tag["id"]], **row)
        ids.append(created["id"])
    return tag["id"], ids


async def _page(gql: GraphQLClient, tag: str, **args: Any) -> dict[str, Any]:
    data = await gql.query(PAGE, {"tag": tag, **args})
    page: dict[str, Any] = data["customers"]
    return page


def _ids(page: dict[str, Any]) -> list[str]:
    return [edge["node"]["id"] for edge in page["edges"]]


def _check_cursors(page: dict[str, Any]) -> None:
    info = page["pageInfo"]
    if page["edges"]:
        assert info["startCursor"] == page["edges"][0]["cursor"]
        assert info["endCursor"] == page["edges"][-1]["cursor"]
    else:
        assert (info["startCursor"], info["endCursor"]) == (None, None)


async def _walk_forward(
    gql: GraphQLClient, tag: str, size: int, order_by: list[dict[str, str]] | None = None
) -> list[dict[str, Any]]:
    """Every page from the start, following endCursor, checking each page's pageInfo."""
    pages: list[dict[str, Any]] = []
    after = None
    while True:
        page = await _page(gql, tag, orderBy=order_by, first=size, after=after)
        _check_cursors(page)
        assert page["pageInfo"]["hasPreviousPage"] is bool(pages)
        assert len(page["edges"]) <= size
        pages.append(page)
        if not page["pageInfo"]["hasNextPage"]:
            return pages
        assert len(page["edges"]) == size
        after = page["pageInfo"]["endCursor"]
        assert len(pages) < 50, "pagination does not end"


async def _walk_backward(
    gql: GraphQLClient, tag: str, size: int, order_by: list[dict[str, str]] | None = None
) -> list[dict[str, Any]]:
    """Every page from the end, following startCursor; the pages in the order they came."""
    pages: list[dict[str, Any]] = []
    before = None
    while True:
        page = await _page(gql, tag, orderBy=order_by, last=size, before=before)
        _check_cursors(page)
        assert page["pageInfo"]["hasNextPage"] is bool(pages)
        assert len(page["edges"]) <= size
        pages.append(page)
        if not page["pageInfo"]["hasPreviousPage"]:
            return pages
        assert len(page["edges"]) == size
        before = page["pageInfo"]["startCursor"]
        assert len(pages) < 50, "pagination does not end"


def _forward_names(pages: list[dict[str, Any]]) -> list[str]:
    return [edge["node"]["name"] for page in pages for edge in page["edges"]]


def _backward_names(pages: list[dict[str, Any]]) -> list[str]:
    return [edge["node"]["name"] for page in reversed(pages) for edge in page["edges"]]


async def _error_codes(gql: GraphQLClient, query: str, variables: dict[str, Any]) -> list[Any]:
    errors = await gql.errors(query, variables)
    return [error.get("extensions", {}).get("code") for error in errors]


# --- walking a list ----------------------------------------------------------------------------


async def test_forward_pages_cover_the_list_once_in_id_order(gql: GraphQLClient) -> None:
    tag, ids = await _tagged(gql, [{} for _ in range(7)])
    first = await _page(gql, tag, first=3)
    second = await _page(gql, tag, first=3, after=first["pageInfo"]["endCursor"])
    third = await _page(gql, tag, first=3, after=second["pageInfo"]["endCursor"])
    assert _ids(first) + _ids(second) + _ids(third) == ids
    assert [len(p["edges"]) for p in (first, second, third)] == [3, 3, 1]
    assert [p["totalCount"] for p in (first, second, third)] == [7, 7, 7]
    assert [
        (p["pageInfo"]["hasPreviousPage"], p["pageInfo"]["hasNextPage"])
        for p in (first, second, third)
    ] == [(False, True), (True, True), (True, False)]
    for page in (first, second, third):
        _check_cursors(page)


async def test_a_page_that_ends_exactly_at_the_end_has_no_next_page(gql: GraphQLClient) -> None:
    tag, ids = await _tagged(gql, [{} for _ in range(6)])
    whole = await _page(gql, tag, first=6)
    assert _ids(whole) == ids
    assert whole["pageInfo"]["hasNextPage"] is False
    half = await _page(gql, tag, first=3)
    rest = await _page(gql, tag, first=3, after=half["pageInfo"]["endCursor"])
    assert _ids(rest) == ids[3:]
    assert rest["pageInfo"]["hasNextPage"] is False
    # nothing after the last item
    beyond = await _page(gql, tag, first=3, after=rest["pageInfo"]["endCursor"])
    assert beyond["edges"] == []
    assert beyond["pageInfo"]["hasNextPage"] is False


async def test_backward_pages_cover_the_list_once_in_id_order(gql: GraphQLClient) -> None:
    tag, ids = await _tagged(gql, [{} for _ in range(7)])
    last = await _page(gql, tag, last=3)
    middle = await _page(gql, tag, last=3, before=last["pageInfo"]["startCursor"])
    start = await _page(gql, tag, last=3, before=middle["pageInfo"]["startCursor"])
    # each page is in list order, and the pages run from the end
    assert _ids(last) == ids[4:]
    assert _ids(middle) == ids[1:4]
    assert _ids(start) == ids[:1]
    assert [p["totalCount"] for p in (last, middle, start)] == [7, 7, 7]
    assert [
        (p["pageInfo"]["hasPreviousPage"], p["pageInfo"]["hasNextPage"])
        for p in (last, middle, start)
    ] == [(True, False), (True, True), (False, True)]
    for page in (last, middle, start):
        _check_cursors(page)


async def test_forward_and_backward_cursors_meet(gql: GraphQLClient) -> None:
    tag, ids = await _tagged(gql, [{} for _ in range(7)])
    first = await _page(gql, tag, first=3)
    # going back from the end of the first page gives what lies before it
    back = await _page(gql, tag, last=3, before=first["pageInfo"]["endCursor"])
    assert _ids(back) == ids[:2]
    assert back["pageInfo"]["hasPreviousPage"] is False
    # and going forward from a page read backwards continues after it
    last = await _page(gql, tag, last=2)
    assert _ids(last) == ids[5:]
    onward = await _page(gql, tag, first=3, after=last["pageInfo"]["startCursor"])
    assert _ids(onward) == ids[6:]


async def test_without_first_or_last_a_page_holds_twenty(gql: GraphQLClient) -> None:
    tag, ids = await _tagged(gql, [{} for _ in range(21)])
    page = await _page(gql, tag)
    assert _ids(page) == ids[:20]
    assert page["pageInfo"]["hasNextPage"] is True
    assert page["totalCount"] == 21


# --- orderings ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("order_by", "reverse"), [(NAME_ASC, False), (NAME_DESC, True)])
async def test_order_by_name_in_both_directions(
    gql: GraphQLClient, order_by: list[dict[str, str]], reverse: bool
) -> None:
    # names created out of order
    prefix = factories.unique("Paged")
    names = [f"{prefix} {letter}" for letter in "dagcfbe"]
    tag, _ = await _tagged(gql, [{"name": name} for name in names])
    expected = sorted(names, reverse=reverse)
    forward = await _walk_forward(gql, tag, 3, order_by)
    backward = await _walk_backward(gql, tag, 3, order_by)
    assert _forward_names(forward) == expected
    assert [len(p["edges"]) for p in forward] == [3, 3, 1]
    assert _backward_names(backward) == expected
    assert [len(p["edges"]) for p in backward] == [3, 3, 1]


BIRTHDAYS = ["1990-05-01", None, "1975-12-24", None, "2001-01-31", "1983-07-04", None]


@pytest.mark.parametrize("direction", ["ASC", "DESC"])
@pytest.mark.parametrize("nulls", ["FIRST", "LAST"])
@pytest.mark.parametrize("size", [2, 3])
async def test_order_by_birthday_pages_across_the_nulls(
    gql: GraphQLClient, direction: str, nulls: str, size: int
) -> None:
    # three customers without a birthday among seven
    prefix = factories.unique("Born")
    rows = [{"name": f"{prefix} {i}", "birthday": birthday} for i, birthday in enumerate(BIRTHDAYS)]
    tag, _ = await _tagged(gql, rows)
    order_by = [{"field": "BIRTHDAY", "direction": direction, "nulls": nulls}]
    dated = sorted(
        (row for row in rows if row["birthday"]),
        key=lambda row: row["birthday"],
        reverse=direction == "DESC",
    )
    undated = [row for row in rows if not row["birthday"]]  # ties broken by ID, ascending
    expected = [row["name"] for row in (undated + dated if nulls == "FIRST" else dated + undated)]
    forward = await _walk_forward(gql, tag, size, order_by)
    backward = await _walk_backward(gql, tag, size, order_by)
    assert _forward_names(forward) == expected
    assert _backward_names(backward) == expected
    births = {
        edge["node"]["name"]: edge["node"]["birthday"] for p in forward for edge in p["edges"]
    }
    assert births == {row["name"]: row["birthday"] for row in rows}


async def test_order_by_several_keys(gql: GraphQLClient) -> None:
    # birthdays shared by several customers, names telling them apart
    prefix = factories.unique("Multi")
    rows = [
        {"name": f"{prefix} c", "birthday": "1990-01-01"},
        {"name": f"{prefix} a", "birthday": "1980-01-01"},
        {"name": f"{prefix} b", "birthday": "1990-01-01"},
        {"name": f"{prefix} e", "birthday": None},
        {"name": f"{prefix} a", "birthday": "1990-01-01"},
        {"name": f"{prefix} d", "birthday": "1980-01-01"},
        {"name": f"{prefix} b", "birthday": None},
    ]
    tag, ids = await _tagged(gql, rows)
    order_by = [
        {"field": "BIRTHDAY", "direction": "DESC", "nulls": "LAST"},
        {"field": "NAME", "direction": "ASC"},
    ]
    # birthday descending, then name, then ID
    expected = [ids[i] for i in (4, 2, 0, 1, 5, 6, 3)]
    forward = await _walk_forward(gql, tag, 2, order_by)
    backward = await _walk_backward(gql, tag, 3, order_by)
    assert [i for page in forward for i in _ids(page)] == expected
    assert [i for page in reversed(backward) for i in _ids(page)] == expected


async def test_the_same_order_field_twice_is_refused(gql: GraphQLClient) -> None:
    tag, _ = await _tagged(gql, [{}])
    twice = [{"field": "NAME"}, {"field": "NAME", "direction": "DESC"}]
    errors = await gql.errors(PAGE, {"tag": tag, "orderBy": twice, "first": 3})
    assert errors[0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert "NAME" in errors[0]["message"]
    # in a nested connection too
    customer = await factories.customer(gql)
    codes = await _error_codes(
        gql, ORDERS_PAGE, {"id": customer["id"], "orderBy": [{"field": "ID"}, {"field": "ID"}]}
    )
    assert codes == ["BAD_USER_INPUT"]


# --- cursors -----------------------------------------------------------------------------------


async def test_a_cursor_of_another_ordering_is_refused(gql: GraphQLClient) -> None:
    prefix = factories.unique("Cursor")
    tag, _ = await _tagged(gql, [{"name": f"{prefix} {c}"} for c in "abcde"])
    page = await _page(gql, tag, orderBy=NAME_ASC, first=2)
    cursor = page["pageInfo"]["endCursor"]
    for order_by in (NAME_DESC, None, [{"field": "BIRTHDAY"}], [*NAME_ASC, {"field": "BIRTHDAY"}]):
        for args in ({"first": 2, "after": cursor}, {"last": 2, "before": cursor}):
            errors = await gql.errors(PAGE, {"tag": tag, "orderBy": order_by, **args})
            assert errors[0]["extensions"]["code"] == "BAD_USER_INPUT", (order_by, args)
            assert errors[0]["message"] == "The cursor belongs to another ordering; start again."
    # with its own ordering it still works
    rest = await _page(gql, tag, orderBy=NAME_ASC, first=5, after=cursor)
    assert [e["node"]["name"] for e in rest["edges"]] == [f"{prefix} {c}" for c in "cde"]


async def test_a_cursor_of_another_null_placement_is_refused(gql: GraphQLClient) -> None:
    # Reusing a NULLS FIRST cursor with NULLS LAST is another ordering: it would silently skip
    # every customer with a birthday.
    tag, _ = await _tagged(gql, [{"birthday": "1990-01-01"}, {}, {}])
    first = [{"field": "BIRTHDAY", "nulls": "FIRST"}]
    page = await _page(gql, tag, orderBy=first, first=1)
    cursor = page["pageInfo"]["endCursor"]
    last = [{"field": "BIRTHDAY", "nulls": "LAST"}]
    errors = await gql.errors(PAGE, {"tag": tag, "orderBy": last, "first": 1, "after": cursor})
    assert errors[0]["extensions"]["code"] == "BAD_USER_INPUT"


@pytest.mark.parametrize(
    "cursor",
    [
        "not a cursor",
        "%%%",
        "eyJ",  # a truncated cursor
        _cursor([]),
        _cursor({"v": [1]}),
        _cursor({"o": "id+"}),
        _cursor({"o": "id+", "v": 1}),
        _cursor({"o": "id+", "v": []}),
        _cursor({"o": "id+", "v": [1, 2]}),
        _cursor({"o": "id+", "v": ["1"]}),
        _cursor({"o": "id+", "v": [1.5]}),
        _cursor({"o": "id+", "v": [{"id": 1}]}),
    ],
)
async def test_a_malformed_cursor_is_refused(gql: GraphQLClient, cursor: str) -> None:
    tag, _ = await _tagged(gql, [{}])
    for args in ({"first": 2, "after": cursor}, {"last": 2, "before": cursor}):
        errors = await gql.errors(PAGE, {"tag": tag, **args})
        assert errors[0]["extensions"]["code"] == "BAD_USER_INPUT", errors
        assert errors[0]["path"] == ["customers"]


@pytest.mark.parametrize(
    "values", [["not-a-date", 1], [19900101, 1], ["1990-13-45", 1], [None, "1"]]
)
async def test_a_cursor_with_values_of_the_wrong_type_is_refused(
    gql: GraphQLClient, values: list[Any]
) -> None:
    tag, _ = await _tagged(gql, [{"birthday": "1990-01-01"}])
    cursor = _cursor({"o": "birthday+,id+", "v": values})
    errors = await gql.errors(
        PAGE, {"tag": tag, "orderBy": [{"field": "BIRTHDAY"}], "first": 2, "after": cursor}
    )
    assert errors[0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert errors[0]["message"] == "Malformed cursor."


async def test_a_cursor_beyond_every_key_is_not_a_server_error(gql: GraphQLClient) -> None:
    # A well-formed cursor whose key is larger than any row's (e.g. tampered with) reads
    # nothing, or is refused as bad input; it must not surface a database error.
    tag, _ = await _tagged(gql, [{}])
    cursor = _cursor({"o": "id+", "v": [2**40]})
    body = (await gql.raw(PAGE, {"tag": tag, "first": 2, "after": cursor})).json()
    if "errors" in body:
        assert [e.get("extensions", {}).get("code") for e in body["errors"]] == [
            "BAD_USER_INPUT"
        ], body["errors"]
    else:
        assert body["data"]["customers"]["edges"] == []


# --- page sizes --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"first": 2, "last": 2}, "Pass either `first` or `last`, not both."),
        ({"first": -1}, "`first` must not be negative."),
        ({"last": -1}, "`last` must not be negative."),
        ({"first": 501}, "`first` can be at most 500."),
        ({"last": 501}, "`last` can be at most 500."),
    ],
)
async def test_page_sizes_out_of_bounds_are_refused(
    gql: GraphQLClient, args: dict[str, int], message: str
) -> None:
    tag, _ = await _tagged(gql, [{}])
    errors = await gql.errors(PAGE, {"tag": tag, **args})
    assert [(e["message"], e["extensions"]["code"]) for e in errors] == [
        (message, "BAD_USER_INPUT")
    ]


async def test_the_largest_page_is_allowed(gql: GraphQLClient) -> None:
    tag, ids = await _tagged(gql, [{}, {}])
    assert _ids(await _page(gql, tag, first=500)) == ids
    assert _ids(await _page(gql, tag, last=500)) == ids


async def test_first_zero_returns_no_edges(gql: GraphQLClient) -> None:
    tag, _ = await _tagged(gql, [{}, {}, {}])
    page = await _page(gql, tag, first=0)
    assert page["edges"] == []
    assert page["totalCount"] == 3
    assert page["pageInfo"] == {
        "hasNextPage": True,
        "hasPreviousPage": False,
        "startCursor": None,
        "endCursor": None,
    }
    empty = await _page(gql, tag, last=0)
    assert empty["edges"] == []
    assert empty["pageInfo"]["hasPreviousPage"] is True


# --- nested connections ------------------------------------------------------------------------


async def _customer_with_orders(gql: GraphQLClient, prices: list[str]) -> tuple[str, list[str]]:
    customer = await factories.customer(gql)
    product = await factories.product(gql, price="1.00")
    ids = []
    for price in prices:
        order = await factories.order(
            gql, customer["id"], [{"productId": product["id"], "quantity": 1, "unitPrice": price}]
        )
        ids.append(order["id"])
    return customer["id"], ids


async def test_nested_orders_page_forward(gql: GraphQLClient) -> None:
    customer, ids = await _customer_with_orders(gql, ["10.00", "20.00", "30.00", "40.00", "50.00"])
    seen: list[str] = []
    infos = []
    after = None
    for _ in range(3):
        data = await gql.query(ORDERS_PAGE, {"id": customer, "first": 2, "after": after})
        orders = data["customer"]["orders"]
        assert orders["totalCount"] == 5
        _check_cursors(orders)
        seen += [edge["node"]["id"] for edge in orders["edges"]]
        infos.append((orders["pageInfo"]["hasPreviousPage"], orders["pageInfo"]["hasNextPage"]))
        after = orders["pageInfo"]["endCursor"]
    assert seen == ids
    assert infos == [(False, True), (True, True), (True, False)]


async def test_nested_orders_last_one(gql: GraphQLClient) -> None:
    customer, ids = await _customer_with_orders(gql, ["30.00", "10.00", "20.00"])
    data = await gql.query(ORDERS_PAGE, {"id": customer, "last": 1})
    orders = data["customer"]["orders"]
    assert [edge["node"]["id"] for edge in orders["edges"]] == [ids[-1]]
    assert orders["pageInfo"]["hasPreviousPage"] is True
    assert orders["pageInfo"]["hasNextPage"] is False
    assert orders["totalCount"] == 3
    # the last by total descending is the smallest order
    data = await gql.query(
        ORDERS_PAGE,
        {"id": customer, "last": 1, "orderBy": [{"field": "TOTAL", "direction": "DESC"}]},
    )
    nodes = [edge["node"] for edge in data["customer"]["orders"]["edges"]]
    assert nodes == [{"id": ids[1], "total": {"amount": "10.00"}}]


async def test_nested_orders_page_by_total(gql: GraphQLClient) -> None:
    customer, ids = await _customer_with_orders(gql, ["30.00", "10.00", "50.00", "20.00"])
    order_by = [{"field": "TOTAL", "direction": "DESC"}]
    first = await gql.query(ORDERS_PAGE, {"id": customer, "orderBy": order_by, "first": 2})
    edges = first["customer"]["orders"]["edges"]
    assert [edge["node"]["id"] for edge in edges] == [ids[2], ids[0]]
    cursor = first["customer"]["orders"]["pageInfo"]["endCursor"]
    second = await gql.query(
        ORDERS_PAGE, {"id": customer, "orderBy": order_by, "first": 2, "after": cursor}
    )
    assert [edge["node"]["id"] for edge in second["customer"]["orders"]["edges"]] == [
        ids[3],
        ids[1],
    ]
    # the cursor is tied to its ordering in nested connections too
    codes = await _error_codes(gql, ORDERS_PAGE, {"id": customer, "first": 2, "after": cursor})
    assert codes == ["BAD_USER_INPUT"]


async def test_nested_pages_are_per_parent(gql: GraphQLClient) -> None:
    # two tagged customers with three and one orders
    tag = await factories.tag(gql)
    prefix = factories.unique("Nested")
    product = await factories.product(gql)
    counts = {"a": 3, "b": 1}
    expected = {}
    for suffix, count in counts.items():
        customer = await factories.customer(gql, name=f"{prefix} {suffix}", tagIds=[tag["id"]])
        ids = []
        for _ in range(count):
            order = await factories.order(
                gql, customer["id"], [{"productId": product["id"], "quantity": 1}]
            )
            ids.append(order["id"])
        expected[f"{prefix} {suffix}"] = ids
    # every customer's first two orders in one request
    data = await gql.query(TAGGED_WITH_ORDERS, {"tag": tag["id"]})
    got = {node["name"]: node["orders"] for node in data["customers"]["nodes"]}
    assert {name: [o["id"] for o in orders["nodes"]] for name, orders in got.items()} == {
        f"{prefix} a": expected[f"{prefix} a"][:2],
        f"{prefix} b": expected[f"{prefix} b"],
    }
    assert {name: orders["totalCount"] for name, orders in got.items()} == {
        f"{prefix} a": 3,
        f"{prefix} b": 1,
    }
    assert {name: orders["pageInfo"]["hasNextPage"] for name, orders in got.items()} == {
        f"{prefix} a": True,
        f"{prefix} b": False,
    }


async def test_nested_connections_differing_only_in_null_placement(gql: GraphQLClient) -> None:
    # one placed order (placedAt set) and one draft (placedAt null)
    customer = await factories.customer(gql)
    product = await factories.product(gql)
    placed = await factories.order(
        gql, customer["id"], [{"productId": product["id"], "quantity": 1}], status="PLACED"
    )
    draft = await factories.order(
        gql, customer["id"], [{"productId": product["id"], "quantity": 1}]
    )
    # both placements in one request, under two aliases
    data = await gql.query(ORDERS_BY_NULL_PLACEMENT, {"id": customer["id"]})
    # each alias has its own order
    assert [o["id"] for o in data["customer"]["first"]["nodes"]] == [draft["id"], placed["id"]]
    assert [o["id"] for o in data["customer"]["last"]["nodes"]] == [placed["id"], draft["id"]]
