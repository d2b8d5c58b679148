"""Filters through the API: operators, IDs, combinations and limits."""

from __future__ import annotations

from typing import Any

import pytest

from tests.graphql.filter_operations import (
    CUSTOMERS,
    fill,
    first_error,
    global_id_of,
    names_matching,
    new_people,
    suffixes,
)
from tests.support import factories
from tests.support.databases import sqlite_only
from tests.support.graphql_client import GraphQLClient

# --- scalar operators --------------------------------------------------------------------------

PEOPLE = {
    "alpha": {"occupation": "Engineer"},
    "beta": {"occupation": "Doctor"},
    "gamma": {},
    "delta": {"occupation": "engineer in training"},
}


@pytest.mark.parametrize(
    ("filter", "expected"),
    [
        ({"name": {"eq": "{p} beta"}}, ["beta"]),
        ({"name": {"eq": "{p} BETA"}}, []),
        ({"name": {"ne": "{p} beta"}}, ["alpha", "delta", "gamma"]),
        ({"name": {"in": ["{p} alpha", "{p} gamma", "{p} omega"]}}, ["alpha", "gamma"]),
        ({"name": {"in": []}}, []),
        ({"name": {"lt": "{p} beta"}}, ["alpha"]),
        ({"name": {"lte": "{p} beta"}}, ["alpha", "beta"]),
        ({"name": {"gt": "{p} beta"}}, ["delta", "gamma"]),
        ({"name": {"gte": "{p} delta"}}, ["delta", "gamma"]),
        ({"name": {"gt": "{p} alpha", "lt": "{p} gamma"}}, ["beta", "delta"]),
        ({"name": {"contains": "ELT"}}, ["delta"]),
        ({"name": {"startsWith": "{P} G"}}, ["gamma"]),
        ({"name": {"startsWith": "elta"}}, []),
        ({"occupation": {"contains": "engineer"}}, ["alpha", "delta"]),
        ({"occupation": {"startsWith": "ENGINEER"}}, ["alpha", "delta"]),
        ({"occupation": {"eq": "Engineer"}}, ["alpha"]),
        ({"occupation": {"ne": "Engineer"}}, ["beta", "delta", "gamma"]),  # null is not equal
        ({"occupation": {"isNull": True}}, ["gamma"]),
        ({"occupation": {"isNull": False}}, ["alpha", "beta", "delta"]),
        ({"occupation": {"in": ["Doctor", "Engineer"]}}, ["alpha", "beta"]),
        ({"occupation": {"lt": "E"}}, ["beta"]),
    ],
)
async def test_string_operators(
    gql: GraphQLClient, filter: dict[str, Any], expected: list[str]
) -> None:
    prefix = factories.unique("Str")
    await new_people(gql, prefix, PEOPLE)
    assert await suffixes(gql, prefix, fill(filter, prefix)) == expected


async def test_like_metacharacters_in_the_text_match_literally(gql: GraphQLClient) -> None:
    # each name with a metacharacter has a twin that an unescaped pattern would match
    prefix = factories.unique("Like")
    await new_people(
        gql,
        prefix,
        {
            "100% sure": {},
            "100 x sure": {},
            "snake_case": {},
            "snakeXcase": {},
            "back\\slash": {},
            "backslash": {},
        },
    )
    assert await suffixes(gql, prefix, {"name": {"contains": "0% s"}}) == ["100% sure"]
    assert await suffixes(gql, prefix, {"name": {"contains": "%"}}) == ["100% sure"]
    assert await suffixes(gql, prefix, {"name": {"contains": "E_C"}}) == ["snake_case"]
    assert await suffixes(gql, prefix, {"name": {"contains": "_"}}) == ["snake_case"]
    assert await suffixes(gql, prefix, {"name": {"startsWith": f"{prefix} snake_"}}) == [
        "snake_case"
    ]
    assert await suffixes(gql, prefix, {"name": {"startsWith": f"{prefix} 100%"}}) == ["100% sure"]
    assert await suffixes(gql, prefix, {"name": {"contains": "k\\s"}}) == ["back\\slash"]
    # and in search
    tag = await factories.tag(gql)
    await factories.customer(gql, name=f"{prefix} 50%_off", tagIds=[tag["id"]])
    await factories.customer(gql, name=f"{prefix} 50xxoff", tagIds=[tag["id"]])
    found = await names_matching(gql, {"tags": {"some": {"id": {"eq": tag["id"]}}}}, search="50%_")
    assert found == [f"{prefix} 50%_off"]


async def test_contains_ignores_case_beyond_ascii(gql: GraphQLClient) -> None:
    prefix = factories.unique("Accents")
    await new_people(gql, prefix, {"ÉMILE ZOLA": {}, "Jürgen Müller": {}})
    assert await suffixes(gql, prefix, {"name": {"contains": "émile"}}) == ["ÉMILE ZOLA"]
    assert await suffixes(gql, prefix, {"name": {"contains": "MÜLLER"}}) == ["Jürgen Müller"]


