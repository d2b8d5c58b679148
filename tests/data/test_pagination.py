"""Keyset pagination through the API: first/after and last/before, orderings, cursors, limits."""

from __future__ import annotations

from typing import Any

import pytest

from tests.data.pagination_operations import (
    NAME_ASC,
    NAME_DESC,
    ORDERS_PAGE,
    PAGE,
    backward_names,
    check_cursors,
    cursor_of,
    error_codes,
    forward_names,
    ids_of,
    page_of,
    tagged_rows,
    walk_backward,
    walk_forward,
)
from tests.support import factories
from tests.support.graphql_client import GraphQLClient

# --- walking a list ----------------------------------------------------------------------------


async def test_forward_pages_cover_the_list_once_in_id_order(gql: GraphQLClient) -> None:
    tag, ids = await tagged_rows(gql, [{} for _ in range(7)])
    first = await page_of(gql, tag, first=3)
    second = await page_of(gql, tag, first=3, after=first["pageInfo"]["endCursor"])
    third = await page_of(gql, tag, first=3, after=second["pageInfo"]["endCursor"])
    assert ids_of(first) + ids_of(second) + ids_of(third) == ids
    assert [len(p["edges"]) for p in (first, second, third)] == [3, 3, 1]
    assert [p["totalCount"] for p in (first, second, third)] == [7, 7, 7]
    assert [
        (p["pageInfo"]["hasPreviousPage"], p["pageInfo"]["hasNextPage"])
        for p in (first, second, third)
    ] == [(False, True), (True, True), (True, False)]
    for page in (first, second, third):
        check_cursors(page)


async def test_a_page_that_ends_exactly_at_the_end_has_no_next_page(gql: GraphQLClient) -> None:
    tag, ids = await tagged_rows(gql, [{} for _ in range(6)])
    whole = await page_of(gql, tag, first=6)
    assert ids_of(whole) == ids
    assert whole["pageInfo"]["hasNextPage"] is False
    half = await page_of(gql, tag, first=3)
    rest = await page_of(gql, tag, first=3, after=half["pageInfo"]["endCursor"])
    assert ids_of(rest) == ids[3:]
    assert rest["pageInfo"]["hasNextPage"] is False
    # nothing after the last item
    beyond = await page_of(gql, tag, first=3, after=rest["pageInfo"]["endCursor"])
    assert beyond["edges"] == []
    assert beyond["pageInfo"]["hasNextPage"] is False


async def test_backward_pages_cover_the_list_once_in_id_order(gql: GraphQLClient) -> None:
    tag, ids = await tagged_rows(gql, [{} for _ in range(7)])
    last = await page_of(gql, tag, last=3)
    middle = await page_of(gql, tag, last=3, before=last["pageInfo"]["startCursor"])
    start = await page_of(gql, tag, last=3, before=middle["pageInfo"]["startCursor"])
    # each page is in list order, and the pages run from the end
    assert ids_of(last) == ids[4:]
    assert ids_of(middle) == ids[1:4]
    assert ids_of(start) == ids[:1]
    assert [p["totalCount"] for p in (last, middle, start)] == [7, 7, 7]
    assert [
        (p["pageInfo"]["hasPreviousPage"], p["pageInfo"]["hasNextPage"])
        for p in (last, middle, start)
    ] == [(True, False), (True, True), (False, True)]
    for page in (last, middle, start):
        check_cursors(page)


async def test_forward_and_backward_cursors_meet(gql: GraphQLClient) -> None:
    tag, ids = await tagged_rows(gql, [{} for _ in range(7)])
    first = await page_of(gql, tag, first=3)
    # going back from the end of the first page gives what lies before it
    back = await page_of(gql, tag, last=3, before=first["pageInfo"]["endCursor"])
    assert ids_of(back) == ids[:2]
    assert back["pageInfo"]["hasPreviousPage"] is False
    # and going forward from a page read backwards continues after it
    last = await page_of(gql, tag, last=2)
    assert ids_of(last) == ids[5:]
    onward = await page_of(gql, tag, first=3, after=last["pageInfo"]["startCursor"])
    assert ids_of(onward) == ids[6:]


async def test_without_first_or_last_a_page_holds_twenty(gql: GraphQLClient) -> None:
    tag, ids = await tagged_rows(gql, [{} for _ in range(21)])
    page = await page_of(gql, tag)
    assert ids_of(page) == ids[:20]
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
    tag, _ = await tagged_rows(gql, [{"name": name} for name in names])
    expected = sorted(names, reverse=reverse)
    forward = await walk_forward(gql, tag, 3, order_by)
    backward = await walk_backward(gql, tag, 3, order_by)
    assert forward_names(forward) == expected
    assert [len(p["edges"]) for p in forward] == [3, 3, 1]
    assert backward_names(backward) == expected
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
    tag, _ = await tagged_rows(gql, rows)
    order_by = [{"field": "BIRTHDAY", "direction": direction, "nulls": nulls}]
    dated = sorted(
        (row for row in rows if row["birthday"]),
        key=lambda row: row["birthday"],
        reverse=direction == "DESC",
    )
    undated = [row for row in rows if not row["birthday"]]  # ties broken by ID, ascending
    expected = [row["name"] for row in (undated + dated if nulls == "FIRST" else dated + undated)]
    forward = await walk_forward(gql, tag, size, order_by)
    backward = await walk_backward(gql, tag, size, order_by)
    assert forward_names(forward) == expected
    assert backward_names(backward) == expected
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
    tag, ids = await tagged_rows(gql, rows)
    order_by = [
        {"field": "BIRTHDAY", "direction": "DESC", "nulls": "LAST"},
        {"field": "NAME", "direction": "ASC"},
    ]
    # birthday descending, then name, then ID
    expected = [ids[i] for i in (4, 2, 0, 1, 5, 6, 3)]
    forward = await walk_forward(gql, tag, 2, order_by)
    backward = await walk_backward(gql, tag, 3, order_by)
    assert [i for page in forward for i in ids_of(page)] == expected
    assert [i for page in reversed(backward) for i in ids_of(page)] == expected


