"""Filters and search through the API: operators, combinations, relations and soft deletes."""

from __future__ import annotations

import base64
from typing import Any

import pytest

from tests.support import factories
from tests.support.graphql_client import GraphQLClient

CUSTOMERS = """
query($filter: CustomerFilter, $search: String) {
  customers(filter: $filter, search: $search, orderBy: [{field: NAME}], first: 500) {
    totalCount nodes { name }
  }
}
"""

COMPANIES = """
query($filter: CompanyFilter, $search: String) {
  companies(filter: $filter, search: $search, orderBy: [{field: NAME}], first: 500) {
    totalCount nodes { name }
  }
}
"""

DELETE_COMPANY = """
mutation($input: DeleteInput!) { deleteCompany(input: $input) { errors { field message code } } }
"""

DELETE_TAG = """
mutation($input: DeleteInput!) { deleteTag(input: $input) { errors { field message code } } }
"""

RESTORE_TAG = """
mutation($input: RestoreInput!) { restoreTag(input: $input) { errors { field message code } } }
"""

DELETE_ORDER = """
mutation($input: DeleteInput!) { deleteOrder(input: $input) { errors { field message code } } }
"""

LOG_INTERACTION = """
mutation($input: LogInteractionInput!) {
  logInteraction(input: $input) { interaction { id occurredAt } errors { field message code } }
}
"""


def _global_id(type_name: str, pk: str) -> str:
    return base64.urlsafe_b64encode(f"{type_name}:{pk}".encode()).decode().rstrip("=")


def _fill(template: Any, prefix: str) -> Any:
    """`template` with "{p}" in every string replaced by `prefix` ("{P}": upper-cased)."""
    if isinstance(template, str):
        return template.replace("{p}", prefix).replace("{P}", prefix.upper())
    if isinstance(template, list):
        return [_fill(item, prefix) for item in template]
    if isinstance(template, dict):
        return {key: _fill(value, prefix) for key, value in template.items()}
    return template


async def _names(
    gql: GraphQLClient, filter: dict[str, Any] | None = None, search: str | None = None
) -> list[str]:
    data = await gql.query(CUSTOMERS, {"filter": filter, "search": search})
    names = [node["name"] for node in data["customers"]["nodes"]]
    assert data["customers"]["totalCount"] == len(names)
    return names


async def _suffixes(gql: GraphQLClient, prefix: str, filter: dict[str, Any]) -> list[str]:
    """Names (without the prefix) of the customers named `prefix ...` that match `filter`."""
    scoped = {"and": [{"name": {"startsWith": f"{prefix} "}}, filter]}
    return [name.removeprefix(f"{prefix} ") for name in await _names(gql, scoped)]


async def _tagged(gql: GraphQLClient, tag: str, filter: dict[str, Any]) -> list[str]:
    """Names of the customers tagged `tag` that match `filter`."""
    return await _names(gql, {"and": [{"tags": {"some": {"id": {"eq": tag}}}}, filter]})


async def _error(gql: GraphQLClient, query: str, variables: dict[str, Any]) -> dict[str, Any]:
    errors = await gql.errors(query, variables)
    assert len(errors) == 1, errors
    error: dict[str, Any] = errors[0]
    return error


async def _people(gql: GraphQLClient, prefix: str, rows: dict[str, dict[str, Any]]) -> None:
    for suffix, fields in rows.items():
        await factories.customer(gql, name=f"{prefix} {suffix}", **fields)


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
    await _people(gql, prefix, PEOPLE)
    assert await _suffixes(gql, prefix, _fill(filter, prefix)) == expected