@pytest.mark.parametrize(
    ("filter", "expected"),
    [
        ({"eq": "1990-06-15"}, ["b"]),
        ({"ne": "1990-06-15"}, ["a", "c", "d"]),
        ({"in": ["1980-01-01", "2000-12-31", "2001-01-01"]}, ["a", "c"]),
        ({"lt": "1990-06-15"}, ["a"]),
        ({"lte": "1990-06-15"}, ["a", "b"]),
        ({"gt": "1990-06-15"}, ["c"]),
        ({"gte": "1990-06-15"}, ["b", "c"]),
        ({"gt": "1980-01-01", "lt": "2000-12-31"}, ["b"]),
        ({"isNull": True}, ["d"]),
        ({"isNull": False}, ["a", "b", "c"]),
    ],
)
async def test_date_filter(gql: GraphQLClient, filter: dict[str, Any], expected: list[str]) -> None:
    prefix = factories.unique("Dated")
    await new_people(
        gql,
        prefix,
        {
            "a": {"birthday": "1980-01-01"},
            "b": {"birthday": "1990-06-15"},
            "c": {"birthday": "2000-12-31"},
            "d": {},
        },
    )
    assert await suffixes(gql, prefix, {"birthday": filter}) == expected


@pytest.mark.parametrize(
    ("filter", "expected"),
    [
        ({"in": ["PROSPECT", "CUSTOMER"]}, ["b", "c"]),
        ({"in": []}, []),
        ({"eq": "CHURNED"}, ["d"]),
        ({"ne": "LEAD"}, ["b", "c", "d"]),
        ({"isNull": False}, ["a", "b", "c", "d"]),
    ],
)
async def test_enum_filter(gql: GraphQLClient, filter: dict[str, Any], expected: list[str]) -> None:
    prefix = factories.unique("Stage")
    await new_people(
        gql,
        prefix,
        {
            "a": {},  # LEAD by default
            "b": {"lifecycleStage": "PROSPECT"},
            "c": {"lifecycleStage": "CUSTOMER"},
            "d": {"lifecycleStage": "CHURNED"},
        },
    )
    assert await suffixes(gql, prefix, {"lifecycleStage": filter}) == expected


@sqlite_only
async def test_an_unknown_enum_value_is_a_validation_error(gql: GraphQLClient) -> None:
    error = await first_error(gql, CUSTOMERS, {"filter": {"lifecycleStage": {"in": ["ZOMBIE"]}}})
    assert "ZOMBIE" in error["message"]


# --- IDs ---------------------------------------------------------------------------------------


async def test_id_filters(gql: GraphQLClient) -> None:
    prefix = factories.unique("Ids")
    acme = await factories.company(gql)
    other = await factories.company(gql)
    a = await factories.customer(gql, name=f"{prefix} a", companyId=acme["id"])
    b = await factories.customer(gql, name=f"{prefix} b", companyId=other["id"])
    c = await factories.customer(gql, name=f"{prefix} c")
    assert await suffixes(gql, prefix, {"id": {"eq": b["id"]}}) == ["b"]
    assert await suffixes(gql, prefix, {"id": {"ne": b["id"]}}) == ["a", "c"]
    assert await suffixes(gql, prefix, {"id": {"in": [a["id"], c["id"]]}}) == ["a", "c"]
    assert await suffixes(gql, prefix, {"id": {"in": []}}) == []
    assert await suffixes(gql, prefix, {"companyId": {"eq": acme["id"]}}) == ["a"]
    assert await suffixes(gql, prefix, {"companyId": {"ne": acme["id"]}}) == ["b", "c"]
    assert await suffixes(gql, prefix, {"companyId": {"in": [acme["id"], other["id"]]}}) == [
        "a",
        "b",
    ]
    assert await suffixes(gql, prefix, {"companyId": {"isNull": True}}) == ["c"]
    assert await suffixes(gql, prefix, {"companyId": {"isNull": False}}) == ["a", "b"]
    # an ID of the right type that names nothing (the largest key)
    missing = global_id_of("Customer", str(2**31 - 1))
    assert await suffixes(gql, prefix, {"id": {"eq": missing}}) == []
    assert await suffixes(gql, prefix, {"id": {"in": [missing, a["id"]]}}) == ["a"]


async def test_an_id_of_the_wrong_type_is_refused(gql: GraphQLClient) -> None:
    customer = await factories.customer(gql)
    company = await factories.company(gql)
    for filter in (
        {"id": {"eq": company["id"]}},
        {"id": {"in": [customer["id"], company["id"]]}},
        {"companyId": {"eq": customer["id"]}},
        {"companyId": {"ne": customer["id"]}},
    ):
        error = await first_error(gql, CUSTOMERS, {"filter": filter})
        assert error["extensions"]["code"] == "BAD_USER_INPUT", filter
        assert error["message"] == (
            f"Expected the ID of a {'Customer' if 'id' in filter else 'Company'}, "
            f"got the ID of a {'Company' if 'id' in filter else 'Customer'}."
        )