async def test_the_same_order_field_twice_is_refused(gql: GraphQLClient) -> None:
    tag, _ = await tagged_rows(gql, [{}])
    twice = [{"field": "NAME"}, {"field": "NAME", "direction": "DESC"}]
    errors = await gql.errors(PAGE, {"tag": tag, "orderBy": twice, "first": 3})
    assert errors[0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert "NAME" in errors[0]["message"]
    # in a nested connection too
    customer = await factories.customer(gql)
    codes = await error_codes(
        gql, ORDERS_PAGE, {"id": customer["id"], "orderBy": [{"field": "ID"}, {"field": "ID"}]}
    )
    assert codes == ["BAD_USER_INPUT"]


# --- cursors -----------------------------------------------------------------------------------


async def test_a_cursor_of_another_ordering_is_refused(gql: GraphQLClient) -> None:
    prefix = factories.unique("Cursor")
    tag, _ = await tagged_rows(gql, [{"name": f"{prefix} {c}"} for c in "abcde"])
    page = await page_of(gql, tag, orderBy=NAME_ASC, first=2)
    cursor = page["pageInfo"]["endCursor"]
    for order_by in (NAME_DESC, None, [{"field": "BIRTHDAY"}], [*NAME_ASC, {"field": "BIRTHDAY"}]):
        for args in ({"first": 2, "after": cursor}, {"last": 2, "before": cursor}):
            errors = await gql.errors(PAGE, {"tag": tag, "orderBy": order_by, **args})
            assert errors[0]["extensions"]["code"] == "BAD_USER_INPUT", (order_by, args)
            assert errors[0]["message"] == "The cursor belongs to another ordering; start again."
    # with its own ordering it still works
    rest = await page_of(gql, tag, orderBy=NAME_ASC, first=5, after=cursor)
    assert [e["node"]["name"] for e in rest["edges"]] == [f"{prefix} {c}" for c in "cde"]


async def test_a_cursor_of_another_null_placement_is_refused(gql: GraphQLClient) -> None:
    # Reusing a NULLS FIRST cursor with NULLS LAST is another ordering: it would silently skip
    # every customer with a birthday.
    tag, _ = await tagged_rows(gql, [{"birthday": "1990-01-01"}, {}, {}])
    first = [{"field": "BIRTHDAY", "nulls": "FIRST"}]
    page = await page_of(gql, tag, orderBy=first, first=1)
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
        cursor_of([]),
        cursor_of({"v": [1]}),
        cursor_of({"o": "id+"}),
        cursor_of({"o": "id+", "v": 1}),
        cursor_of({"o": "id+", "v": []}),
        cursor_of({"o": "id+", "v": [1, 2]}),
        cursor_of({"o": "id+", "v": ["1"]}),
        cursor_of({"o": "id+", "v": [1.5]}),
        cursor_of({"o": "id+", "v": [{"id": 1}]}),
    ],
)
async def test_a_malformed_cursor_is_refused(gql: GraphQLClient, cursor: str) -> None:
    tag, _ = await tagged_rows(gql, [{}])
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
    tag, _ = await tagged_rows(gql, [{"birthday": "1990-01-01"}])
    cursor = cursor_of({"o": "birthday+,id+", "v": values})
    errors = await gql.errors(
        PAGE, {"tag": tag, "orderBy": [{"field": "BIRTHDAY"}], "first": 2, "after": cursor}
    )
    assert errors[0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert errors[0]["message"] == "Malformed cursor."


async def test_a_cursor_beyond_every_key_is_not_a_server_error(gql: GraphQLClient) -> None:
    # A well-formed cursor whose key is larger than any row's (e.g. tampered with) reads
    # nothing, or is refused as bad input; it must not surface a database error.
    tag, _ = await tagged_rows(gql, [{}])
    cursor = cursor_of({"o": "id+", "v": [2**40]})
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
    tag, _ = await tagged_rows(gql, [{}])
    errors = await gql.errors(PAGE, {"tag": tag, **args})
    assert [(e["message"], e["extensions"]["code"]) for e in errors] == [
        (message, "BAD_USER_INPUT")
    ]


async def test_the_largest_page_is_allowed(gql: GraphQLClient) -> None:
    tag, ids = await tagged_rows(gql, [{}, {}])
    assert ids_of(await page_of(gql, tag, first=500)) == ids
    assert ids_of(await page_of(gql, tag, last=500)) == ids


async def test_first_zero_returns_no_edges(gql: GraphQLClient) -> None:
    tag, _ = await tagged_rows(gql, [{}, {}, {}])
    page = await page_of(gql, tag, first=0)
    assert page["edges"] == []
    assert page["totalCount"] == 3
    assert page["pageInfo"] == {
        "hasNextPage": True,
        "hasPreviousPage": False,
        "startCursor": None,
        "endCursor": None,
    }
    empty = await page_of(gql, tag, last=0)
    assert empty["edges"] == []
    assert empty["pageInfo"]["hasPreviousPage"] is True