async def test_like_metacharacters_in_the_text_match_literally(gql: GraphQLClient) -> None:
    # each name with a metacharacter has a twin that an unescaped pattern would match
    prefix = factories.unique("Like")
    await _people(
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
    assert await _suffixes(gql, prefix, {"name": {"contains": "0% s"}}) == ["100% sure"]
    assert await _suffixes(gql, prefix, {"name": {"contains": "%"}}) == ["100% sure"]
    assert await _suffixes(gql, prefix, {"name": {"contains": "E_C"}}) == ["snake_case"]
    assert await _suffixes(gql, prefix, {"name": {"contains": "_"}}) == ["snake_case"]
    assert await _suffixes(gql, prefix, {"name": {"startsWith": f"{prefix} snake_"}}) == [
        "snake_case"
    ]
    assert await _suffixes(gql, prefix, {"name": {"startsWith": f"{prefix} 100%"}}) == ["100% sure"]
    assert await _suffixes(gql, prefix, {"name": {"contains": "k\\s"}}) == ["back\\slash"]
    # and in search
    tag = await factories.tag(gql)
    await factories.customer(gql, name=f"{prefix} 50%_off", tagIds=[tag["id"]])
    await factories.customer(gql, name=f"{prefix} 50xxoff", tagIds=[tag["id"]])
    found = await _names(gql, {"tags": {"some": {"id": {"eq": tag["id"]}}}}, search="50%_")
    assert found == [f"{prefix} 50%_off"]


async def test_contains_ignores_case_beyond_ascii(gql: GraphQLClient) -> None:
    prefix = factories.unique("Accents")
    await _people(gql, prefix, {"ÉMILE ZOLA": {}, "Jürgen Müller": {}})
    assert await _suffixes(gql, prefix, {"name": {"contains": "émile"}}) == ["ÉMILE ZOLA"]
    assert await _suffixes(gql, prefix, {"name": {"contains": "MÜLLER"}}) == ["Jürgen Müller"]


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
    await _people(
        gql,
        prefix,
        {
            "a": {"birthday": "1980-01-01"},
            "b": {"birthday": "1990-06-15"},
            "c": {"birthday": "2000-12-31"},
            "d": {},
        },
    )
    assert await _suffixes(gql, prefix, {"birthday": filter}) == expected


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
    await _people(
        gql,
        prefix,
        {
            "a": {},  # LEAD by default
            "b": {"lifecycleStage": "PROSPECT"},
            "c": {"lifecycleStage": "CUSTOMER"},
            "d": {"lifecycleStage": "CHURNED"},
        },
    )
    assert await _suffixes(gql, prefix, {"lifecycleStage": filter}) == expected


async def test_an_unknown_enum_value_is_a_validation_error(gql: GraphQLClient) -> None:
    error = await _error(gql, CUSTOMERS, {"filter": {"lifecycleStage": {"in": ["ZOMBIE"]}}})
    assert "ZOMBIE" in error["message"]


# --- IDs ---------------------------------------------------------------------------------------


async def test_id_filters(gql: GraphQLClient) -> None:
    prefix = factories.unique("Ids")
    acme = await factories.company(gql)
    other = await factories.company(gql)
    a = await factories.customer(gql, name=f"{prefix} a", companyId=acme["id"])
    b = await factories.customer(gql, name=f"{prefix} b", companyId=other["id"])
    c = await factories.customer(gql, name=f"{prefix} c")
    assert await _suffixes(gql, prefix, {"id": {"eq": b["id"]}}) == ["b"]
    assert await _suffixes(gql, prefix, {"id": {"ne": b["id"]}}) == ["a", "c"]
    assert await _suffixes(gql, prefix, {"id": {"in": [a["id"], c["id"]]}}) == ["a", "c"]
    assert await _suffixes(gql, prefix, {"id": {"in": []}}) == []
    assert await _suffixes(gql, prefix, {"companyId": {"eq": acme["id"]}}) == ["a"]
    assert await _suffixes(gql, prefix, {"companyId": {"ne": acme["id"]}}) == ["b", "c"]
    assert await _suffixes(gql, prefix, {"companyId": {"in": [acme["id"], other["id"]]}}) == [
        "a",
        "b",
    ]
    assert await _suffixes(gql, prefix, {"companyId": {"isNull": True}}) == ["c"]
    assert await _suffixes(gql, prefix, {"companyId": {"isNull": False}}) == ["a", "b"]
    # an ID of the right type that names nothing (the largest key)
    missing = _global_id("Customer", str(2**31 - 1))
    assert await _suffixes(gql, prefix, {"id": {"eq": missing}}) == []
    assert await _suffixes(gql, prefix, {"id": {"in": [missing, a["id"]]}}) == ["a"]


async def test_an_id_of_the_wrong_type_is_refused(gql: GraphQLClient) -> None:
    customer = await factories.customer(gql)
    company = await factories.company(gql)
    for filter in (
        {"id": {"eq": company["id"]}},
        {"id": {"in": [customer["id"], company["id"]]}},
        {"companyId": {"eq": customer["id"]}},
        {"companyId": {"ne": customer["id"]}},
    ):
        error = await _error(gql, CUSTOMERS, {"filter": filter})
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
        _global_id("Customer", ""),
        _global_id("Customer", "x1"),
        _global_id("Customer", "-1"),
        pytest.param(_global_id("Customer", "²"), id="superscript-digit"),  # isdigit, not int
    ],
)
async def test_a_malformed_id_is_refused(gql: GraphQLClient, bad_id: str) -> None:
    error = await _error(gql, CUSTOMERS, {"filter": {"id": {"eq": bad_id}}})
    assert error["extensions"]["code"] == "BAD_USER_INPUT", error