@pytest.mark.parametrize(
    "bad_id",
    [
        "%%%",
        "not an id",
        global_id_of("Customer", ""),
        global_id_of("Customer", "x1"),
        global_id_of("Customer", "-1"),
        pytest.param(global_id_of("Customer", "²"), id="superscript-digit"),  # isdigit, not int
    ],
)
@sqlite_only
async def test_a_malformed_id_is_refused(gql: GraphQLClient, bad_id: str) -> None:
    error = await first_error(gql, CUSTOMERS, {"filter": {"id": {"eq": bad_id}}})
    assert error["extensions"]["code"] == "BAD_USER_INPUT", error


async def test_an_id_beyond_every_key_is_not_a_server_error(gql: GraphQLClient) -> None:
    # A key larger than any row's names no customer: it matches nothing, or is refused as bad
    # input; it must not reach the database as an out-of-range parameter.
    prefix = factories.unique("Huge")
    await new_people(gql, prefix, {"a": {}})
    for pk in ("2147483648", "99999999999", "999999999999999999"):
        huge = global_id_of("Customer", pk)
        scoped = {"name": {"startsWith": f"{prefix} "}, "id": {"eq": huge}}
        body = (await gql.raw(CUSTOMERS, {"filter": scoped})).json()
        if "errors" in body:
            codes = [e.get("extensions", {}).get("code") for e in body["errors"]]
            assert codes == ["BAD_USER_INPUT"], body["errors"]
        else:
            assert body["data"]["customers"]["nodes"] == []


# --- combinations ------------------------------------------------------------------------------


async def test_and_or_not(gql: GraphQLClient) -> None:
    prefix = factories.unique("Logic")
    await new_people(
        gql,
        prefix,
        {
            "a": {"occupation": "Engineer", "birthday": "1980-01-01"},
            "b": {"occupation": "Engineer", "birthday": "2000-01-01"},
            "c": {"occupation": "Doctor", "birthday": "1980-01-01"},
            "d": {"occupation": "Doctor", "birthday": "2000-01-01", "lifecycleStage": "CUSTOMER"},
        },
    )
    engineer = {"occupation": {"eq": "Engineer"}}
    old = {"birthday": {"lt": "1990-01-01"}}
    assert await suffixes(gql, prefix, {"and": [engineer, old]}) == ["a"]
    assert await suffixes(gql, prefix, {**engineer, **old}) == ["a"]  # fields combine with and
    assert await suffixes(gql, prefix, {"or": [engineer, old]}) == ["a", "b", "c"]
    assert await suffixes(gql, prefix, {"or": []}) == []
    assert await suffixes(gql, prefix, {"and": []}) == ["a", "b", "c", "d"]
    assert await suffixes(gql, prefix, {"not": {"or": [engineer, old]}}) == ["d"]
    assert await suffixes(gql, prefix, {"not": {"lifecycleStage": {"eq": "CUSTOMER"}}}) == [
        "a",
        "b",
        "c",
    ]
    nested = {
        "or": [
            {"and": [engineer, {"not": old}]},
            {"and": [{"occupation": {"eq": "Doctor"}}, {"lifecycleStage": {"eq": "CUSTOMER"}}]},
        ]
    }
    assert await suffixes(gql, prefix, nested) == ["b", "d"]
    assert await suffixes(gql, prefix, {"not": {"not": engineer}}) == ["a", "b"]


async def test_not_keeps_records_where_the_field_is_null(gql: GraphQLClient) -> None:
    # "This filter does not match": a customer without an occupation does not match
    # `occupation eq Engineer`, so `not` of it must list that customer (as `ne` does).
    prefix = factories.unique("NotNull")
    await new_people(
        gql, prefix, {"a": {"occupation": "Engineer"}, "b": {}, "c": {"occupation": "Doctor"}}
    )
    assert await suffixes(gql, prefix, {"occupation": {"ne": "Engineer"}}) == ["b", "c"]
    assert await suffixes(gql, prefix, {"not": {"occupation": {"eq": "Engineer"}}}) == ["b", "c"]
    assert await suffixes(gql, prefix, {"not": {"birthday": {"lt": "2000-01-01"}}}) == [
        "a",
        "b",
        "c",
    ]


# --- limits ------------------------------------------------------------------------------------


async def test_an_in_list_of_more_than_1000_values_is_refused(gql: GraphQLClient) -> None:
    prefix = factories.unique("Many")
    await new_people(gql, prefix, {"a": {}})
    names = [f"{prefix} {i}" for i in range(1000)] + [f"{prefix} a"]
    error = await first_error(gql, CUSTOMERS, {"filter": {"name": {"in": names}}})
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["message"] == "`filter.name.in` takes at most 1000 values."
    ids = [global_id_of("Customer", str(i)) for i in range(1, 1002)]
    error = await first_error(gql, CUSTOMERS, {"filter": {"id": {"in": ids}}})
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    # nested inside a relation filter too
    tags = [f"tag {i}" for i in range(1001)]
    error = await first_error(
        gql, CUSTOMERS, {"filter": {"tags": {"some": {"name": {"in": tags}}}}}
    )
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    # 1000 is allowed
    assert await suffixes(gql, prefix, {"name": {"in": names[-1000:]}}) == ["a"]