async def test_an_id_beyond_every_key_is_not_a_server_error(gql: GraphQLClient) -> None:
    # A key larger than any row's names no customer: it matches nothing, or is refused as bad
    # input; it must not reach the database as an out-of-range parameter.
    prefix = factories.unique("Huge")
    await _people(gql, prefix, {"a": {}})
    for pk in ("2147483648", "99999999999", "999999999999999999"):
        huge = _global_id("Customer", pk)
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
    await _people(
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
    assert await _suffixes(gql, prefix, {"and": [engineer, old]}) == ["a"]
    assert await _suffixes(gql, prefix, {**engineer, **old}) == ["a"]  # fields combine with and
    assert await _suffixes(gql, prefix, {"or": [engineer, old]}) == ["a", "b", "c"]
    assert await _suffixes(gql, prefix, {"or": []}) == []
    assert await _suffixes(gql, prefix, {"and": []}) == ["a", "b", "c", "d"]
    assert await _suffixes(gql, prefix, {"not": {"or": [engineer, old]}}) == ["d"]
    assert await _suffixes(gql, prefix, {"not": {"lifecycleStage": {"eq": "CUSTOMER"}}}) == [
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
    assert await _suffixes(gql, prefix, nested) == ["b", "d"]
    assert await _suffixes(gql, prefix, {"not": {"not": engineer}}) == ["a", "b"]


async def test_not_keeps_records_where_the_field_is_null(gql: GraphQLClient) -> None:
    # "This filter does not match": a customer without an occupation does not match
    # `occupation eq Engineer`, so `not` of it must list that customer (as `ne` does).
    prefix = factories.unique("NotNull")
    await _people(
        gql, prefix, {"a": {"occupation": "Engineer"}, "b": {}, "c": {"occupation": "Doctor"}}
    )
    assert await _suffixes(gql, prefix, {"occupation": {"ne": "Engineer"}}) == ["b", "c"]
    assert await _suffixes(gql, prefix, {"not": {"occupation": {"eq": "Engineer"}}}) == ["b", "c"]
    assert await _suffixes(gql, prefix, {"not": {"birthday": {"lt": "2000-01-01"}}}) == [
        "a",
        "b",
        "c",
    ]


# --- relations ---------------------------------------------------------------------------------


async def test_customers_of_companies_in_an_industry(gql: GraphQLClient) -> None:
    industry = factories.unique("Industry")
    prefix = factories.unique("Works")
    inside = await factories.company(gql, industry=industry)
    outside = await factories.company(gql, industry=factories.unique("Industry"))
    gone = await factories.company(gql, industry=industry)
    await factories.customer(gql, name=f"{prefix} a", companyId=inside["id"])
    await factories.customer(gql, name=f"{prefix} b", companyId=outside["id"])
    await factories.customer(gql, name=f"{prefix} c")
    await factories.customer(gql, name=f"{prefix} d", companyId=gone["id"])
    in_industry = {"company": {"industry": {"eq": industry}}}
    assert await _suffixes(gql, prefix, in_industry) == ["a", "d"]
    # a company is deleted
    await gql.mutate(DELETE_COMPANY, {"input": {"id": gone["id"]}})
    # it no longer satisfies any company condition
    assert await _names(gql, in_industry) == [f"{prefix} a"]
    assert await _suffixes(gql, prefix, {"company": {"id": {"eq": gone["id"]}}}) == []
    assert await _suffixes(gql, prefix, {"company": {}}) == ["a", "b"]
    assert await _suffixes(gql, prefix, {"not": {"company": {}}}) == ["c", "d"]
    # the key itself is unchanged
    assert await _suffixes(gql, prefix, {"companyId": {"eq": gone["id"]}}) == ["d"]


async def test_tag_list_filters(gql: GraphQLClient) -> None:
    prefix = factories.unique("Tagged")
    vip = await factories.tag(gql)
    red = await factories.tag(gql, color="#FF0000")
    await _people(
        gql,
        prefix,
        {
            "a": {"tagIds": [vip["id"]]},
            "b": {"tagIds": [vip["id"], red["id"]]},
            "c": {"tagIds": [red["id"]]},
            "d": {},
        },
    )
    is_vip = {"id": {"eq": vip["id"]}}
    assert await _suffixes(gql, prefix, {"tags": {"some": is_vip}}) == ["a", "b"]
    assert await _suffixes(gql, prefix, {"tags": {"none": is_vip}}) == ["c", "d"]
    assert await _suffixes(gql, prefix, {"tags": {"every": is_vip}}) == ["a", "d"]
    assert await _suffixes(gql, prefix, {"tags": {"some": {}}}) == ["a", "b", "c"]
    assert await _suffixes(gql, prefix, {"tags": {"none": {}}}) == ["d"]
    assert await _suffixes(gql, prefix, {"tags": {"some": is_vip, "none": {"name": {}}}}) == []
    both = {"and": [{"tags": {"some": is_vip}}, {"tags": {"some": {"color": {"eq": "#FF0000"}}}}]}
    assert await _suffixes(gql, prefix, both) == ["b"]
    assert await _suffixes(gql, prefix, {"tags": {"some": {"name": {"eq": red["name"]}}}}) == [
        "b",
        "c",
    ]


async def test_every_tag_with_a_colour_excludes_uncoloured_tags(gql: GraphQLClient) -> None:
    # A tag without a colour does not have the colour #FF0000, so a customer carrying one
    # does not have `every` tag red.
    prefix = factories.unique("Every")
    red = await factories.tag(gql, color="#FF0000")
    plain = await factories.tag(gql)
    await _people(
        gql,
        prefix,
        {"red": {"tagIds": [red["id"]]}, "mixed": {"tagIds": [red["id"], plain["id"]]}},
    )
    every_red = {"tags": {"every": {"color": {"eq": "#FF0000"}}}}
    assert await _suffixes(gql, prefix, every_red) == ["red"]


async def test_a_deleted_tag_matches_no_tag_condition(gql: GraphQLClient) -> None:
    prefix = factories.unique("Untagged")
    tag = await factories.tag(gql)
    await _people(gql, prefix, {"a": {"tagIds": [tag["id"]]}, "b": {}})
    has_tag = {"id": {"eq": tag["id"]}}
    assert await _suffixes(gql, prefix, {"tags": {"some": has_tag}}) == ["a"]
    await gql.mutate(DELETE_TAG, {"input": {"id": tag["id"]}})
    assert await _suffixes(gql, prefix, {"tags": {"some": has_tag}}) == []
    assert await _suffixes(gql, prefix, {"tags": {"none": has_tag}}) == ["a", "b"]
    assert await _suffixes(gql, prefix, {"tags": {"some": {}}}) == []
    # and restored, it counts again
    await gql.mutate(RESTORE_TAG, {"input": {"id": tag["id"]}})
    assert await _suffixes(gql, prefix, {"tags": {"some": has_tag}}) == ["a"]


async def test_customers_with_an_order_over_an_amount(gql: GraphQLClient) -> None:
    prefix = factories.unique("Spender")
    product = await factories.product(gql, price="1.00")

    async def customer_with_order(suffix: str, price: str, currency: str = "EUR") -> str:
        customer = await factories.customer(gql, name=f"{prefix} {suffix}")
        order = await factories.order(
            gql,
            customer["id"],
            [{"productId": product["id"], "quantity": 1, "unitPrice": price}],
            currency=currency,
        )
        return str(order["id"])

    await customer_with_order("small", "50.00")
    await customer_with_order("exact", "100.00")
    await customer_with_order("big", "150.00")
    await customer_with_order("dollars", "500.00", currency="USD")
    deleted = await customer_with_order("deleted", "900.00")
    await gql.mutate(DELETE_ORDER, {"input": {"id": deleted}})
    await factories.customer(gql, name=f"{prefix} none")
    over_100 = {"orders": {"some": {"total": {"currency": "EUR", "gt": "100"}}}}
    assert await _suffixes(gql, prefix, over_100) == ["big"]
    at_least = {"orders": {"some": {"total": {"currency": "eur", "gte": "100.00"}}}}
    assert await _suffixes(gql, prefix, at_least) == ["big", "exact"]
    assert await _suffixes(gql, prefix, {"orders": {"none": {}}}) == ["deleted", "none"]
    in_usd = {"orders": {"some": {"total": {"currency": "USD", "gt": "0"}}}}
    assert await _suffixes(gql, prefix, in_usd) == ["dollars"]


async def test_customers_with_an_interaction_since_a_date(gql: GraphQLClient) -> None:
    prefix = factories.unique("Talked")
    times = {
        "recent": "2024-06-15T10:00:00+00:00",
        "old": "2023-01-10T10:00:00+00:00",
        "edge": "2024-05-31T23:30:00-02:00",  # 2024-06-01T01:30Z
    }
    for suffix, occurred_at in times.items():
        customer = await factories.customer(gql, name=f"{prefix} {suffix}")
        await gql.mutate(
            LOG_INTERACTION,
            {
                "input": {
                    "customerId": customer["id"],
                    "kind": "CALL",
                    "subject": suffix,
                    "occurredAt": occurred_at,
                }
            },
        )
    await factories.customer(gql, name=f"{prefix} silent")
    since = {"interactions": {"some": {"occurredAt": {"gte": "2024-06-01T00:00:00+00:00"}}}}
    assert await _suffixes(gql, prefix, since) == ["edge", "recent"]
    calls_before = {"interactions": {"some": {"occurredAt": {"lt": "2024-01-01T00:00:00Z"}}}}
    assert await _suffixes(gql, prefix, calls_before) == ["old"]
    assert await _suffixes(gql, prefix, {"interactions": {"none": {}}}) == ["silent"]


async def test_a_datetime_without_a_zone_is_refused(gql: GraphQLClient) -> None:
    # A timestamp without an offset is ambiguous: refused as the client's mistake (a variable
    # validation error), never a database error.
    error = await _error(gql, CUSTOMERS, {"filter": {"createdAt": {"gt": "2020-01-01T00:00:00"}}})
    assert "time zone" in error["message"]
    assert "path" not in error  # a request error, before anything ran
    # with an offset, it filters
    prefix = factories.unique("Zoned")
    await _people(gql, prefix, {"a": {}})
    assert await _suffixes(gql, prefix, {"createdAt": {"gt": "2020-01-01T00:00:00Z"}}) == ["a"]
    assert await _suffixes(gql, prefix, {"createdAt": {"lt": "2020-01-01T00:00:00+02:00"}}) == []


# --- search ------------------------------------------------------------------------------------


async def test_customer_search(gql: GraphQLClient) -> None:
    tag = await factories.tag(gql)
    mark = factories.unique("x").split()[1]
    company = await factories.company(gql, name=f"Analytical Engines {mark}")
    await factories.customer(gql, name=f"Ada Lovelace {mark}", tagIds=[tag["id"]])
    await factories.customer(
        gql, name="Charles Babbage", companyId=company["id"], tagIds=[tag["id"]]
    )
    await factories.customer(
        gql,
        name="Mary Somerville",
        tagIds=[tag["id"]],
        contactMethods=[{"kind": "EMAIL", "value": f"mary.{mark}@science.example"}],
    )
    await factories.customer(
        gql,
        name="Michael Faraday",
        tagIds=[tag["id"]],
        contactMethods=[{"kind": "PHONE", "value": "+44 20 7946 0958"}],
    )
    mine = {"tags": {"some": {"id": {"eq": tag["id"]}}}}

    async def found(text: str) -> list[str]:
        return await _names(gql, mine, search=text)

    assert await found("lovelace") == [f"Ada Lovelace {mark}"]
    assert await found("ANALYTICAL engines") == ["Charles Babbage"]
    assert await found(f"MARY.{mark}@") == ["Mary Somerville"]
    assert await found("science.example") == ["Mary Somerville"]
    assert await found("20 7946") == ["Michael Faraday"]
    assert await found("7946-0958") == ["Michael Faraday"]
    assert await found("+442079460958") == ["Michael Faraday"]
    assert await found(mark) == ["Ada Lovelace " + mark, "Charles Babbage", "Mary Somerville"]
    assert await found("Nobody at all") == []
    # blank search does not filter
    assert len(await found("   ")) == 4


async def test_search_ignores_the_name_of_a_deleted_company(gql: GraphQLClient) -> None:
    # As with `company: {...}`, a deleted company no longer describes its former people
    # (their `company` reads null), so its name must not find them either.
    tag = await factories.tag(gql)
    company = await factories.company(gql, name=factories.unique("Defunct Works"))
    await factories.customer(
        gql, name="Former Employee", companyId=company["id"], tagIds=[tag["id"]]
    )
    mine = {"tags": {"some": {"id": {"eq": tag["id"]}}}}
    assert await _names(gql, mine, search=company["name"]) == ["Former Employee"]
    await gql.mutate(DELETE_COMPANY, {"input": {"id": company["id"]}})
    assert await _names(gql, {**mine, "company": {}}) == []
    assert await _names(gql, mine, search=company["name"]) == []


async def test_company_search(gql: GraphQLClient) -> None:
    mark = factories.unique("x").split()[1]
    await factories.company(gql, name=f"Babbage Difference {mark}")
    await factories.company(
        gql, name=f"Plain {mark}", website=f"https://www.engines-{mark}.example"
    )
    await factories.company(gql, name=f"Other {mark}", domain=f"calc-{mark}.example")
    mine = {"name": {"contains": mark}}

    async def found(text: str) -> list[str]:
        data = await gql.query(COMPANIES, {"filter": mine, "search": text})
        return [node["name"] for node in data["companies"]["nodes"]]

    assert await found("difference") == [f"Babbage Difference {mark}"]
    assert await found(f"engines-{mark}") == [f"Plain {mark}"]
    assert await found("WWW.ENGINES") == [f"Plain {mark}"]
    assert await found(f"calc-{mark}.example") == [f"Other {mark}"]
    assert await found("nothing like it") == []


# --- limits ------------------------------------------------------------------------------------


async def test_an_in_list_of_more_than_1000_values_is_refused(gql: GraphQLClient) -> None:
    prefix = factories.unique("Many")
    await _people(gql, prefix, {"a": {}})
    names = [f"{prefix} {i}" for i in range(1000)] + [f"{prefix} a"]
    error = await _error(gql, CUSTOMERS, {"filter": {"name": {"in": names}}})
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["message"] == "`in` takes at most 1000 values."
    ids = [_global_id("Customer", str(i)) for i in range(1, 1002)]
    error = await _error(gql, CUSTOMERS, {"filter": {"id": {"in": ids}}})
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    # nested inside a relation filter too
    tags = [f"tag {i}" for i in range(1001)]
    error = await _error(gql, CUSTOMERS, {"filter": {"tags": {"some": {"name": {"in": tags}}}}})
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    # 1000 is allowed
    assert await _suffixes(gql, prefix, {"name": {"in": names[-1000:]}}) == ["a"]
